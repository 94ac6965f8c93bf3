// ksqlDB's mapping between SQL columns and Avro schemas, both ways. Generating: a value is a
// record `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema` (or VALUE_SCHEMA_FULL_NAME) whose
// fields are optional unions ["null", T] defaulting to null; nested records are named after their
// path (`KsqlDataSourceSchema_ADDRESS`), map values `…_MapValue`; an unwrapped single column (a
// key, or WRAP_SINGLE_VALUE=false) is the bare, non-optional type. Reading (schema inference):
// every field name upper-cased, optional unions are their type, enums are STRING, logical types
// date/time-millis/timestamp-millis/decimal are DATE/TIME/TIMESTAMP/DECIMAL.

import { T, formatType, type SqlType } from '../../parser/sql-type.js';

/** An Avro schema as JSON: a type name, a union, or a complex type. */
export type AvroSchema = string | AvroSchema[] | AvroComplex;
export interface AvroComplex {
  readonly type: AvroSchema;
  readonly [attribute: string]: unknown;
}

export const AVRO_NAMESPACE = 'io.confluent.ksql.avro_schemas';
export const DEFAULT_AVRO_FULL_NAME = `${AVRO_NAMESPACE}.KsqlDataSourceSchema`;

export interface AvroColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** Avro's name rule ([A-Za-z_][A-Za-z0-9_]*), with the Avro library's wording when broken. */
function checkName(name: string): void {
  if (!/^[A-Za-z_]/.test(name)) throw new Error(`Schema is not compatible with Avro: Illegal initial character: ${name}`);
  const bad = /[^A-Za-z0-9_]/.exec(name);
  if (bad) throw new Error(`Schema is not compatible with Avro: Illegal character in: ${name}`);
}

function splitName(full: string): { name: string; namespace?: string } {
  const i = full.lastIndexOf('.');
  return i < 0 ? { name: full } : { name: full.slice(i + 1), namespace: full.slice(0, i) };
}

function typeOf(t: SqlType, path: string, optional: boolean): AvroSchema {
  const bare = bareType(t, path);
  return optional ? ['null', bare] : bare;
}

