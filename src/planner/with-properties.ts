// The WITH-clause property names ksqlDB's CREATE statements take (its CommonCreateConfigs, plus
// CreateConfigs' window and connector ones for CREATE STREAM/TABLE): any other name is refused
// before anything else is checked, as ksqlDB's parser does. A statement naming one of Eddy's own
// SOURCE connectors or a SINK takes that connector's settings too, so it is not checked here.

import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import { checkJavaPattern } from './functions/scalar/java-time-format.js';
import type { Properties } from '../parser/ast.js';

const COMMON = [
  'KAFKA_TOPIC', 'PARTITIONS', 'REPLICAS', 'RETENTION_MS', 'CLEANUP_POLICY', 'VALUE_FORMAT', 'KEY_FORMAT', 'FORMAT',
  'TIMESTAMP', 'TIMESTAMP_FORMAT', 'WRAP_SINGLE_VALUE', 'KEY_PROTOBUF_NULLABLE_REPRESENTATION', 'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
  'VALUE_AVRO_SCHEMA_FULL_NAME', 'KEY_SCHEMA_FULL_NAME', 'VALUE_SCHEMA_FULL_NAME', 'KEY_DELIMITER', 'VALUE_DELIMITER',
  'KEY_SCHEMA_ID', 'VALUE_SCHEMA_ID',
];
const CREATE_NAMES: ReadonlySet<string> = new Set([...COMMON, 'WINDOW_TYPE', 'WINDOW_SIZE', 'SOURCE_CONNECTOR', 'SOURCED_BY_CONNECTOR']);
const CREATE_AS_NAMES: ReadonlySet<string> = new Set(COMMON);

/** ksqlDB's 'Invalid config variable(s) in the WITH clause: A,B', at the first unknown property. */
export function checkWithPropertyNames(p: Properties, createAs: boolean): void {
  if (p.has('SOURCE') || p.has('SINK')) return;
  const known = createAs ? CREATE_AS_NAMES : CREATE_NAMES;
  const unknown = [...p.keys()].filter((k) => !known.has(k.toUpperCase()));
  if (unknown.length) throw new SqlError(`Invalid config variable(s) in the WITH clause: ${unknown.map((k) => k.toUpperCase()).join(',')}`, p.get(unknown[0]!)!);
}

/** ksqlDB's validateDateTimeFormat: TIMESTAMP_FORMAT must be a pattern java.time takes. */
export function checkTimestampFormat(p: Properties): void {
  const v = p.get('TIMESTAMP_FORMAT');
  if (v === undefined) return;
  try {
    checkJavaPattern(String(v.value));
  } catch (e) {
    throw new SqlError(`Invalid datetime format for config:TIMESTAMP_FORMAT, reason:${(e as Error).message}`, v);
  }
}

/**
 * The TIMESTAMP column's type as ksqlDB's TimestampExtractionPolicyFactory takes it: a BIGINT
 * (epoch millis) or a TIMESTAMP as is, a STRING only with a TIMESTAMP_FORMAT to read it by, and a
 * TIMESTAMP_FORMAT only for a STRING column. (A TIMESTAMP_FORMAT without TIMESTAMP is ignored there.)
 */
export function checkTimestampColumnType(column: string, type: SqlType, hasFormat: boolean, at: SqlErrorPosition | { loc?: SqlErrorPosition }): void {
  if (type.kind === 'STRING') {
    if (!hasFormat) throw new SqlError('A String timestamp field has been specified without also specifying the timestamp_format', at);
    return;
  }
  if (hasFormat) throw new SqlError("'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.", at);
  if (type.kind !== 'BIGINT' && type.kind !== 'TIMESTAMP') {
    throw new SqlError(`Timestamp column, \`${column}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`, at);
  }
}

/** The integer properties and their Kafka ConfigDef types, for a value given as a string. */
const INTEGER_PROPERTIES: ReadonlyMap<string, { type: string; min: number; max: number }> = new Map([
  ['PARTITIONS', { type: 'INT', min: -(2 ** 31), max: 2 ** 31 - 1 }],
  ['REPLICAS', { type: 'SHORT', min: -(2 ** 15), max: 2 ** 15 - 1 }],
]);

/**
 * ksqlDB hands the WITH clause to a Kafka ConfigDef, which parses a quoted value of an integer
 * property (`partitions='4'` is 4) and refuses one that is not a number of the type, before the
 * property names are checked: `Invalid value abc for configuration PARTITIONS: Not a number of type INT`.
 */
export function checkWithPropertyTypes(p: Properties): void {
  for (const [name, v] of p) {
    const spec = INTEGER_PROPERTIES.get(name.toUpperCase());
    if (!spec || typeof v.value !== 'string') continue;
    const t = v.value.trim();
    const n = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
    if (!(n >= spec.min && n <= spec.max)) throw new SqlError(`Invalid value ${t} for configuration ${name.toUpperCase()}: Not a number of type ${spec.type}`, v);
  }
}
