// CREATE STREAM / CREATE TABLE → a SourceDef, with ksqlDB's rules for keys and WITH properties.

import type { CreateSource, Properties, PropertyValue } from '../parser/ast.js';
import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import { checkTimestampColumnType, checkTimestampFormat, checkWithPropertyEnums, checkWithPropertyNames, checkWithPropertyTypes, checkTopicProperties, javaTrim } from './with-properties.js';
import { formatType, T, type SqlType } from '../parser/sql-type.js';
import type { Catalog, ColumnDef, FormatName, SourceDef } from './catalog.js';
import { checkFormatConfigs, unsupportedConfigs } from './format-rules.js';

const FORMATS: readonly FormatName[] = ['JSON', 'DELIMITED', 'KAFKA', 'NONE', 'AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'];

/** A string property as ksqlDB's ConfigDef reads it: Java-trimmed. */
export function propString(props: Properties, key: string): string | undefined {
  const v = props.get(key);
  return v === undefined ? undefined : javaTrim(String(v.value));
}

/** Partitions a topic may have: each one is read every cycle, so a huge count freezes the engine. */
export const MAX_PARTITIONS = 1000;

/**
 * PARTITIONS=…, if given: a whole number from 1 to MAX_PARTITIONS. ksqlDB passes the number to
 * Kafka's createTopics unchecked: -1 there is the broker's default (one partition here), any other
 * number below 1 the broker's refusal, which ksqlDB reports as failing to make the topic.
 */
export function propPartitions(props: Properties, topic?: string): number | undefined {
  const v = props.get('PARTITIONS');
  if (v === undefined) return undefined;
  const n = Number(v.value);
  if (n === -1) return 1;
  if (Number.isInteger(n) && n < 1) throw new SqlError(`Failed to guarantee existence of topic ${topic ?? ''}: Number of partitions must be larger than 0.`.replace('topic :', 'topic:'), v);
  if (!Number.isInteger(n) || n > MAX_PARTITIONS) throw new SqlError(`Invalid value for PARTITIONS: ${v.text}. A topic has from 1 to ${MAX_PARTITIONS} partitions.`, v);
  return n;
}

function propBool(props: Properties, key: string): boolean | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  if (typeof v.value === 'boolean') return v.value;
  const s = javaTrim(String(v.value)).toLowerCase();
  if (s === 'true' || s === 'false') return s === 'true';
  throw new SqlError(`Invalid value for ${key}: ${v.text}`, v);
}

export function parseFormat(v: PropertyValue | undefined, fallback: FormatName): FormatName {
  if (!v) return fallback;
  const f = javaTrim(String(v.value)).toUpperCase() as FormatName;
  // ksqlDB upper-cases the name before looking it up, and names it so when it is unknown.
  if (!FORMATS.includes(f)) throw new SqlError(`Unknown format: ${f}`, v);
  return f;
}

export function resolveType(t: SqlType, catalog: Catalog, loc?: { line: number; column: number }): SqlType {
  switch (t.kind) {
    case 'CUSTOM': {
      const r = catalog.types.get(t.name);
      if (!r) throw new SqlError(`Cannot resolve unknown type: ${t.name}`, loc);
      return r;
    }
    case 'ARRAY':
      return { kind: 'ARRAY', item: resolveType(t.item, catalog, loc) };
    case 'MAP':
      return { kind: 'MAP', key: resolveType(t.key, catalog, loc), value: resolveType(t.value, catalog, loc) };
    case 'STRUCT':
      return { kind: 'STRUCT', fields: t.fields.map((f) => ({ name: f.name, type: resolveType(f.type, catalog, loc) })) };
    default:
      return t;
  }
}

/** Eddy's own source connectors (src/runtime/connectors/index.ts registers each); any other SOURCE is a user's. */
export const BUILT_IN_SOURCES: ReadonlySet<string> = new Set(['datagen', 'file', 'nexmark', 'socket']);
const CONNECTOR_KEYS = new Set(['SOURCE', 'PATH', 'FORMAT_HEADER', 'RATE', 'HOST', 'PORT', 'SCHEMA', 'SEED', 'ROWS', 'MAX_ROWS', 'INTERVAL_MS', 'KEYS', 'EVENT', 'EVENTS_PER_SECOND', 'POLL_BYTES']);

export interface DdlDefaults {
  readonly keyFormat?: FormatName;
  readonly valueFormat?: FormatName;
  /**
   * Schema inference for the registry formats: the columns the topic's registered schema gives
   * (`<topic>-key` / `<topic>-value`, or the SCHEMA_ID's), undefined when the subject has none.
   */
  readonly inferColumns?: (req: InferRequest) => readonly { readonly name: string; readonly type: SqlType }[] | undefined;
}

