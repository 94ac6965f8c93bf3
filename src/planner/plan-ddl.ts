// CREATE STREAM / CREATE TABLE → a SourceDef, with ksqlDB's rules for keys and WITH properties.

import type { CreateSource, Properties, PropertyValue } from '../parser/ast.js';
import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import { formatType, T, type SqlType } from '../parser/sql-type.js';
import type { Catalog, ColumnDef, FormatName, SourceDef } from './catalog.js';
import { checkFormatConfigs } from './format-rules.js';

const FORMATS: readonly FormatName[] = ['JSON', 'DELIMITED', 'KAFKA', 'NONE', 'AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'];

export function propString(props: Properties, key: string): string | undefined {
  const v = props.get(key);
  return v === undefined ? undefined : String(v.value);
}

function propNumber(props: Properties, key: string): number | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  const n = Number(v.value);
  if (!Number.isFinite(n)) throw new SqlError(`Invalid value for ${key}: ${v.text}`, v);
  return n;
}

/** Partitions a topic may have: each one is read every cycle, so a huge count freezes the engine. */
export const MAX_PARTITIONS = 1000;

/** PARTITIONS=…, if given: a whole number from 1 to MAX_PARTITIONS. */
export function propPartitions(props: Properties): number | undefined {
  const v = props.get('PARTITIONS');
  if (v === undefined) return undefined;
  const n = Number(v.value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS) throw new SqlError(`Invalid value for PARTITIONS: ${v.text}. A topic has from 1 to ${MAX_PARTITIONS} partitions.`, v);
  return n;
}

function propBool(props: Properties, key: string): boolean | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  if (typeof v.value === 'boolean') return v.value;
  const s = String(v.value).toLowerCase();
  if (s === 'true' || s === 'false') return s === 'true';
  throw new SqlError(`Invalid value for ${key}: ${v.text}`, v);
}

export function parseFormat(v: PropertyValue | undefined, fallback: FormatName): FormatName {
  if (!v) return fallback;
  const f = String(v.value).toUpperCase() as FormatName;
  if (!FORMATS.includes(f)) throw new SqlError(`Unknown format: ${String(v.value)}`, v);
  return f;
}

