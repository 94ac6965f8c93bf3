// The one planning door for persistent queries: CREATE STREAM|TABLE … AS SELECT and INSERT INTO …
// SELECT. It returns the checked plan — operator tree, sink definition (formats, partitions,
// timestamp), every ksqlDB rule of meaning — that CREATE starts and EXPLAIN prints, so EXPLAIN
// cannot describe anything but what would run. The runtime only names the query and runs it.

import type { CreateAsSelect, InsertInto, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { checkTimestampColumnType, checkTimestampFormat, checkTopicProperties, checkWithPropertyEnums, checkWithPropertyNames, checkWithPropertyTypes } from './with-properties.js';
import { formatType, T, typesEqual } from '../parser/sql-type.js';
import type { Catalog, ExternalSinkDef, FormatName, SourceDef } from './catalog.js';
import { compile, newErrorRoute, type ErrorRoute } from './compile.js';
import { checkFormatConfigs, checkFormats } from './format-rules.js';
import type { FunctionTable } from './functions/function-table.js';
import { checkFormatProperties, parseFormat, propPartitions, propString, schemaProperties } from './plan-ddl.js';
import { planQuery, type PlannedQuery } from './plan-query.js';
import { withImplicitCasts } from './implicit-cast-rules.js';
import { inputsOf, sourcesOf, type CompiledExpr, type PlanNode, type QueryPlan, type Schema } from './plan.js';
import type { Rec } from './record.js';
import { RelationScope } from './relation-scope.js';
import { externalSink, SINK_KINDS, sinkOwnKeys } from './sink-settings.js';
import { planUpgradeProblem, sourceUpgradeProblem } from './upgrade-rules.js';
import { parseTimestampColumn } from './timestamp-column.js';
import { checkSinkFitsSchemaIds, type SchemaColumns } from './schema-id-rules.js';
import { scaleOutRefusal, type ScaleOut } from './scale-out-rules.js';

export type PersistentQueryKind = 'CSAS' | 'CTAS' | 'INSERTQUERY';

/** A checked persistent query, ready to be given an id and started. */
export interface PersistentQueryPlan {
  readonly kind: 'PersistentQuery';
  readonly queryKind: PersistentQueryKind;
  readonly sql: string;
  readonly root: PlanNode;
  readonly output: Schema;
  /** The sink: a new source (CSAS/CTAS; `writtenBy` is set when the query is named) or the INSERT target. */
  readonly target: SourceDef;
  /** CSAS/CTAS: the sink joins the catalog. INSERT INTO writes a source that is there already. */
  readonly createsTarget: boolean;
  /** CREATE OR REPLACE of a query's sink: the query that writes it now, which this one replaces (and whose id it keeps). */
  readonly replaces?: string;
  /** The sink's event time, read from its TIMESTAMP column. */
  readonly timestamp?: CompiledExpr;
  /** Where evaluation errors of the plan's expressions go; the runtime points it at the processing log. */
  readonly errors: ErrorRoute;
}

/** CREATE … IF NOT EXISTS of a source that exists: nothing is planned, nothing runs. */
export interface SinkExists {
  readonly kind: 'SinkExists';
  readonly message: string;
}

export interface PersistentPlanContext {
  readonly catalog: Catalog;
  readonly properties: ReadonlyMap<string, string>;
  /** The running persistent queries: CREATE OR REPLACE checks the new plan against the old one's. */
  readonly queries: ReadonlyMap<string, { readonly plan: { readonly root: PlanNode } }>;
  /** The columns of a registered schema (KEY_/VALUE_SCHEMA_ID of a sink), when a registry is there. */
  readonly schemaColumns?: SchemaColumns;
  /** Set when servers share the persistent queries (Kafka with a --service-id), and not on replay: what they cannot run is refused. */
  readonly scaleOut?: ScaleOut;
}

export function planPersistentQuery(stmt: CreateAsSelect | InsertInto, sql: string, ctx: PersistentPlanContext): PersistentQueryPlan | SinkExists {
  const p = stmt.kind === 'CreateAsSelect' ? planCreateAsSelect(stmt, sql, ctx) : planInsertInto(stmt, sql, ctx);
  const refusal = p.kind === 'PersistentQuery' && ctx.scaleOut ? scaleOutRefusal(p.root, ctx.scaleOut) : undefined;
  if (refusal) throw new SqlError(refusal, stmt);
  return p;
}

/** The plan as a running query sees it, once the runtime has named it. */
export function namedQueryPlan(p: PersistentQueryPlan, id: string): QueryPlan {
  const target = p.createsTarget ? { ...p.target, writtenBy: id } : p.target;
  return { id, sql: p.sql, root: p.root, sink: { kind: 'Source', target, ...(p.timestamp ? { timestamp: p.timestamp } : {}) }, output: p.output };
}

function checkQueryShape(q: Query, statement: string): void {
  if (q.limit !== undefined) throw new SqlError(`${statement} statements don't support LIMIT clause.`, q);
}

function planCreateAsSelect(stmt: CreateAsSelect, sql: string, ctx: PersistentPlanContext): PersistentQueryPlan | SinkExists {
  const { catalog, properties } = ctx;
  checkWithPropertyTypes(stmt.properties);
  checkWithPropertyEnums(stmt.properties, true);
  checkWithPropertyNames(stmt.properties, true);
  checkTimestampFormat(stmt.properties);
  // A windowed aggregation's topic is compacted and deleted, so it keeps a retention.
  if (!(stmt.properties.has('SOURCE') || stmt.properties.has('SINK'))) checkTopicProperties(stmt.properties, stmt.sourceType, stmt.query.window !== undefined);
  checkQueryShape(stmt.query, `CREATE ${stmt.sourceType} AS SELECT`);
  const existing = catalog.get(stmt.name);
  if (existing && !stmt.orReplace) {
    if (stmt.ifNotExists) return { kind: 'SinkExists', message: `${existing.kind === 'STREAM' ? 'Stream' : 'Table'} ${stmt.name} already exists.` };
    throw new SqlError(`Cannot add ${stmt.sourceType === 'STREAM' ? 'stream' : 'table'} '${stmt.name}': A ${existing.kind === 'STREAM' ? 'stream' : 'table'} with the same name already exists`, stmt);
  }
  const errors = newErrorRoute();
  const planned = planQuery(stmt.query, catalog, errors, { sinkName: stmt.name, properties, intoTable: stmt.sourceType === 'TABLE' });
  // PARTITION BY NULL leaves no key: its key format is NONE, and asking for another is refused.
  const byNull = stmt.query.partitionBy?.length === 1 && stmt.query.partitionBy[0]!.kind === 'NullLiteral';
  const askedKeyFormat = stmt.properties.get('KEY_FORMAT') ?? stmt.properties.get('FORMAT');
  if (byNull && askedKeyFormat && String(askedKeyFormat.value).toUpperCase() !== 'NONE') throw new SqlError('Key format specified for stream without key columns.', askedKeyFormat);
  if (!planned.output.columns.some((c) => c.role === 'value')) throw new SqlError('The projection contains no value columns.', stmt.query);
  if (planned.output.isTable && stmt.sourceType === 'STREAM') {
    throw new SqlError('Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.', stmt);
  }
  if (!planned.output.isTable && stmt.sourceType === 'TABLE') {
    throw new SqlError('Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.', stmt);
  }
  checkAggregationFormat(planned.root, stmt);
  const target = sinkDefinition(stmt, planned, sql, properties);
  checkFormats(target, stmt);
  if (ctx.schemaColumns) checkSinkFitsSchemaIds(target, ctx.schemaColumns, stmt);
  if (target.timestampColumn && !target.columns.some((c) => c.name === target.timestampColumn)) {
    throw new SqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${target.timestampColumn}'`, stmt);
  }
  if (target.timestampColumn) {
    const col = target.columns.find((c) => c.name === target.timestampColumn)!;
    checkTimestampColumnType(col.name, col.type, target.timestampFormat !== undefined, stmt.properties.get('TIMESTAMP_FORMAT') ?? stmt.properties.get('TIMESTAMP') ?? stmt);
  }
  // CREATE OR REPLACE upgrades in place, so the sink and the plan must fit what the old query left.
  const replaced = existing?.writtenBy ? ctx.queries.get(existing.writtenBy) : undefined;
  const problem = existing && (sourceUpgradeProblem(existing, target) ?? (replaced && planUpgradeProblem(replaced.plan.root, planned.root)));
  if (problem) throw new SqlError(problem, stmt);
  const timestamp = sinkTimestamp(target, errors, catalog.functions);
  return {
    kind: 'PersistentQuery',
    queryKind: stmt.sourceType === 'STREAM' ? 'CSAS' : 'CTAS',
    sql,
    root: planned.root,
    output: planned.output,
    target,
    createsTarget: true,
    ...(existing?.writtenBy ? { replaces: existing.writtenBy } : {}),
    ...(timestamp ? { timestamp } : {}),
    errors,
  };
}

function planInsertInto(stmt: InsertInto, sql: string, ctx: PersistentPlanContext): PersistentQueryPlan {
  const { catalog, properties } = ctx;
  checkQueryShape(stmt.query, 'INSERT INTO');
  const target = catalog.get(stmt.target);
  if (!target) throw new SqlError(`Source \`${stmt.target}\` does not exist.`, stmt.targetLoc ?? stmt.loc);
  if (target.kind !== 'STREAM') throw new SqlError(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`, stmt);
  if (target.readOnly) throw new SqlError(`Cannot insert into read-only stream: ${target.name}`, stmt);
  const errors = newErrorRoute();
  const want = target.columns.filter((c) => c.role !== 'header');
  const sinkOrder = [...want.filter((c) => c.role === 'key'), ...want.filter((c) => c.role !== 'key')];
  const planned = planQuery(withImplicitCasts(stmt.query, sinkOrder), catalog, errors, { sinkName: target.name, properties });
  if (planned.output.isTable) throw new SqlError(`INSERT INTO can only be used to insert into a stream. The query produces a TABLE.`, stmt);
  const got = planned.output.columns;
  const same = want.length === got.length && want.every((c, i) => c.name === got[i]!.name && c.role === got[i]!.role && typesEqual(c.type, got[i]!.type));
  if (!same) {
    const show = (cs: typeof got) => cs.map((c) => `\`${c.name}\` ${formatType(c.type)}${c.role === 'key' ? ' KEY' : ''}`).join(', ');
    throw new SqlError(`Incompatible schema between results and sink.\nResult schema is ${show(got)}\nSink schema is ${show(want)}`, stmt);
  }
  const timestamp = sinkTimestamp(target, errors, catalog.functions);
  return { kind: 'PersistentQuery', queryKind: 'INSERTQUERY', sql, root: planned.root, output: planned.output, target, createsTarget: false, ...(timestamp ? { timestamp } : {}), errors };
}