export interface InferRequest {
  readonly format: FormatName;
  readonly topic: string;
  readonly role: 'key' | 'value';
  /** A value read unwrapped (WRAP_SINGLE_VALUE=false): one column ROWVAL holding it all. */
  readonly unwrapped: boolean;
  readonly schemaId?: number;
  /** KEY_/VALUE_SCHEMA_FULL_NAME: which of the schema's messages (Protobuf) the columns come from. */
  readonly schemaFullName?: string;
}

/** The formats whose schemas ksqlDB can read from the registry. */
export const INFERRING_FORMATS: ReadonlySet<FormatName> = new Set(['AVRO', 'PROTOBUF', 'JSON_SR']);

export function schemaMissing(topic: string, role: 'key' | 'value', schemaId: number | undefined): string {
  const subject = `${topic}-${role}`;
  return [
    `Schema for message ${role}s on topic '${topic}' does not exist in the Schema Registry.`,
    `Subject: ${subject}`,
    ...(schemaId !== undefined ? [`Schema Id: ${schemaId}`] : []),
    `Possible causes include:`,
    `- The topic itself does not exist`,
    `\t-> Use SHOW TOPICS; to check`,
    `- Messages on the topic are not serialized using a format Schema Registry supports`,
    `\t-> Use PRINT '${topic}' FROM BEGINNING; to verify`,
    `- The topic is not registered on the Schema Registry`,
  ].join('\n');
}

/** The WITH-clause rules shared by CREATE and CREATE … AS SELECT: FORMAT excludes KEY_/VALUE_FORMAT; unwrapping needs one value column. */
export function checkFormatProperties(p: Properties, valueColumns: number, at: { loc?: SqlErrorPosition }, valueFormat?: FormatName): void {
  for (const side of ['KEY', 'VALUE']) {
    if (p.has('FORMAT') && p.has(`${side}_FORMAT`)) {
      throw new SqlError(
        `Cannot supply both '${side}_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.`,
        at,
      );
    }
  }
  const wrap = p.get('WRAP_SINGLE_VALUE');
  if (wrap !== undefined && valueFormat !== undefined) {
    // A format refuses an explicit setting it cannot honour, before the column count is looked at.
    const wrapTrue = wrap.value === true || String(wrap.value).toLowerCase() === 'true';
    if (!VALUE_WRAPPING[valueFormat].includes(wrapTrue ? 'wrap' : 'unwrap')) {
      throw new SqlError(`Format '${valueFormat}' does not support 'WRAP_SINGLE_VALUE' set to '${wrapTrue}'.`, wrap);
    }
  }
  if (p.has('WRAP_SINGLE_VALUE') && valueColumns !== 1) throw new SqlError(`'WRAP_SINGLE_VALUE' is only valid for single-field value schemas`, at);
}

/**
 * How each format can write a single value column (ksqlDB's WRAP_SINGLES / UNWRAP_SINGLES
 * features): DELIMITED and KAFKA only bare, Protobuf (with a registry) only in a message, NONE
 * has no value to wrap.
 */
const VALUE_WRAPPING: Record<FormatName, readonly ('wrap' | 'unwrap')[]> = {
  JSON: ['wrap', 'unwrap'],
  JSON_SR: ['wrap', 'unwrap'],
  AVRO: ['wrap', 'unwrap'],
  PROTOBUF_NOSR: ['wrap', 'unwrap'],
  PROTOBUF: ['wrap'],
  DELIMITED: ['unwrap'],
  KAFKA: ['unwrap'],
  NONE: [],
};

/** The format settings each registry format takes (ksqlDB's FULL_SCHEMA_NAME and SCHEMA_ID). */
const FORMAT_CONFIGS: Partial<Record<FormatName, readonly string[]>> = {
  AVRO: ['fullSchemaName', 'schemaId'],
  PROTOBUF: ['fullSchemaName', 'schemaId', 'nullableRepresentation'],
  PROTOBUF_NOSR: ['nullableRepresentation'],
  JSON_SR: ['schemaId'],
};

