// SELECT, as planned (planner/plan-select.ts): push queries (EMIT CHANGES / EMIT FINAL) run as
// transient tasks; pull queries run the same operator plan once over a snapshot — a table's
// materialised rows, a static table, a stream's retained log, or `latest.<stream>` (the
// stream's newest micro-batch). No rule of meaning lives here.

import type { Query } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { formatType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import { SINGLE_ROW_ENTRY, sourcesOf, type QueryPlan } from '../../planner/plan.js';
import type { PullQueryPlan, PushQueryPlan } from '../../planner/plan-select.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { buildPipeline } from '../build-pipeline.js';
import type { Engine } from '../engine-context.js';
import type { OperatorEnv } from '../operators/operator.js';
import { VISIBLE_ROWS } from '../pull-store.js';
import { PushGroup, pushShareKey } from '../push-group.js';
import { PushQuery } from '../push-query.js';
import { QueryTask } from '../query-task.js';
import { recordCodec } from '../record-codec.js';
import type { ColumnHeader, StatementResult } from '../results.js';
import { StateStore } from '../state/state-store.js';
import { fromJsonValue, keyString } from '../../planner/value-json.js';
import { readStaticRowByKey, readStaticRowPages, staticBatchJoin } from '../static-table.js';
import { sortRows } from '../sort-rows.js';

export function headerOf(plan: { output: { columns: readonly { name: string; type: Parameters<typeof formatType>[0]; role: string }[] } }): ColumnHeader[] {
  return plan.output.columns.map((c) => ({ name: c.name, type: formatType(c.type), ...(c.role === 'key' ? { key: true } : {}) }));
}

export function startPushQuery(engine: Engine, planned: PushQueryPlan, text: string): PushQuery {
  const { state } = engine;
  const { errors } = planned;
  const id = `transient_${sourcesOf(planned.root)[0]!.source.name}_${state.transientCounter++}`;
  const startAt = state.startAt();
  const key = shareKeyOf(engine, planned.root);
  const start = key === undefined ? undefined : startOffsets(engine, planned.root, startAt);
  let group = start && [...state.pushGroups].find((g) => g.canJoin(key, start));
  if (!group) {
    // A shared task has no LIMIT of its own: each subscriber's is counted by the group.
    const limit = key === undefined ? planned.limit : undefined;
    const plan: QueryPlan = { id, sql: text, root: planned.root, sink: { kind: 'Push', ...(limit !== undefined ? { limit } : {}) }, output: planned.output };
    let made: PushGroup | undefined;
    const task = new QueryTask(plan, { ...state.taskDeps(), codecFor: (def) => state.sharedDecodes.codecFor(def) }, { persistent: false, startAt, onRow: (r) => made!.deliver(r) });
    errors.sink = (m) => state.processingLog.write({ queryId: id, topic: null, partition: null, offset: null, reason: m });
    made = group = new PushGroup(task, key);
    state.pushGroups.add(group);
  }
  const g = group;
  // Key flags are Eddy's (the shell updates keyed rows in place); ksqlDB's REST header omits them.
  const query = new PushQuery(id, headerOf(planned), () => {
    state.pushQueries.delete(id);
    if (g.remove(query)) {
      g.task.stop();
      state.pushGroups.delete(g);
    }
  });
  g.add(query, start ?? g.task.nextOffsets(), planned.limit);
  state.pushQueries.set(id, { task: g.task, query, sql: text });
  engine.ensureRunning();
  return query;
}

/** What a push task of `root` is shared by (push-group.ts), or undefined when it runs alone. */
export function shareKeyOf(engine: Engine, root: QueryPlan['root']): string | undefined {
  const { state } = engine;
  // What planning depended on beside the plan: the session's properties and the user functions' versions.
  const context = JSON.stringify([[...state.properties].sort(), state.catalog.functions.changes]);
  return pushShareKey(root, context);
}

/** Where a push query starting now reads each partition of its plan's source from (`topic:partition` → offset), as its own task would. */
function startOffsets(engine: Engine, root: QueryPlan['root'], startAt: 'earliest' | 'latest'): Map<string, number> {
  const { log } = engine.state;
  const out = new Map<string, number>();
  for (const node of sourcesOf(root)) {
    const topic = node.source.topic;
    if (!topic) continue;
    const info = log.describeTopic(topic);
    const partitions = info?.partitions ?? node.source.partitions;
    for (let p = 0; p < partitions; p++) out.set(`${topic}:${p}`, startAt === 'earliest' || !info ? 0 : log.endOffset(topic, p));
  }
  return out;
}

/** Operators that keep their state in memory: pull queries and EXPLAIN ANALYZE. */
export function memoryEnv(engine: Engine): OperatorEnv {
  return {
    store: (name, enc, dec) => new StateStore(undefined, name, enc, dec),
    textStore: (name) => StateStore.text(undefined, name),
    logError: () => {},
    countLate: () => {},
    staticJoin: (s, stream) => staticBatchJoin(engine.state.db, s, stream),
  };
}

/** The records a pull query reads from one source, read page by page (no page stays open across a yield); a static table's row by its key when the query fixes it. */
function* snapshot(engine: Engine, source: SourceDef, latestOnly: boolean, key?: readonly Value[]): Generator<Rec> {
  const { state } = engine;
  if (!source.topic) {
    for (const cols of key ? readStaticRowByKey(state.db, source, key) : readStaticRowPages(state.db, source)) yield { cols, ts: 0, partition: 0, offset: 0 };
    return;
  }
  if (source.kind === 'TABLE' && !latestOnly) {
    const page = state.db.prepare(`SELECT k, cols, ts, wstart, wend FROM materialized WHERE source = ? AND k > ? AND ${VISIBLE_ROWS} ORDER BY k LIMIT ${PAGE_ROWS}`);
    for (let after = ''; ; ) {
      const rows = page.all(source.name, after) as { k: string; cols: string; ts: number; wstart: number | null; wend: number | null }[];
      for (const r of rows) {
        const cols = (JSON.parse(r.cols) as unknown[]).map(fromJsonValue);
        yield { cols, ts: r.ts, partition: 0, offset: 0, ...(r.wstart !== null ? { window: { start: r.wstart, end: r.wend! } } : {}) };
      }
      if (rows.length < PAGE_ROWS) return;
      after = rows[rows.length - 1]!.k;
    }
  }
  const codec = recordCodec(source, state.registry);
  const info = state.log.describeTopic(source.topic);
  if (!info) return;
  const ranges = latestOnly ? (state.latest.get(source.name)?.ranges ?? []) : Array.from({ length: info.partitions }, (_, p) => ({ partition: p, from: 0, to: state.log.endOffset(source.topic!, p) }));
  for (const { partition, from, to } of ranges) {
    for (let off = from; off < to; ) {
      const batch = state.log.read(source.topic, partition, off, Math.min(LOG_PAGE_ROWS, to - off));
      if (batch.length === 0) break;
      for (const raw of batch) {
        if (raw.offset >= to) break;
        const d = codec.decode(raw);
        if (d.rec && !(d.rec.tombstone && source.kind === 'STREAM')) yield d.rec;
      }
      off = batch[batch.length - 1]!.offset + 1;
    }
  }
}

const PAGE_ROWS = 1000;
/** A pull over a topic holds its current page of raw records while it waits for its client to read: with 1000-record pages 300 waiting pulls (450 B rows) raised peak RSS by ~430 MB, with 100 by ~140 MB. */
const LOG_PAGE_ROWS = 100;
/** A slice of a pull query's work ends after this long, or this many records, whichever comes first. */
const SLICE_MS = 10;
const SLICE_RECORDS = 1000;

/** A pull query under way: its header now, its rows as they are found, a slice of work per chunk. */
export interface PullCursor {
  readonly statement: string;
  readonly columns: ColumnHeader[];
  /** Each chunk is the rows one slice of work produced (maybe none); throws when the time budget runs out. */
  readonly chunks: Generator<Value[][], void, void>;
}

/** Runs a planned pull query: its rows as a cursor, a slice of work per chunk. */
export function openPull(engine: Engine, planned: PullQueryPlan, text: string, timeoutMs: number | undefined): PullCursor {
  const { main, latestOnly, keyCount, aggregated, key, order, limit, query: q } = planned;
  const columns = headerOf(planned);
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  function* chunks(): Generator<Value[][], void, void> {
    let pending: Value[][] = [];
    let emitted = 0;
    const latestByKey = new Map<string, Value[]>();
    let done = false;
    const pipeline = buildPipeline(
      planned.root,
      (r) => {
        if (done) return;
        if (aggregated) {
          const k = keyString([...r.cols.slice(0, keyCount), r.window?.start ?? null]);
          if (r.tombstone) latestByKey.delete(k);
          else latestByKey.set(k, r.cols);
          return;
        }
        if (r.tombstone) return;
        pending.push(r.cols);
        if (limit !== undefined && !order && emitted + pending.length >= limit) done = true;
      },
      memoryEnv(engine),
    );
    const entry = pipeline.entries.get(main ? main.alias : SINGLE_ROW_ENTRY)!;
    const input: Iterable<Rec> = main ? snapshot(engine, main.source, latestOnly, key) : [{ cols: [], ts: 0, partition: 0, offset: 0 }];
    let n = 0;
    let sliceStart = Date.now();
    let inSlice = 0;
    for (const rec of input) {
      if (done) break;
      entry(rec);
      n++;
      const now = Date.now();
      if (++inSlice >= SLICE_RECORDS || now - sliceStart >= SLICE_MS) {
        if (now > deadline) throw overBudget(timeoutMs!, n, q);
        if (order) {
          yield [];
        } else {
          const out = limited(pending);
          emitted += out.length;
          yield out;
          pending = [];
        }
        sliceStart = Date.now();
        inSlice = 0;
      }
    }
    for (const f of pipeline.endBatch) f();
    if (aggregated) pending.push(...latestByKey.values());
    yield limited(order ? sortRows(pending, order) : pending);
    function limited(rows: Value[][]): Value[][] {
      return limit !== undefined && emitted + rows.length > limit ? rows.slice(0, Math.max(0, limit - emitted)) : rows;
    }
  }
  return { statement: text, columns, chunks: chunks() };
}

function overBudget(ms: number, records: number, at: Query): SqlError {
  return new SqlError(
    `Pull query stopped: it ran past its time budget of ${ms} ms after reading ${records} records. Narrow it with WHERE or LIMIT, or raise the budget (eddy server --query-timeout).`,
    at,
  );
}

export function runPullQuery(engine: Engine, planned: PullQueryPlan, text: string): StatementResult {
  const cursor = openPull(engine, planned, text, engine.pullTimeoutMs);
  const rows: Value[][] = [];
  for (const chunk of cursor.chunks) for (const r of chunk) rows.push(r);
  return { kind: 'rows', statement: text, columns: cursor.columns, rows };
}