export function resolveType(t: SqlType, catalog: Catalog, loc?: { line: number; column: number }): SqlType {
  switch (t.kind) {
    case 'CUSTOM': {
      const r = catalog.types.get(t.name);
      if (!r) throw new SqlError(`Unknown type: ${t.name}`, loc);
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

const CONNECTOR_KEYS = new Set(['SOURCE', 'PATH', 'FORMAT_HEADER', 'RATE', 'HOST', 'PORT', 'SCHEMA', 'SEED', 'ROWS', 'MAX_ROWS', 'INTERVAL_MS', 'KEYS', 'EVENT', 'EVENTS_PER_SECOND', 'POLL_BYTES']);

export interface DdlDefaults {
  readonly keyFormat?: FormatName;
  readonly valueFormat?: FormatName;
}

/** The WITH-clause rules shared by CREATE and CREATE … AS SELECT: FORMAT excludes KEY_/VALUE_FORMAT; unwrapping needs one value column. */
export function checkFormatProperties(p: Properties, valueColumns: number, at: { loc?: SqlErrorPosition }, valueFormat?: FormatName): void {
  for (const side of ['KEY', 'VALUE']) {
    if (p.has('FORMAT') && p.has(`${side}_FORMAT`)) {
      throw new SqlError(`Cannot supply both '${side}_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.`, at);
    }
  }
  const wrap = p.get('WRAP_SINGLE_VALUE');
  // DELIMITED and KAFKA values are never wrapped, NONE has no value to wrap: ksqlDB refuses an explicit setting they cannot honour.
  const wrapTrue = wrap !== undefined && String(wrap.value).toLowerCase() === 'true';
  if (wrap !== undefined && valueFormat !== undefined && (valueFormat === 'NONE' || (wrapTrue && (valueFormat === 'DELIMITED' || valueFormat === 'KAFKA')))) {
    throw new SqlError(`Format '${valueFormat}' does not support 'WRAP_SINGLE_VALUE' set to '${wrapTrue}'.`, wrap);
  }
  if (p.has('WRAP_SINGLE_VALUE') && valueColumns !== 1) throw new SqlError(`'WRAP_SINGLE_VALUE' is only valid for single-field value schemas`, at);
}

export function planCreateSource(stmt: CreateSource, sql: string, catalog: Catalog, defaults: DdlDefaults = {}): SourceDef {
  const p = stmt.properties;
  const columns: ColumnDef[] = [];
  const seen = new Set<string>();
  for (const c of stmt.columns) {
    if (seen.has(c.name)) throw new SqlError(`Cannot add column '${c.name}' to schema: column already exists.`, c);
    seen.add(c.name);
    if (stmt.sourceType === 'STREAM' && c.primaryKey)
      throw new SqlError(`Column \`${c.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`, c);
    if (stmt.sourceType === 'TABLE' && c.key && !c.primaryKey)
      throw new SqlError(`Column \`${c.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`, c);
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
  const ordered = [...columns.filter((c) => c.role === 'key'), ...columns.filter((c) => c.role === 'value'), ...columns.filter((c) => c.role === 'header')];

  const topic = propString(p, 'KAFKA_TOPIC');
  const format = p.get('FORMAT');
  const keyFormat = parseFormat(p.get('KEY_FORMAT') ?? format, defaults.keyFormat ?? 'KAFKA');
  const isStatic = topic === undefined && stmt.sourceType === 'TABLE' && !p.has('PARTITIONS') && !p.has('SOURCE');
  let valueFormat = parseFormat(p.get('VALUE_FORMAT') ?? format, defaults.valueFormat ?? 'JSON');
  if (!isStatic && !p.get('VALUE_FORMAT') && !format && !defaults.valueFormat && topic !== undefined && !p.has('SOURCE')) {
    throw new SqlError(`Statement is missing the 'VALUE_FORMAT' property from the WITH clause.\nEither provide one or set a default via the 'ksql.persistence.default.format.value' config.`, stmt);
  }
  if (stmt.sourceType === 'TABLE' && !ordered.some((c) => c.role === 'key')) {
    throw new SqlError(`Tables require a PRIMARY KEY. Please define the PRIMARY KEY.`, stmt);
  }
  if (!isStatic && valueFormat === 'NONE' && ordered.some((c) => c.role === 'value')) {
    throw new SqlError(`The 'NONE' format can only be used when no columns are defined. Got: [${ordered.filter((c) => c.role === 'value').map((c) => `\`${c.name}\` ${formatType(c.type)}`).join(', ')}]`, stmt);
  }
  checkFormatConfigs(p, keyFormat, valueFormat);
  checkFormatProperties(p, ordered.filter((c) => c.role === 'value').length, stmt, isStatic ? undefined : valueFormat);
  if (isStatic) valueFormat = 'JSON';

  const connector: Record<string, string | number | boolean> = {};
  for (const [k, v] of p) if (CONNECTOR_KEYS.has(k)) connector[k] = v.value;
  const tsCol = propString(p, 'TIMESTAMP');
  const windowType = propString(p, 'WINDOW_TYPE')?.toUpperCase();
  const windowSize = propString(p, 'WINDOW_SIZE');
  const def: SourceDef = {
    name: stmt.name,
    kind: stmt.sourceType,
    columns: ordered,
    ...(isStatic ? {} : { topic: topic ?? stmt.name }),
    partitions: propPartitions(p) ?? 1,
    keyFormat: ordered.some((c) => c.role === 'key') ? keyFormat : keyFormat === 'KAFKA' ? 'NONE' : keyFormat,
    valueFormat,
    ...(propBool(p, 'WRAP_SINGLE_VALUE') !== undefined ? { wrapSingleValue: propBool(p, 'WRAP_SINGLE_VALUE')! } : {}),
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
  const want = headerKey === undefined ? T.array(T.struct([{ name: 'KEY', type: T.STRING }, { name: 'VALUE', type: T.BYTES }])) : T.BYTES;
  if (formatType(type) === formatType(want)) return;
  const what = headerKey === undefined ? 'HEADERS' : `HEADER('${headerKey}')`;
  throw new SqlError(`Invalid type for ${what} column: expected ${formatType(want)}, got ${formatType(type)}`, loc);
}