/** KEY_/VALUE_SCHEMA_ID and _SCHEMA_FULL_NAME (VALUE_AVRO_SCHEMA_FULL_NAME too), checked against the formats. */
export function schemaProperties(p: Properties, keyFormat: FormatName, valueFormat: FormatName, at: { loc?: SqlErrorPosition }): Partial<SourceDef> {
  const out: Record<string, string | number> = {};
  for (const side of ['KEY', 'VALUE'] as const) {
    const format = side === 'KEY' ? keyFormat : valueFormat;
    const fullName = p.get(`${side}_SCHEMA_FULL_NAME`) ?? (side === 'VALUE' ? p.get('VALUE_AVRO_SCHEMA_FULL_NAME') : undefined);
    const id = p.get(`${side}_SCHEMA_ID`);
    const nullable = p.get(`${side}_PROTOBUF_NULLABLE_REPRESENTATION`);
    const given = [...(fullName ? ['fullSchemaName'] : []), ...(id ? ['schemaId'] : []), ...(nullable ? ['nullableRepresentation'] : [])];
    const unsupported = given.filter((g) => !(FORMAT_CONFIGS[format] ?? []).includes(g));
    if (unsupported.length) throw unsupportedConfigs(side === 'KEY' ? 'key' : 'value', format, unsupported, at);
    if (fullName) {
      const name = String(fullName.value).trim();
      if (name === '') throw new SqlError(`fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}`, at);
      out[side === 'KEY' ? 'keySchemaFullName' : 'valueSchemaFullName'] = name;
    }
    if (nullable) {
      // ksqlDB's representations: WRAPPER (google.protobuf wrappers) and OPTIONAL (proto3 optional).
      const how = String(nullable.value).trim().toUpperCase();
      if (how === 'OPTIONAL') throw new SqlError(`${side}_PROTOBUF_NULLABLE_REPRESENTATION 'OPTIONAL' is not supported by Eddy; 'WRAPPER' is.`, nullable);
      if (how !== 'WRAPPER')
        throw new SqlError(`Invalid value ${javaTrim(String(nullable.value))} for property ${side}_PROTOBUF_NULLABLE_REPRESENTATION: String must be one of: OPTIONAL, WRAPPER, null`, nullable);
      (out as Record<string, unknown>)[side === 'KEY' ? 'keyProtobufWrappers' : 'valueProtobufWrappers'] = true;
    }
    if (id) {
      const n = Number(id.value);
      if (!Number.isInteger(n)) throw new SqlError(`Invalid value for ${side}_SCHEMA_ID: ${String(id.value)}`, at);
      out[side === 'KEY' ? 'keySchemaId' : 'valueSchemaId'] = n;
    }
  }
  return out as Partial<SourceDef>;
}

/** Fill in the key and value columns a registry format's schema gives, when the statement declares none. */
function inferColumns(stmt: CreateSource, columns: ColumnDef[], keyFormat: FormatName, valueFormat: FormatName, topic: string, defaults: DdlDefaults): void {
  const infer = defaults.inferColumns;
  if (!infer) return;
  const p = stmt.properties;
  for (const role of ['key', 'value'] as const) {
    const f = role === 'key' ? keyFormat : valueFormat;
    if (!INFERRING_FORMATS.has(f) || columns.some((c) => c.role === role)) continue;
    const idProp = p.get(role === 'key' ? 'KEY_SCHEMA_ID' : 'VALUE_SCHEMA_ID');
    const schemaId = idProp ? Number(idProp.value) : undefined;
    const unwrapped = role === 'value' && propBool(p, 'WRAP_SINGLE_VALUE') === false;
    const nameProp = p.get(role === 'key' ? 'KEY_SCHEMA_FULL_NAME' : 'VALUE_SCHEMA_FULL_NAME');
    const schemaFullName = nameProp ? String(nameProp.value).trim() : undefined;
    const got = infer({ format: f, topic, role, unwrapped, ...(schemaId !== undefined ? { schemaId } : {}), ...(schemaFullName ? { schemaFullName } : {}) });
    if (!got) {
      // A key is optional: a topic with a value schema and no key schema has no key columns.
      if (role === 'key' && schemaId === undefined) continue;
      throw new SqlError(schemaMissing(topic, role, schemaId), stmt);
    }
    for (const c of got) columns.push({ name: c.name, type: c.type, role });
  }
}

/**
 * WINDOW_TYPE and WINDOW_SIZE as ksqlDB's source properties validate them: the type is one of
 * SESSION, HOPPING, TUMBLING (any case); hopping and tumbling windows need a size, session
 * windows take none.
 */
