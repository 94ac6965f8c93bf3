// Persistent queries: CREATE STREAM|TABLE … AS SELECT, INSERT INTO … SELECT, TERMINATE.

import type { CreateAsSelect, InsertInto, Query, Terminate } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { formatType, T, typesEqual } from '../../parser/sql-type.js';
import type { FormatName, SourceDef } from '../../planner/catalog.js';
import type { ErrorRoute } from '../../planner/compile.js';
import { checkFormatProperties, parseFormat, propPartitions, propString } from '../../planner/plan-ddl.js';
import { planQuery, type PlannedQuery } from '../../planner/plan-query.js';
import { RelationScope } from '../../planner/relation-scope.js';
import { compile } from '../../planner/compile.js';
import { inputsOf, sourcesOf, type PlanNode, type QueryPlan } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import { parseTimestampColumn } from '../timestamp-column.js';
import type { Engine } from '../engine.js';
import type { StatementResult } from '../results.js';

export function newErrorRoute(): ErrorRoute {
  return { sink: () => {} };
}

function leftmostSource(p: PlannedQuery): SourceDef {
  return sourcesOf(p.root)[0]!.source;
}

function sinkDefinition(stmt: CreateAsSelect, planned: PlannedQuery, text: string, properties: ReadonlyMap<string, string>): SourceDef {
  const p = stmt.properties;
  const defaultKeyFormat = (properties.get('ksql.persistence.default.format.key')?.toUpperCase() ?? 'KAFKA') as FormatName;
  const topicPrefix = properties.get('ksql.output.topic.name.prefix') ?? '';
  const valueColumns = planned.output.columns.filter((c) => c.role === 'value').length;
  checkFormatProperties(p, valueColumns, stmt);
  const from = leftmostSource(planned);
  const format = p.get('FORMAT');
  const out = planned.output;
  const hasKey = out.columns.some((c) => c.role === 'key');
  const multiKey = out.columns.filter((c) => c.role === 'key').length > 1;
  // KAFKA cannot hold several key columns: ksqlDB switches such keys to JSON.
  // A keyless source gives no key format to inherit: the session's default applies.
  const base = from.keyFormat === 'NONE' && hasKey ? defaultKeyFormat : from.keyFormat;
  const inherited = multiKey && base === 'KAFKA' ? 'JSON' : base;
  const keyFormat = parseFormat(p.get('KEY_FORMAT') ?? format, inherited);
  const valueFormat = parseFormat(p.get('VALUE_FORMAT') ?? format, from.valueFormat);
  const ts = propString(p, 'TIMESTAMP');
  const partitions = propPartitions(p);
  const wrapProp = p.get('WRAP_SINGLE_VALUE');
  // ksql.persistence.wrap.single.values sets the default for a sink with one value column.
  const wrapDefault = valueColumns === 1 && properties.get('ksql.persistence.wrap.single.values')?.toLowerCase() === 'false' ? false : undefined;
  const wrap = wrapProp !== undefined ? wrapProp.value === true || String(wrapProp.value).toLowerCase() === 'true' : wrapDefault;
  const sinkKind = propString(p, 'SINK')?.toLowerCase();
  if (sinkKind !== undefined && sinkKind !== 'discard') throw new SqlError(`Unknown sink '${sinkKind}': the one sink besides the topic is 'discard'.`, p.get('SINK') ?? stmt);
  return {
    name: stmt.name,
    kind: stmt.sourceType,
    columns: out.columns,
    topic: propString(p, 'KAFKA_TOPIC') ?? `${topicPrefix}${stmt.name}`,
    partitions: partitions ?? from.partitions,
    keyFormat: hasKey ? (keyFormat === 'NONE' ? 'KAFKA' : keyFormat) : 'NONE',
    valueFormat,
    ...(wrap !== undefined ? { wrapSingleValue: wrap } : {}),
    ...(propString(p, 'VALUE_DELIMITER') ? { valueDelimiter: propString(p, 'VALUE_DELIMITER')! } : from.valueDelimiter && !p.get('VALUE_FORMAT') ? { valueDelimiter: from.valueDelimiter } : {}),
    ...(ts ? { timestampColumn: ts.toUpperCase() } : {}),
    ...(propString(p, 'TIMESTAMP_FORMAT') ? { timestampFormat: propString(p, 'TIMESTAMP_FORMAT')! } : {}),
    ...(out.windowed ? { windowed: out.windowed } : {}),
    readOnly: false,
    ...(sinkKind === 'discard' ? { discard: true } : {}),
    sql: text,
  };
}

