// SHOW, DESCRIBE, EXPLAIN, SET/UNSET, PRINT: statements that report and do not change data.

import type { Describe, Explain, Print, SetProperty, Show, UnsetProperty } from '../../parser/ast.js';
import { FormatGuess } from './print-format.js';
import { SqlError } from '../../parser/errors.js';
import { formatType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import { explainPlan, explainText } from '../../planner/explain.js';
import { listFunctions } from '../../planner/functions/registry.js';
import { planQuery } from '../../planner/plan-query.js';
import type { QueryPlan } from '../../planner/plan.js';
import type { Value } from '../../planner/values.js';
import type { Engine } from '../engine.js';
import type { StatementResult } from '../results.js';
import { explainAnalyze } from './explain-analyze.js';
import { newErrorRoute } from './persistent.js';

function sourceRow(s: SourceDef): Value[] {
  return [s.name, s.topic ?? '(static)', s.keyFormat, s.valueFormat, !!s.windowed];
}

export function show(engine: Engine, stmt: Show, text: string): StatementResult {
  const { state } = engine;
  switch (stmt.what) {
    case 'STREAMS':
    case 'TABLES': {
      const kind = stmt.what === 'STREAMS' ? 'STREAM' : 'TABLE';
      const rows = state.catalog.list(kind).map(sourceRow);
      return { kind: 'rows', statement: text, title: stmt.what === 'STREAMS' ? 'Streams' : 'Tables', columns: [{ name: 'Name', type: 'STRING' }, { name: 'Topic', type: 'STRING' }, { name: 'Key Format', type: 'STRING' }, { name: 'Value Format', type: 'STRING' }, { name: 'Windowed', type: 'BOOLEAN' }], rows };
    }
    case 'QUERIES': {
      const rows: Value[][] = [];
      for (const q of state.queries.values()) {
        if (q.internal) continue;
        const m = q.task.metrics.snapshot();
        rows.push(stmt.extended ? [q.id, 'PERSISTENT', q.sink ?? null, q.sql, m.batches, m.recordsIn, Math.round(m.processedRowsPerSecond), m.lag, m.lateDropped, m.errors] : [q.id, 'PERSISTENT', q.sink ?? null, q.sql]);
      }
      for (const [id, p] of state.pushQueries) {
        const m = p.task.metrics.snapshot();
        rows.push(stmt.extended ? [id, 'PUSH', null, p.task.plan.sql, m.batches, m.recordsIn, Math.round(m.processedRowsPerSecond), m.lag, m.lateDropped, m.errors] : [id, 'PUSH', null, p.task.plan.sql]);
      }
      const base = [{ name: 'Query ID', type: 'STRING' }, { name: 'Type', type: 'STRING' }, { name: 'Sink', type: 'STRING' }, { name: 'Query', type: 'STRING' }];
      const ext = [{ name: 'Batches', type: 'BIGINT' }, { name: 'Records In', type: 'BIGINT' }, { name: 'Rows/s', type: 'BIGINT' }, { name: 'Lag', type: 'BIGINT' }, { name: 'Late Dropped', type: 'BIGINT' }, { name: 'Errors', type: 'BIGINT' }];
      return { kind: 'rows', statement: text, title: 'Queries', columns: stmt.extended ? [...base, ...ext] : base, rows };
    }
    case 'TOPICS': {
      const rows = state.log.listTopics().map((t) => [t.name, t.partitions, Array.from({ length: t.partitions }, (_, p) => state.log.endOffset(t.name, p)).reduce((a, b) => a + b, 0)] as Value[]);
      return { kind: 'rows', statement: text, title: 'Topics', columns: [{ name: 'Topic', type: 'STRING' }, { name: 'Partitions', type: 'INTEGER' }, { name: 'Records', type: 'BIGINT' }], rows };
    }
    case 'FUNCTIONS': {
      const rows = listFunctions().map((f) => [f.name, f.type, f.category ?? null] as Value[]);
      return { kind: 'rows', statement: text, title: 'Functions', columns: [{ name: 'Function', type: 'STRING' }, { name: 'Type', type: 'STRING' }, { name: 'Category', type: 'STRING' }], rows };
    }
    case 'PROPERTIES': {
      const rows: Value[][] = [...state.properties].map(([k, v]) => [k, v]);
      rows.push(['eddy.batch.max.records', String(state.batch.maxRecords)], ['eddy.batch.interval.ms', String(state.batch.intervalMs)]);
      return { kind: 'rows', statement: text, title: 'Properties', columns: [{ name: 'Property', type: 'STRING' }, { name: 'Value', type: 'STRING' }], rows };
    }
    case 'TYPES': {
      const rows = [...state.catalog.types].map(([k, t]) => [k, formatType(t)] as Value[]);
      return { kind: 'rows', statement: text, title: 'Types', columns: [{ name: 'Type Name', type: 'STRING' }, { name: 'Schema', type: 'STRING' }], rows };
    }
  }
}

export function describe(engine: Engine, stmt: Describe, text: string): StatementResult {
  const { state } = engine;
  const t = stmt.target;
  if (t.kind === 'all') return show(engine, { kind: 'Show', what: t.what, extended: stmt.extended, loc: stmt.loc }, text);
  if (t.kind === 'function') {
    const f = listFunctions().find((x) => x.name === t.name);
    if (!f) throw new SqlError(`Can't find any functions with the name '${t.name}'`, stmt);
    return { kind: 'rows', statement: text, title: `Function ${f.name}`, columns: [{ name: 'Signature', type: 'STRING' }, { name: 'Description', type: 'STRING' }], rows: f.signatures.map((s) => [s, f.description]) };
  }
  const id = [...state.queries.keys()].find((k) => k.toUpperCase() === t.name.toUpperCase());
  if (id) {
    const m = state.queries.get(id)!.task.metrics.snapshot();
    const rows: Value[][] = Object.entries(m).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 100) / 100 : String(v)]);
    return { kind: 'rows', statement: text, title: `Query ${id}`, columns: [{ name: 'Metric', type: 'STRING' }, { name: 'Value', type: 'DOUBLE' }], rows };
  }
  const s = state.catalog.get(t.name);
  if (!s) throw new SqlError(`Could not find STREAM/TABLE '${t.name}' in the Metastore`, stmt);
  const rows: Value[][] = s.columns.map((c) => [c.name, formatType(c.type) + (c.role === 'key' ? (s.kind === 'TABLE' ? ' (primary key)' : ' (key)') : c.role === 'header' ? ' (header)' : '')]);
  if (stmt.extended) {
    rows.push(['--', '--'], ['Type', s.kind], ['Topic', s.topic ?? '(static table)'], ['Key format', s.keyFormat], ['Value format', s.valueFormat], ['Partitions', String(s.partitions)]);
    if (s.timestampColumn) rows.push(['Timestamp column', s.timestampColumn]);
    if (s.windowed) rows.push(['Window', s.windowed.kind]);
    if (s.writtenBy) rows.push(['Written by', s.writtenBy]);
    for (const q of state.readersOf(s.name)) rows.push(['Read by', q.id]);
  }
  return { kind: 'rows', statement: text, title: `${s.kind === 'STREAM' ? 'Stream' : 'Table'} ${s.name}`, columns: [{ name: 'Field', type: 'STRING' }, { name: 'Type', type: 'STRING' }], rows };
}