function checkWindowProperties(p: CreateSource['properties']): void {
  const typeProp = p.get('WINDOW_TYPE');
  const type = typeProp ? javaTrim(String(typeProp.value)).toUpperCase() : undefined;
  if (type !== undefined && !['SESSION', 'HOPPING', 'TUMBLING'].includes(type)) {
    throw new SqlError(`Invalid value ${String(typeProp!.value)} for property WINDOW_TYPE: String must be one of: SESSION, HOPPING, TUMBLING, null`, typeProp);
  }
  const size = p.get('WINDOW_SIZE');
  if (type !== undefined && type !== 'SESSION' && !size) {
    throw new SqlError(`${type} windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'`, typeProp);
  }
  if ((type === undefined || type === 'SESSION') && size) throw new SqlError(`'WINDOW_SIZE' should not be set for SESSION windows.`, size);
}

/**
 * The WITH clause as ksqlDB's parser and topic injector judge it, before the engine looks at
 * what exists: so a bad property is refused even when the source exists already.
 */
export function checkCreateProperties(stmt: CreateSource): void {
  const p = stmt.properties;
  checkWithPropertyTypes(p);
  checkWithPropertyEnums(p, false);
  checkWithPropertyNames(p, false);
  checkTimestampFormat(p);
  if (!(p.has('SOURCE') || p.has('SINK'))) checkTopicProperties(p, stmt.sourceType, false);
}

export function planCreateSource(stmt: CreateSource, sql: string, catalog: Catalog, defaults: DdlDefaults = {}): SourceDef {
  const p = stmt.properties;
  checkCreateProperties(stmt);
  checkWindowProperties(p);
  const columns: ColumnDef[] = [];
  const seen = new Set<string>();
  for (const c of stmt.columns) {
    if (seen.has(c.name)) throw new SqlError(`Cannot add column '${c.name}' to schema: column already exists.`, c);
    seen.add(c.name);
    if (stmt.sourceType === 'STREAM' && c.primaryKey)
      throw new SqlError(
        `Column \`${c.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
        c,
      );
    if (stmt.sourceType === 'TABLE' && c.key && !c.primaryKey)
      throw new SqlError(
        `Column \`${c.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
        c,
      );
    const type = resolveType(c.type, catalog, c.loc);
    const role = c.key || c.primaryKey ? 'key' : c.header ? 'header' : 'value';
    const headerKey = c.header && 'key' in c.header ? c.header.key : undefined;
    if (c.header) checkHeaderType(type, headerKey, c.loc);
    columns.push(headerKey === undefined ? { name: c.name, type, role } : { name: c.name, type, role, headerKey });
  }
  if (columns.some((c) => c.name === 'ROWTIME' || c.name === 'ROWPARTITION' || c.name === 'ROWOFFSET' || c.name === 'WINDOWSTART' || c.name === 'WINDOWEND')) {
    const bad = stmt.columns.find((c) => ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'].includes(c.name))!;
    throw new SqlError(`'${bad.name}' is a reserved column name. You cannot use it as a name for a column.`, bad);
  }
  const topic = propString(p, 'KAFKA_TOPIC');
  const format = p.get('FORMAT');
  const keyFormat = parseFormat(p.get('KEY_FORMAT') ?? format, defaults.keyFormat ?? 'KAFKA');
  // ksqlDB's schema injector, which runs first, builds each side's format with its schema id and
  // name: a format refusing them fails the statement before any other check.
  schemaProperties(p, keyFormat, parseFormat(p.get('VALUE_FORMAT') ?? format, defaults.valueFormat ?? 'JSON'), stmt);
  inferColumns(stmt, columns, keyFormat, parseFormat(p.get('VALUE_FORMAT') ?? format, defaults.valueFormat ?? 'JSON'), topic ?? stmt.name, defaults);
  const ordered = [...columns.filter((c) => c.role === 'key'), ...columns.filter((c) => c.role === 'value'), ...columns.filter((c) => c.role === 'header')];

  const isStatic = topic === undefined && stmt.sourceType === 'TABLE' && !p.has('PARTITIONS') && !p.has('SOURCE');
  let valueFormat = parseFormat(p.get('VALUE_FORMAT') ?? format, defaults.valueFormat ?? 'JSON');
  if (!isStatic && !p.get('VALUE_FORMAT') && !format && !defaults.valueFormat && topic !== undefined && !p.has('SOURCE')) {
    throw new SqlError(`Statement is missing the 'VALUE_FORMAT' property from the WITH clause.\nEither provide one or set a default via the 'ksql.persistence.default.format.value' config.`, stmt);
  }
  if (stmt.sourceType === 'TABLE' && !ordered.some((c) => c.role === 'key')) {
    throw new SqlError(`Tables require a PRIMARY KEY. Please define the PRIMARY KEY.`, stmt);
  }
  if (p.has('WINDOW_TYPE') && !ordered.some((c) => c.role === 'key')) throw new SqlError('Windowed sources require a key column.', stmt);
  checkFormatConfigs(p, keyFormat, valueFormat);
  checkFormatProperties(p, ordered.filter((c) => c.role === 'value').length, stmt, isStatic ? undefined : valueFormat);
  if (isStatic) valueFormat = 'JSON';

  const connector: Record<string, string | number | boolean> = {};
  // A user's connector (registerConnector) reads settings Eddy does not know: it gets them all.
  const userConnector = p.has('SOURCE') && !BUILT_IN_SOURCES.has(String(p.get('SOURCE')!.value).toLowerCase());
  for (const [k, v] of p) if (CONNECTOR_KEYS.has(k) || userConnector) connector[k] = v.value;
  const tsCol = propString(p, 'TIMESTAMP');
  const windowType = propString(p, 'WINDOW_TYPE')?.toUpperCase();
  const windowSize = propString(p, 'WINDOW_SIZE');
  const def: SourceDef = {
    name: stmt.name,
    kind: stmt.sourceType,
    columns: ordered,
    ...(isStatic ? {} : { topic: topic ?? stmt.name }),
    partitions: propPartitions(p, topic ?? stmt.name) ?? 1,
    keyFormat: ordered.some((c) => c.role === 'key') ? keyFormat : keyFormat === 'KAFKA' ? 'NONE' : keyFormat,
    valueFormat,
    ...(propBool(p, 'WRAP_SINGLE_VALUE') !== undefined ? { wrapSingleValue: propBool(p, 'WRAP_SINGLE_VALUE')! } : {}),
    ...schemaProperties(p, keyFormat, valueFormat, stmt),
    ...(propString(p, 'VALUE_DELIMITER') ? { valueDelimiter: propString(p, 'VALUE_DELIMITER')! } : {}),
    ...(propString(p, 'KEY_DELIMITER') ? { keyDelimiter: propString(p, 'KEY_DELIMITER')! } : {}),
    ...(tsCol ? { timestampColumn: tsCol.toUpperCase() } : {}),
    ...(propString(p, 'TIMESTAMP_FORMAT') ? { timestampFormat: propString(p, 'TIMESTAMP_FORMAT')! } : {}),
    ...(windowType ? { windowed: { kind: windowType as 'TUMBLING' | 'HOPPING' | 'SESSION', ...(windowSize ? { sizeMs: parseWindowSize(windowSize) } : {}) } } : {}),
    readOnly: stmt.isSource,
    sql,
    ...(Object.keys(connector).length ? { connector } : {}),
  };
  if (def.timestampColumn && !ordered.some((c) => c.name === def.timestampColumn)) {
    throw new SqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${def.timestampColumn}'`, p.get('TIMESTAMP'));
  }
  if (def.timestampColumn) {
    const col = ordered.find((c) => c.name === def.timestampColumn)!;
    checkTimestampColumnType(col.name, col.type, def.timestampFormat !== undefined, p.get('TIMESTAMP_FORMAT') ?? p.get('TIMESTAMP')!);
  }
  return def;
}

