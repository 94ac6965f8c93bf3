// SELECT: push queries (EMIT CHANGES / EMIT FINAL) run as transient tasks; pull queries run
// the same operator plan once over a snapshot — a table's materialised rows, a static table,
// a stream's retained log, or `latest.<stream>` (the stream's newest micro-batch).

import type { Query, Relation, SourceRef } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { formatType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import { planQuery } from '../../planner/plan-query.js';
import { sourcesOf, type QueryPlan } from '../../planner/plan.js';
import { checkPullQuery } from '../../planner/pull-query-rules.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { buildPipeline } from '../build-pipeline.js';
import type { Engine } from '../engine.js';
import type { OperatorEnv } from '../operators/operator.js';
import { VISIBLE_ROWS } from '../pull-store.js';
import { PushQuery } from '../push-query.js';
import { QueryTask } from '../query-task.js';
import { recordCodec } from '../record-codec.js';
import type { ColumnHeader, StatementResult } from '../results.js';
import { StateStore } from '../state/state-store.js';
import { fromJsonValue, keyString } from '../../planner/value-json.js';
import { readStaticRows, staticBatchJoin } from '../static-table.js';
import { newErrorRoute } from './persistent.js';

export function headerOf(plan: { output: { columns: readonly { name: string; type: Parameters<typeof formatType>[0]; role: string }[] } }): ColumnHeader[] {
  return plan.output.columns.map((c) => ({ name: c.name, type: formatType(c.type), ...(c.role === 'key' ? { key: true } : {}) }));
}

export function startPushQuery(engine: Engine, q: Query, text: string): PushQuery {
  const { state } = engine;
  const errors = newErrorRoute();
  const planned = planQuery(q, state.catalog, errors, { properties: state.properties });
  const id = `transient_${sourcesOf(planned.root)[0]!.source.name}_${state.transientCounter++}`;
  const plan: QueryPlan = { id, sql: text, root: planned.root, sink: { kind: 'Push', ...(q.limit !== undefined ? { limit: q.limit } : {}) }, output: planned.output };
  let query: PushQuery | undefined;
  const task = new QueryTask(plan, state.taskDeps(), {
    persistent: false,
    startAt: state.startAt(),
    onRow: (r) => query!.deliver({ values: r.cols, ts: r.ts, ...(r.tombstone ? { tombstone: true } : {}), ...(r.window ? { window: r.window } : {}) }),
  });
  errors.sink = (m) => state.processingLog.write({ queryId: id, topic: null, partition: null, offset: null, reason: m });
  // Key flags are Eddy's (the shell updates keyed rows in place); ksqlDB's REST header omits them.
  query = new PushQuery(id, headerOf(plan), () => {
    task.stop();
    state.pushQueries.delete(id);
  });
  state.pushQueries.set(id, { task, query });
  engine.ensureRunning();
  return query;
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

/** The records a pull query reads from one source. */
function* snapshot(engine: Engine, source: SourceDef, latestOnly: boolean): Generator<Rec> {
  const { state } = engine;
  if (!source.topic) {
    for (const cols of readStaticRows(state.db, source)) yield { cols, ts: 0, partition: 0, offset: 0 };
    return;
  }
  if (source.kind === 'TABLE' && !latestOnly) {
    const rows = state.db.prepare(`SELECT cols, ts, wstart, wend FROM materialized WHERE source = ? AND ${VISIBLE_ROWS}`).all(source.name) as { cols: string; ts: number; wstart: number | null; wend: number | null }[];
    for (const r of rows) {
      const cols = (JSON.parse(r.cols) as unknown[]).map(fromJsonValue);
      yield { cols, ts: r.ts, partition: 0, offset: 0, ...(r.wstart !== null ? { window: { start: r.wstart, end: r.wend! } } : {}) };
    }
    return;
  }
  const codec = recordCodec(source);
  const info = state.log.describeTopic(source.topic);
  if (!info) return;
  const ranges = latestOnly
    ? (state.latest.get(source.name)?.ranges ?? [])
    : Array.from({ length: info.partitions }, (_, p) => ({ partition: p, from: 0, to: state.log.endOffset(source.topic!, p) }));
  for (const { partition, from, to } of ranges) {
    for (let off = from; off < to; ) {
      const batch = state.log.read(source.topic, partition, off, Math.min(10_000, to - off));
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

export function runPullQuery(engine: Engine, q: Query, text: string): StatementResult {
  const { state } = engine;
  const errors = newErrorRoute();
  checkPullQuery(q, state.catalog, { tableScanEnabled: state.properties.get('ksql.query.pull.table.scan.enabled') !== 'false' });
  // ksqlDB answers no pull query over a join; Eddy joins a static table (no topic) in one.
  const refs = sourceRefs(q.from);
  if (refs.filter((r) => state.catalog.get(r.name)?.topic).length > 1) throw new SqlError("Pull queries don't support JOIN clauses.", q);
  for (const ref of refs) if (ref.schema !== undefined && ref.schema !== 'LATEST') throw new SqlError(`Unknown schema '${ref.schema}': only latest.<stream> is supported.`, ref);
  const planned = planQuery(q, state.catalog, errors, { properties: state.properties });
  const sources = sourcesOf(planned.root);
  const driving = sources.filter((s) => s.source.topic);
  const main = driving[0] ?? sources[0]!;
  // latest.<stream> may stand anywhere in FROM (e.g. joined with a static table): it narrows the driving stream.
  const latestOnly = refs.some((r) => r.schema === 'LATEST' && r.name.toUpperCase() === main.source.name.toUpperCase());
  const rows: Value[][] = [];
  const keyCount = planned.output.columns.filter((c) => c.role === 'key').length;
  const aggregated = planned.output.isTable && (planned.root.kind === 'Project' && planned.root.input.kind !== 'Source' && containsAggregate(planned.root));
  const latestByKey = new Map<string, Value[]>();
  let done = false;
  const pipeline = buildPipeline(
    planned.root,
    (r) => {
      if (done) return;
      if (aggregated) {
        const k = keyString([...r.cols.slice(0, keyCount), r.window?.start ?? null]);
        if (r.tombstone) latestByKey.delete(k);
        else latestByKey.set(k, withWindow(r));
        return;
      }
      if (r.tombstone) return;
      rows.push(withWindow(r));
      if (q.limit !== undefined && rows.length >= q.limit) done = true;
    },
    memoryEnv(engine),
  );
  function withWindow(r: Rec): Value[] {
    return r.cols;
  }
  const entry = pipeline.entries.get(main.alias)!;
  for (const rec of snapshot(engine, main.source, latestOnly)) {
    if (done) break;
    entry(rec);
  }
  for (const f of pipeline.endBatch) f();
  if (aggregated) rows.push(...latestByKey.values());
  const columns = headerOf({ output: planned.output });
  return { kind: 'rows', statement: text, columns, rows: q.limit !== undefined ? rows.slice(0, q.limit) : rows };
}

function sourceRefs(r: Relation): SourceRef[] {
  return r.kind === 'SourceRef' ? [r] : [...sourceRefs(r.left), r.right];
}

function containsAggregate(n: QueryPlan['root']): boolean {
  if (n.kind === 'Aggregate') return true;
  if (n.kind === 'Source') return false;
  if (n.kind === 'Join') return containsAggregate(n.left) || containsAggregate(n.right);
  return containsAggregate(n.input);
}