function queryIdFor(engine: Engine, kind: 'CSAS' | 'CTAS' | 'INSERTQUERY', name: string): string {
  const n = engine.state.queryCounter++;
  return kind === 'INSERTQUERY' ? `INSERTQUERY_${n}` : `${kind}_${name}_${n}`;
}

function checkQueryShape(q: Query, statement: string): void {
  if (q.limit !== undefined) throw new SqlError(`${statement} statements don't support LIMIT clause.`, q);
}

function sinkTimestamp(def: SourceDef, errors: ErrorRoute) {
  if (!def.timestampColumn) return undefined;
  const scope = new RelationScope([{ alias: def.name, sourceName: def.name, columns: def.columns, offset: 0, windowed: !!def.windowed }]);
  const column = compile({ kind: 'ColumnRef', name: def.timestampColumn, loc: { line: 1, column: 1, offset: 0 } }, scope, errors);
  // Read as the source's TIMESTAMP column would be: a number, or text in timestamp_format.
  return { ...column, type: T.BIGINT, eval: (r: Rec) => parseTimestampColumn(column.eval(r), column.type, def.timestampFormat) ?? null };
}

/** An aggregation keeps its state in its input's value format, which must hold every intermediate type. */
function checkAggregationFormat(n: PlanNode, stmt: CreateAsSelect): void {
  if (n.kind === 'Aggregate' && n.aggregates.some((a) => a.impl.intermediate)) {
    if (sourcesOf(n.input).some((src) => src.source.valueFormat === 'DELIMITED' || src.source.valueFormat === 'KAFKA')) {
      throw new SqlError('One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.', stmt);
    }
  }
  for (const i of inputsOf(n)) checkAggregationFormat(i, stmt);
}

export function createAsSelect(engine: Engine, stmt: CreateAsSelect, text: string): StatementResult {
  const { state } = engine;
  checkQueryShape(stmt.query, `CREATE ${stmt.sourceType} AS SELECT`);
  const existing = state.catalog.get(stmt.name);
  if (existing && !stmt.orReplace) {
    if (stmt.ifNotExists) return { kind: 'message', statement: text, message: `${existing.kind === 'STREAM' ? 'Stream' : 'Table'} ${stmt.name} already exists.` };
    throw new SqlError(`Cannot add ${stmt.sourceType === 'STREAM' ? 'stream' : 'table'} '${stmt.name}': A ${existing.kind === 'STREAM' ? 'stream' : 'table'} with the same name already exists`, stmt);
  }
  const errors = newErrorRoute();
  const planned = planQuery(stmt.query, state.catalog, errors, { sinkName: stmt.name, properties: state.properties });
  if (!planned.output.columns.some((c) => c.role === 'value')) throw new SqlError('The projection contains no value columns.', stmt.query);
  if (planned.output.isTable && stmt.sourceType === 'STREAM') {
    throw new SqlError('Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.', stmt);
  }
  if (!planned.output.isTable && stmt.sourceType === 'TABLE') {
    throw new SqlError('Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.', stmt);
  }
  checkAggregationFormat(planned.root, stmt);
  const sink = sinkDefinition(stmt, planned, text, state.properties);
  engine.validateFormats(sink, stmt);
  if (sink.timestampColumn && !sink.columns.some((c) => c.name === sink.timestampColumn)) {
    throw new SqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${sink.timestampColumn}'`, stmt);
  }
  const id = existing?.writtenBy ?? queryIdFor(engine, stmt.sourceType === 'STREAM' ? 'CSAS' : 'CTAS', stmt.name);
  if (existing?.writtenBy) engine.terminate(existing.writtenBy);
  const def: SourceDef = { ...sink, writtenBy: id };
  const ts = sinkTimestamp(def, errors);
  const plan: QueryPlan = { id, sql: text, root: planned.root, sink: { kind: 'Source', target: def, ...(ts ? { timestamp: ts } : {}) }, output: planned.output };
  state.ensureTopic(def);
  state.catalog.put(def);
  engine.startPersistent(plan, errors, def.kind === 'TABLE' ? def : undefined);
  engine.recordCommand(text, id);
  return { kind: 'message', statement: text, message: `Created query with ID ${id}`, queryId: id };
}