/** '10 SECONDS' → 10000 */
export function parseWindowSize(text: string): number {
  const m = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) throw new SqlError(`Configuration WINDOW_SIZE is invalid: Invalid duration: '${text}'. Expected '<number> <unit>', e.g. '10 SECONDS'`);
  const n = Number(m[1]);
  const unit = m[2]!.toUpperCase().replace(/S$/, '');
  const f: Record<string, number> = { MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
  if (!(unit in f)) throw new SqlError(`Configuration WINDOW_SIZE is invalid: Invalid duration: '${text.trim()}'. Unknown time unit: '${m[2]!.toUpperCase()}'`);
  return n * f[unit]!;
}

/** HEADERS holds every header as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>; HEADER('k') one header's BYTES. */
function checkHeaderType(type: SqlType, headerKey: string | undefined, loc: SqlErrorPosition): void {
  const want =
    headerKey === undefined
      ? T.array(
          T.struct([
            { name: 'KEY', type: T.STRING },
            { name: 'VALUE', type: T.BYTES },
          ]),
        )
      : T.BYTES;
  if (formatType(type) === formatType(want)) return;
  const what = headerKey === undefined ? 'HEADERS' : `HEADER('${headerKey}')`;
  throw new SqlError(`Invalid type for ${what} column: expected ${formatType(want)}, got ${formatType(type)}`, loc);
}