function bareType(t: SqlType, path: string): AvroSchema {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'double';
    case 'STRING':
      return 'string';
    case 'BYTES':
      return 'bytes';
    case 'DECIMAL':
      return {
        type: 'bytes',
        scale: t.scale,
        precision: t.precision,
        'connect.version': 1,
        'connect.parameters': { scale: String(t.scale), 'connect.decimal.precision': String(t.precision) },
        'connect.name': 'org.apache.kafka.connect.data.Decimal',
        logicalType: 'decimal',
      };
    case 'DATE':
      return { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Date', logicalType: 'date' };
    case 'TIME':
      return { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Time', logicalType: 'time-millis' };
    case 'TIMESTAMP':
      return { type: 'long', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Timestamp', logicalType: 'timestamp-millis' };
    case 'ARRAY':
      return { type: 'array', items: typeOf(t.item, path, true) };
    case 'MAP':
      if (t.key.kind !== 'STRING') throw new Error('Avro only supports MAPs with STRING keys');
      return { type: 'map', values: typeOf(t.value, `${path}_MapValue`, true) };
    case 'STRUCT':
      return record(path, t.fields);
    case 'CUSTOM':
      throw new Error(`unresolved type ${t.name}`);
  }
}

function record(fullName: string, fields: readonly AvroColumn[]): AvroComplex {
  const { name, namespace } = splitName(fullName);
  const seen = new Set<string>();
  return {
    type: 'record',
    name,
    ...(namespace ? { namespace } : {}),
    fields: fields.map((f) => {
      // ksqlDB replaces dots in field names, then Avro judges the rest.
      const fname = f.name.replace(/\./g, '_');
      checkName(fname);
      if (seen.has(fname)) throw new Error(`Schema is not compatible with Avro: Duplicate field ${fname} in record ${name}`);
      seen.add(fname);
      return { name: fname, type: typeOf(f.type, `${fullName}_${f.name}`, true), default: null };
    }),
    'connect.name': fullName,
  };
}

/**
 * The schema ksqlDB generates for `columns` in one role. `unwrapped`: a single column written
 * bare (keys always are, values with WRAP_SINGLE_VALUE=false).
 */
export function avroSchemaFor(columns: readonly AvroColumn[], fullName: string, unwrapped: boolean): AvroSchema {
  if (unwrapped && columns.length === 1) return bareType(columns[0]!.type, fullName);
  return record(fullName, columns);
}

/** `io.confluent.ksql.avro_schemas.<UpperCamel>Key`: the name of a sink's key schema. */
export function keySchemaFullName(source: string): string {
  const camel = source
    .split('_')
    .filter((p) => p !== '')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase())
    .join('');
  return `${AVRO_NAMESPACE}.${camel}Key`;
}

// ------------------------------------------------------------------ Avro → SQL (inference)

export class UnsupportedAvroType extends Error {}

function attr(s: AvroComplex, k: string): unknown {
  return s[k];
}

/** The SQL type ksqlDB reads an Avro schema as; `named` resolves references to earlier named types. */
const upperName = (n: string): string => n.toUpperCase();

/**
 * `fieldName` spells a record field as a column or struct field: upper case by default (ksqlDB's
 * default translation policy); kept as written when a source names its schema by id (ksqlDB's
 * ORIGINAL_FIELD_NAME policy).
 */
export function sqlTypeOfAvro(s: AvroSchema, named = new Map<string, AvroSchema>(), namespace = '', fieldName: (n: string) => string = upperName): SqlType {
  if (typeof s === 'string') {
    switch (s) {
      case 'boolean':
        return T.BOOLEAN;
      case 'int':
        return T.INTEGER;
      case 'long':
        return T.BIGINT;
      case 'float':
      case 'double':
        return T.DOUBLE;
      case 'string':
        return T.STRING;
      case 'bytes':
        return T.BYTES;
      case 'null':
        throw new UnsupportedAvroType('Unsupported type: null');
      default: {
        const ref = named.get(s) ?? named.get(`${namespace}.${s}`);
        if (!ref) throw new UnsupportedAvroType(`Unknown Avro type: ${s}`);
        return sqlTypeOfAvro(ref, named, namespace, fieldName);
      }
    }
  }
  if (Array.isArray(s)) {
    const branches = s.filter((b) => b !== 'null');
    if (branches.length === 1) return sqlTypeOfAvro(branches[0]!, named, namespace, fieldName);
    // A union of several types: a struct with one optional field per branch, as Connect reads it.
    return T.struct(branches.map((b, i) => ({ name: unionBranchName(b, i), type: sqlTypeOfAvro(b, named, namespace, fieldName) })));
  }
  const logical = attr(s, 'logicalType');
  const ns = typeof attr(s, 'namespace') === 'string' ? (attr(s, 'namespace') as string) : namespace;
  if (typeof attr(s, 'name') === 'string') {
    const n = attr(s, 'name') as string;
    named.set(n.includes('.') || !ns ? n : `${ns}.${n}`, s);
    named.set(n, s);
  }
  switch (s.type) {
    case 'record': {
      const fields = (attr(s, 'fields') as { name: string; type: AvroSchema }[]) ?? [];
      return T.struct(fields.map((f) => ({ name: fieldName(f.name), type: sqlTypeOfAvro(f.type, named, ns, fieldName) })));
    }
    case 'enum':
      return T.STRING;
    case 'array':
      return T.array(sqlTypeOfAvro(attr(s, 'items') as AvroSchema, named, ns, fieldName));
    case 'map':
      return T.map(T.STRING, sqlTypeOfAvro(attr(s, 'values') as AvroSchema, named, ns, fieldName));
    case 'fixed':
    case 'bytes':
      if (logical === 'decimal') return T.decimal(Number(attr(s, 'precision') ?? 64), Number(attr(s, 'scale') ?? 0));
      return T.BYTES;
    case 'int':
      if (logical === 'date') return T.DATE;
      if (logical === 'time-millis') return T.TIME;
      return T.INTEGER;
    case 'long':
      if (logical === 'timestamp-millis' || logical === 'timestamp-micros' || logical === 'local-timestamp-millis') return T.TIMESTAMP;
      if (logical === 'time-micros') return T.TIME;
      return T.BIGINT;
    default:
      return sqlTypeOfAvro(s.type, named, ns, fieldName);
  }
}

/** Connect names a multi-type union's branches `connect_union_field_<i>`; ksqlDB upper-cases them. */
function unionBranchName(_b: AvroSchema, i: number): string {
  return `CONNECT_UNION_FIELD_${i}`;
}

/**
 * The columns an Avro schema gives a source: a record's fields (upper-cased names), or — for a
 * key, or a value read unwrapped — one column named `single` (ROWKEY / ROWVAL) holding it all.
 */
export function columnsOfAvro(s: AvroSchema, role: 'key' | 'value', unwrapped: boolean, originalNames = false): AvroColumn[] {
  const t = sqlTypeOfAvro(s, new Map(), '', originalNames ? (n) => n : upperName);
  if (role === 'value' && !unwrapped && t.kind === 'STRUCT' && isRecordRoot(s)) return t.fields.map((f) => ({ name: f.name, type: f.type }));
  return [{ name: role === 'key' ? 'ROWKEY' : 'ROWVAL', type: t }];
}

function isRecordRoot(s: AvroSchema): boolean {
  const r = Array.isArray(s) ? s.find((b) => b !== 'null') : s;
  return typeof r === 'object' && r !== null && !Array.isArray(r) && r.type === 'record';
}

export function describeAvroColumns(cols: readonly AvroColumn[]): string {
  return cols.map((c) => `${c.name} ${formatType(c.type)}`).join(', ');
}