export function insertInto(engine: Engine, stmt: InsertInto, text: string): StatementResult {
  const { state } = engine;
  checkQueryShape(stmt.query, 'INSERT INTO');
  const target = state.catalog.get(stmt.target);
  if (!target) throw new SqlError(`Source \`${stmt.target}\` does not exist.`, stmt.targetLoc ?? stmt.loc);
  if (target.kind !== 'STREAM') throw new SqlError(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`, stmt);
  if (target.readOnly) throw new SqlError(`Cannot insert into read-only stream: ${target.name}`, stmt);
  const errors = newErrorRoute();
  const planned = planQuery(stmt.query, state.catalog, errors, { sinkName: target.name, properties: state.properties });
  if (planned.output.isTable) throw new SqlError(`INSERT INTO can only be used to insert into a stream. The query produces a TABLE.`, stmt);
  const want = target.columns.filter((c) => c.role !== 'header');
  const got = planned.output.columns;
  const same = want.length === got.length && want.every((c, i) => c.name === got[i]!.name && c.role === got[i]!.role && typesEqual(c.type, got[i]!.type));
  if (!same) {
    const show = (cs: typeof got) => cs.map((c) => `\`${c.name}\` ${formatType(c.type)}${c.role === 'key' ? ' KEY' : ''}`).join(', ');
    throw new SqlError(`Incompatible schema between results and sink.\nResult schema is ${show(got)}\nSink schema is ${show(want)}`, stmt);
  }
  const id = queryIdFor(engine, 'INSERTQUERY', target.name);
  const ts = sinkTimestamp(target, errors);
  const plan: QueryPlan = { id, sql: text, root: planned.root, sink: { kind: 'Source', target, ...(ts ? { timestamp: ts } : {}) }, output: planned.output };
  engine.startPersistent(plan, errors, undefined);
  engine.recordCommand(text, id);
  return { kind: 'message', statement: text, message: `Created query with ID ${id}`, queryId: id };
}

export function terminate(engine: Engine, stmt: Terminate, text: string): StatementResult {
  const { state } = engine;
  if (stmt.queryId.toUpperCase() === 'ALL') {
    for (const q of [...state.queries.values()]) if (!q.internal) engine.terminate(q.id);
    for (const p of [...state.pushQueries.values()]) p.query.close();
    engine.recordCommand(text);
    return { kind: 'message', statement: text, message: 'All queries terminated.' };
  }
  const id = [...state.queries.keys()].find((k) => k.toUpperCase() === stmt.queryId.toUpperCase());
  const push = [...state.pushQueries.keys()].find((k) => k.toUpperCase() === stmt.queryId.toUpperCase());
  if (push) {
    state.pushQueries.get(push)!.query.close();
    return { kind: 'message', statement: text, message: `Query ${push} terminated.` };
  }
  if (!id || state.queries.get(id)!.internal) throw new SqlError(`Unknown queryId: ${stmt.queryId}`, stmt);
  engine.terminate(id);
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Query ${id} terminated.` };
}