function leftmostSource(p: PlannedQuery): SourceDef {
  return sourcesOf(p.root)[0]!.source;
}

function sinkDefinition(stmt: CreateAsSelect, planned: PlannedQuery, text: string, properties: ReadonlyMap<string, string>): SourceDef {
  const sinkKind = propString(stmt.properties, 'SINK')?.toLowerCase();
  if (sinkKind !== undefined && !(SINK_KINDS as readonly string[]).includes(sinkKind)) {
    throw new SqlError(`Unknown sink '${sinkKind}': a sink is one of ${SINK_KINDS.map((k) => `'${k}'`).join(', ')} (or, without SINK, the topic).`, stmt.properties.get('SINK') ?? stmt);
  }
  // The sink's own settings (a file sink's FORMAT is its file format) are not the topic's.
  const own = sinkOwnKeys(sinkKind);
  const p = new Map([...stmt.properties].filter(([k]) => !own.includes(k)));
  const defaultKeyFormat = (properties.get('ksql.persistence.default.format.key')?.toUpperCase() ?? 'KAFKA') as FormatName;
  const topicPrefix = properties.get('ksql.output.topic.name.prefix') ?? '';
  const valueColumns = planned.output.columns.filter((c) => c.role === 'value').length;
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
  checkFormatConfigs(p, keyFormat, valueFormat);
  checkFormatProperties(p, valueColumns, stmt, valueFormat);
  const ts = propString(p, 'TIMESTAMP');
  const partitions = propPartitions(p, propString(p, 'KAFKA_TOPIC') ?? `${topicPrefix}${stmt.name}`);
  const wrapProp = p.get('WRAP_SINGLE_VALUE');
  // ksql.persistence.wrap.single.values sets the default for a sink with one value column.
  const wrapDefault = valueColumns === 1 && properties.get('ksql.persistence.wrap.single.values')?.toLowerCase() === 'false' ? false : undefined;
  const wrap = wrapProp !== undefined ? wrapProp.value === true || String(wrapProp.value).toLowerCase() === 'true' : wrapDefault;
  const external =
    sinkKind !== undefined && sinkKind !== 'discard'
      ? externalSink(sinkKind as ExternalSinkDef['kind'], stmt.properties, { name: stmt.name, kind: stmt.sourceType, columns: out.columns, at: stmt })
      : undefined;
  return {
    name: stmt.name,
    kind: stmt.sourceType,
    columns: out.columns,
    topic: propString(p, 'KAFKA_TOPIC') ?? `${topicPrefix}${stmt.name}`,
    partitions: partitions ?? from.partitions,
    // Only an inherited NONE gives way to a key format that can hold the key (ksqlDB's
    // getSinkKeyFormat); a NONE the statement asks for stays, and is refused with the key columns.
    keyFormat: hasKey ? (keyFormat === 'NONE' && !(p.get('KEY_FORMAT') ?? format) ? 'KAFKA' : keyFormat) : 'NONE',
    valueFormat,
    ...(wrap !== undefined ? { wrapSingleValue: wrap } : {}),
    ...schemaProperties(p, keyFormat, valueFormat, stmt),
    ...(propString(p, 'VALUE_DELIMITER') ? { valueDelimiter: propString(p, 'VALUE_DELIMITER')! } : from.valueDelimiter && !p.get('VALUE_FORMAT') ? { valueDelimiter: from.valueDelimiter } : {}),
    ...(ts ? { timestampColumn: ts.toUpperCase() } : {}),
    ...(propString(p, 'TIMESTAMP_FORMAT') ? { timestampFormat: propString(p, 'TIMESTAMP_FORMAT')! } : {}),
    ...(out.windowed ? { windowed: out.windowed } : {}),
    readOnly: false,
    ...(sinkKind === 'discard' ? { discard: true } : {}),
    ...(external ? { sink: external } : {}),
    sql: text,
  };
}

function sinkTimestamp(def: SourceDef, errors: ErrorRoute, functions: FunctionTable): CompiledExpr | undefined {
  if (!def.timestampColumn) return undefined;
  const scope = new RelationScope([{ alias: def.name, sourceName: def.name, columns: def.columns, offset: 0, windowed: !!def.windowed }], functions);
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
