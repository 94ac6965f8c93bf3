// SHOW, DESCRIBE, EXPLAIN, SET/UNSET, PRINT, as planned (planner/plan-statement.ts): statements
// that report and do not change data. What they name was found by planning; these read it.

import { formatType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import { describeUserFunction } from './functions.js';
import type { DescribePlan, PrintPlan } from '../../planner/plan-describe.js';
import type { ExplainPlan } from '../../planner/plan-explain.js';
import type { ShowPlan } from '../../planner/plan-statement.js';
import type { QueryPlan } from '../../planner/plan.js';
import type { Value } from '../../planner/values.js';
import type { Engine } from '../engine-context.js';
import type { RunningQuery } from '../engine-state.js';
import type { StatementResult } from '../results.js';
import { explainAnalyze } from './explain-analyze.js';
import { PrintTail } from '../print-tail.js';
import { buildPipeline } from '../build-pipeline.js';
import { explainLines, explainText } from '../explain.js';
import type { OperatorEnv, OperatorInfo } from '../operators/operator.js';
import { windowRowsHome } from '../pull-store.js';
import { PERSISTENT_STATE_HOME } from '../state/state-store.js';
import { materializedTable } from './persistent.js';
import { memoryEnv, shareKeyOf } from './select.js';

function sourceRow(s: SourceDef): Value[] {
  return [s.name, s.topic ?? '(static)', s.keyFormat, s.valueFormat, !!s.windowed];
}

export function show(engine: Engine, plan: ShowPlan, text: string): StatementResult {
  const { state } = engine;
  switch (plan.what) {
    case 'STREAMS':
    case 'TABLES': {
      const kind = plan.what === 'STREAMS' ? 'STREAM' : 'TABLE';
      const rows = state.catalog.list(kind).map(sourceRow);
      return {
        kind: 'rows',
        statement: text,
        title: plan.what === 'STREAMS' ? 'Streams' : 'Tables',
        columns: [
          { name: 'Name', type: 'STRING' },
          { name: 'Topic', type: 'STRING' },
          { name: 'Key Format', type: 'STRING' },
          { name: 'Value Format', type: 'STRING' },
          { name: 'Windowed', type: 'BOOLEAN' },
        ],
        rows,
      };
    }
    case 'QUERIES': {
      const rows: Value[][] = [];
      for (const q of state.queries.values()) {
        if (q.internal) continue;
        const m = q.task.metrics.snapshot();
        const h = state.supervisor.status(q);
        rows.push(
          plan.extended
            ? [q.id, 'PERSISTENT', q.sink ?? null, q.sql, h.status, m.batches, m.recordsIn, Math.round(m.processedRowsPerSecond), m.lag, m.lateDropped, m.errors, h.lastError ?? null]
            : [q.id, 'PERSISTENT', q.sink ?? null, q.sql, h.status],
        );
      }
      for (const [id, p] of state.pushQueries) {
        const m = p.task.metrics.snapshot();
        rows.push(
          plan.extended
            ? [id, 'PUSH', null, p.sql, 'RUNNING', m.batches, m.recordsIn, Math.round(m.processedRowsPerSecond), m.lag, m.lateDropped, m.errors, null]
            : [id, 'PUSH', null, p.sql, 'RUNNING'],
        );
      }
      const base = [
        { name: 'Query ID', type: 'STRING' },
        { name: 'Type', type: 'STRING' },
        { name: 'Sink', type: 'STRING' },
        { name: 'Query', type: 'STRING' },
        { name: 'Status', type: 'STRING' },
      ];
      const ext = [
        { name: 'Batches', type: 'BIGINT' },
        { name: 'Records In', type: 'BIGINT' },
        { name: 'Rows/s', type: 'BIGINT' },
        { name: 'Lag', type: 'BIGINT' },
        { name: 'Late Dropped', type: 'BIGINT' },
        { name: 'Errors', type: 'BIGINT' },
        { name: 'Last Error', type: 'STRING' },
      ];
      return { kind: 'rows', statement: text, title: 'Queries', columns: plan.extended ? [...base, ...ext] : base, rows };
    }
    case 'TOPICS': {
      const rows = state.log.listTopics().map((t) => [t.name, t.partitions, Array.from({ length: t.partitions }, (_, p) => state.log.endOffset(t.name, p)).reduce((a, b) => a + b, 0)] as Value[]);
      return {
        kind: 'rows',
        statement: text,
        title: 'Topics',
        columns: [
          { name: 'Topic', type: 'STRING' },
          { name: 'Partitions', type: 'INTEGER' },
          { name: 'Records', type: 'BIGINT' },
        ],
        rows,
      };
    }
    case 'FUNCTIONS': {
      const rows = state.catalog.functions.list().map((f) => [f.name, f.type, f.category ?? null] as Value[]);
      return {
        kind: 'rows',
        statement: text,
        title: 'Functions',
        columns: [
          { name: 'Function', type: 'STRING' },
          { name: 'Type', type: 'STRING' },
          { name: 'Category', type: 'STRING' },
        ],
        rows,
      };
    }
    case 'PROPERTIES': {
      const rows: Value[][] = [...state.properties].map(([k, v]) => [k, v]);
      rows.push(['eddy.batch.max.records', String(state.batch.maxRecords)], ['eddy.batch.interval.ms', String(state.batch.intervalMs)]);
      return {
        kind: 'rows',
        statement: text,
        title: 'Properties',
        columns: [
          { name: 'Property', type: 'STRING' },
          { name: 'Value', type: 'STRING' },
        ],
        rows,
      };
    }
    case 'SINKS': {
      // Each external sink's place: batches staged in Eddy, confirmed by the target, waiting, and the last failure.
      const rows: Value[][] = [];
      for (const q of state.queries.values()) {
        const s = q.task.sink;
        if (!s) continue;
        const p = s.position();
        rows.push([q.sink ?? null, q.id, s.writer.target, s.writer.guarantee, p.staged, p.delivered, p.pending, p.error]);
      }
      const columns = [
        { name: 'Sink', type: 'STRING' },
        { name: 'Query ID', type: 'STRING' },
        { name: 'Target', type: 'STRING' },
        { name: 'Guarantee', type: 'STRING' },
        { name: 'Batches Staged', type: 'BIGINT' },
        { name: 'Batches Delivered', type: 'BIGINT' },
        { name: 'Pending', type: 'BIGINT' },
        { name: 'Last Error', type: 'STRING' },
      ];
      return { kind: 'rows', statement: text, title: 'Sinks', columns, rows };
    }
    case 'TYPES': {
      const rows = [...state.catalog.types].map(([k, t]) => [k, formatType(t)] as Value[]);
      return {
        kind: 'rows',
        statement: text,
        title: 'Types',
        columns: [
          { name: 'Type Name', type: 'STRING' },
          { name: 'Schema', type: 'STRING' },
        ],
        rows,
      };
    }
  }
}

export function describe(engine: Engine, plan: DescribePlan, text: string): StatementResult {
  const { state } = engine;
  if (plan.kind === 'DescribeAll') return show(engine, { kind: 'Show', what: plan.what, extended: plan.extended }, text);
  if (plan.kind === 'DescribeFunction') {
    const f = plan.fn;
    const rows: Value[][] = f.signatures.map((s) => [s, f.description]);
    const body = describeUserFunction(state.catalog.functions, f.name)?.body;
    if (body !== undefined) rows.push(['LANGUAGE JAVASCRIPT', `AS $$${body}$$`]);
    return {
      kind: 'rows',
      statement: text,
      title: `Function ${f.name}`,
      columns: [
        { name: 'Signature', type: 'STRING' },
        { name: 'Description', type: 'STRING' },
      ],
      rows,
    };
  }
  if (plan.kind === 'DescribeQuery') {
    const id = plan.id;
    const q = state.queries.get(id)!;
    const h = state.supervisor.status(q);
    const m = q.task.metrics.snapshot();
    const rows: Value[][] = [['status', h.status], ...Object.entries(m).map(([k, v]): Value[] => [k, typeof v === 'number' ? Math.round(v * 100) / 100 : String(v)])];
    if (h.lastError !== undefined) rows.push(['lastError', h.lastError], ['failures', h.failures], ['retryInMs', h.retryInMs]);
    return {
      kind: 'rows',
      statement: text,
      title: `Query ${id}`,
      columns: [
        { name: 'Metric', type: 'STRING' },
        { name: 'Value', type: 'DOUBLE' },
      ],
      rows,
    };
  }
  const s = plan.def;
  const rows: Value[][] = s.columns.map((c) => [c.name, formatType(c.type) + (c.role === 'key' ? (s.kind === 'TABLE' ? ' (primary key)' : ' (key)') : c.role === 'header' ? ' (header)' : '')]);
  if (plan.extended) {
    rows.push(['--', '--'], ['Type', s.kind], ['Topic', s.topic ?? '(static table)'], ['Key format', s.keyFormat], ['Value format', s.valueFormat], ['Partitions', String(s.partitions)]);
    if (s.timestampColumn) rows.push(['Timestamp column', s.timestampColumn]);
    if (s.windowed) rows.push(['Window', s.windowed.kind]);
    const withStatus = (q: RunningQuery): string => {
      const h = state.supervisor.status(q);
      return `${q.id} (${h.status}${h.status === 'ERROR' ? `: ${h.lastError}` : ''})`;
    };
    const writer = s.writtenBy ? state.queries.get(s.writtenBy) : undefined;
    if (s.writtenBy) rows.push(['Written by', writer ? withStatus(writer) : s.writtenBy]);
    for (const q of state.readersOf(s.name)) rows.push(['Read by', withStatus(q)]);
  }
  return {
    kind: 'rows',
    statement: text,
    title: `${s.kind === 'STREAM' ? 'Stream' : 'Table'} ${s.name}`,
    columns: [
      { name: 'Field', type: 'STRING' },
      { name: 'Type', type: 'STRING' },
    ],
    rows,
  };
}

export function explain(engine: Engine, planned: ExplainPlan, text: string): StatementResult {
  const { state } = engine;
  if (planned.kind === 'Nothing') return { kind: 'message', statement: text, message: planned.message };
  let plan: QueryPlan;
  // A running query's operators are the ones its task built; a planned one's are built here, in memory.
  let running: OperatorInfo | undefined;
  if (planned.kind === 'ExplainRunning') {
    if (planned.push) {
      // A push query may run on a task shared with equal push queries: its plan, under its own id and text.
      const p = state.pushQueries.get(planned.id)!;
      plan = { ...p.task.plan, id: planned.id, sql: p.sql };
      running = p.task.operators;
    } else {
      const q = state.queries.get(planned.id)!;
      plan = q.plan;
      running = q.task.operators;
    }
  } else {
    // A push query whose task may be shared has no LIMIT in its sink: its group counts each subscriber's (select.ts).
    const shared = !planned.pull && planned.plan.sink.kind === 'Push' && shareKeyOf(engine, planned.plan.root) !== undefined;
    plan = shared ? { ...planned.plan, sink: { kind: 'Push' } } : planned.plan;
  }
  // A pull query's rows go to the caller: no sink operator is built for it.
  const pull = planned.kind === 'ExplainPlanned' && planned.pull;
  if (planned.analyze) return { kind: 'explain', statement: text, ...explainAnalyze(engine, plan, pull) };
  const lines = explainLines(running ?? plannedOperators(engine, plan, pull));
  return { kind: 'explain', statement: text, text: explainText(plan, lines), lines };
}

/** The operators `plan` builds when started: built in memory, their state laid out as its task's will be. */
function plannedOperators(engine: Engine, plan: QueryPlan, pull: boolean): OperatorInfo {
  const table = materializedTable(plan);
  const env: OperatorEnv = {
    ...memoryEnv(engine),
    ...(plan.sink.kind === 'Source' ? { stateHome: PERSISTENT_STATE_HOME } : {}),
    ...(table ? { windowRows: { home: windowRowsHome(table), load: () => [], stage: () => {} } } : {}),
  };
  return buildPipeline(plan.root, () => {}, env, pull ? {} : { sink: plan.sink }).tree;
}

export function setProperty(engine: Engine, plan: { readonly name: string; readonly value: string }, text: string): StatementResult {
  engine.setProperty(plan.name, plan.value);
  return { kind: 'message', statement: text, message: `Successfully changed local property '${plan.name}' to '${plan.value}'.` };
}

export function unsetProperty(engine: Engine, plan: { readonly name: string }, text: string): StatementResult {
  engine.state.properties.delete(plan.name);
  return { kind: 'message', statement: text, message: `Successfully unset local property '${plan.name}'.` };
}

export function print(engine: Engine, plan: PrintPlan, text: string): StatementResult {
  const { state } = engine;
  const { log } = state;
  const info = log.describeTopic(plan.topic.name) ?? log.listTopics().find((t) => t.name === plan.topic.name)!;
  const id = `print_${info.name}_${state.transientCounter++}`;
  const tail = new PrintTail(
    id,
    log,
    info,
    { fromBeginning: plan.fromBeginning, ...(plan.interval !== undefined ? { interval: plan.interval } : {}), ...(plan.limit !== undefined ? { limit: plan.limit } : {}) },
    () => state.prints.delete(id),
  );
  if (!tail.query.isClosed) state.prints.set(id, tail);
  engine.ensureRunning();
  engine.wake();
  return { kind: 'push', statement: text, query: tail.query };
}

export type { Value };