export function explain(engine: Engine, stmt: Explain, text: string): StatementResult {
  const { state } = engine;
  let plan: QueryPlan;
  if (stmt.target.kind === 'queryId') {
    const want = stmt.target.id.toUpperCase();
    const q = [...state.queries.values()].find((x) => x.id.toUpperCase() === want) ?? [...state.pushQueries.values()].map((p) => ({ plan: p.task.plan, task: p.task })).find((p) => p.plan.id.toUpperCase() === want);
    if (!q) throw new SqlError(`Query with id:${stmt.target.id} does not exist, use SHOW QUERIES to view the full set of running queries.`, stmt);
    plan = q.plan;
  } else {
    const inner = stmt.target.statement;
    const query = inner.kind === 'Query' ? inner : inner.kind === 'CreateAsSelect' || inner.kind === 'InsertInto' ? inner.query : undefined;
    if (!query) throw new SqlError('EXPLAIN supports queries, CREATE … AS SELECT and INSERT INTO … SELECT.', stmt);
    const planned = planQuery(query, state.catalog, newErrorRoute());
    const sinkName = inner.kind === 'CreateAsSelect' ? inner.name : inner.kind === 'InsertInto' ? inner.target : undefined;
    const target = sinkName ? state.catalog.get(sinkName) : undefined;
    plan = {
      id: '(not started)',
      sql: text.replace(/^\s*EXPLAIN\s+(ANALYZE\s+)?/i, ''),
      root: planned.root,
      sink: sinkName
        ? { kind: 'Source', target: target ?? { name: sinkName, kind: planned.output.isTable ? 'TABLE' : 'STREAM', columns: planned.output.columns, topic: sinkName, partitions: 1, keyFormat: 'KAFKA', valueFormat: 'JSON', readOnly: false, sql: '' } }
        : { kind: 'Push' },
      output: planned.output,
    };
  }
  if (stmt.analyze) return { kind: 'explain', statement: text, ...explainAnalyze(engine, plan) };
  return { kind: 'explain', statement: text, text: explainText(plan), lines: explainPlan(plan) };
}

export function setProperty(engine: Engine, stmt: SetProperty, text: string): StatementResult {
  engine.setProperty(stmt.name, stmt.value);
  return { kind: 'message', statement: text, message: `Successfully changed local property '${stmt.name}' to '${stmt.value}'.` };
}

export function unsetProperty(engine: Engine, stmt: UnsetProperty, text: string): StatementResult {
  engine.state.properties.delete(stmt.name);
  return { kind: 'message', statement: text, message: `Successfully unset local property '${stmt.name}'.` };
}

export function print(engine: Engine, stmt: Print, text: string): StatementResult {
  const { log } = engine.state;
  const info = log.describeTopic(stmt.topic) ?? log.listTopics().find((t) => t.name.toUpperCase() === stmt.topic.toUpperCase());
  if (!info) throw new SqlError(`Could not find topic '${stmt.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`, stmt);
  const limit = stmt.limit ?? 100;
  const rows: Value[][] = [];
  const keys = new FormatGuess();
  const values = new FormatGuess();
  for (let p = 0; p < info.partitions && rows.length < limit; p++) {
    const end = log.endOffset(info.name, p);
    const from = stmt.fromBeginning ? 0 : Math.max(0, end - limit);
    for (const r of log.read(info.name, p, from, limit - rows.length)) {
      rows.push([new Date(r.timestamp).toISOString(), p, r.offset, keys.show(r.key), values.show(r.value)]);
    }
  }
  const title = `Topic ${info.name} · Key format: ${keys.describe()} · Value format: ${values.describe()}`;
  // Keys and values are texts or numbers, whichever format fits: typed ANY so neither is forced.
  return { kind: 'rows', statement: text, title, columns: [{ name: 'rowtime', type: 'STRING' }, { name: 'partition', type: 'INTEGER' }, { name: 'offset', type: 'BIGINT' }, { name: 'key', type: 'ANY' }, { name: 'value', type: 'ANY' }], rows };
}

export type { Value };
