// The WITH-clause property names ksqlDB's CREATE statements take (its CommonCreateConfigs, plus
// CreateConfigs' window and connector ones for CREATE STREAM/TABLE): any other name is refused
// before anything else is checked, as ksqlDB's parser does. A statement naming one of Eddy's own
// SOURCE connectors or a SINK takes that connector's settings too, so it is not checked here.

import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import { checkJavaPattern } from './functions/scalar/java-time-format.js';
import type { Properties, PropertyValue } from '../parser/ast.js';
import { javaDouble } from './expr/java-format.js';

const COMMON = [
  'KAFKA_TOPIC',
  'PARTITIONS',
  'REPLICAS',
  'RETENTION_MS',
  'CLEANUP_POLICY',
  'VALUE_FORMAT',
  'KEY_FORMAT',
  'FORMAT',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WRAP_SINGLE_VALUE',
  'KEY_PROTOBUF_NULLABLE_REPRESENTATION',
  'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
  'KEY_DELIMITER',
  'VALUE_DELIMITER',
  'KEY_SCHEMA_ID',
  'VALUE_SCHEMA_ID',
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

/** Each WITH property's Kafka ConfigDef type, as ksqlDB's CommonCreateConfigs/CreateConfigs define it. */
type ConfigType = 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'BOOLEAN';
const CONFIG_TYPES: ReadonlyMap<string, ConfigType> = new Map([
  ...COMMON.map((n) => [n, 'STRING'] as const),
  ...['WINDOW_TYPE', 'WINDOW_SIZE', 'SOURCE_CONNECTOR', 'SOURCED_BY_CONNECTOR'].map((n) => [n, 'STRING'] as const),
  ['PARTITIONS', 'INT'],
  ['KEY_SCHEMA_ID', 'INT'],
  ['VALUE_SCHEMA_ID', 'INT'],
  ['REPLICAS', 'SHORT'],
  ['RETENTION_MS', 'LONG'],
  ['WRAP_SINGLE_VALUE', 'BOOLEAN'],
]);

/** Java's String.trim: every char up to U+0020 goes, nothing above it. */
export function javaTrim(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && text.charCodeAt(a) <= 0x20) a++;
  while (b > a && text.charCodeAt(b - 1) <= 0x20) b--;
  return text.slice(a, b);
}

/** The Java class ksqlDB's parser gives a WITH literal: 1 Integer, 1e10 Long… (ParserUtil). */
function literalClass(v: PropertyValue): { cls: string; shown: string } {
  if (typeof v.value === 'string') return { cls: 'java.lang.String', shown: v.value };
  if (typeof v.value === 'boolean') return { cls: 'java.lang.Boolean', shown: String(v.value) };
  if (/[eE]/.test(v.text)) return { cls: 'java.lang.Double', shown: javaDouble(v.value) };
  if (v.text.includes('.')) return { cls: 'java.math.BigDecimal', shown: v.text };
  const n = BigInt(v.text);
  return { cls: n >= -(2n ** 31n) && n < 2n ** 31n ? 'java.lang.Integer' : 'java.lang.Long', shown: v.text };
}

/** Integer.parseInt and friends: an optional sign and decimal digits, within the type's range. */
function parsesAs(text: string, bits: number): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= -(2n ** BigInt(bits - 1)) && n < 2n ** BigInt(bits - 1);
}

/** Why a Kafka ConfigDef refuses this value for the type (ConfigDef.parseType), or undefined. */
function configTypeProblem(type: ConfigType, v: PropertyValue): string | undefined {
  const { cls } = literalClass(v);
  const text = typeof v.value === 'string' ? javaTrim(v.value) : '';
  switch (type) {
    case 'STRING':
      return cls === 'java.lang.String' ? undefined : `Expected value to be a string, but it was a ${cls}`;
    case 'INT':
      if (cls === 'java.lang.String') return parsesAs(text, 32) ? undefined : 'Not a number of type INT';
      return cls === 'java.lang.Integer' ? undefined : `Expected value to be a 32-bit integer, but it was a ${cls}`;
    case 'SHORT':
      // ksqlDB's PropertiesConfig turns any number given for a SHORT into a short first (Number.shortValue).
      if (cls === 'java.lang.String') return parsesAs(text, 16) ? undefined : 'Not a number of type SHORT';
      return cls === 'java.lang.Boolean' ? `Expected value to be a 16-bit integer (short), but it was a ${cls}` : undefined;
    case 'LONG':
      if (cls === 'java.lang.String') return parsesAs(text, 64) ? undefined : 'Not a number of type LONG';
      return cls === 'java.lang.Integer' || cls === 'java.lang.Long' ? undefined : `Expected value to be a 64-bit integer (long), but it was a ${cls}`;
    case 'BOOLEAN':
      if (cls === 'java.lang.Boolean') return undefined;
      return cls === 'java.lang.String' && (text.toLowerCase() === 'true' || text.toLowerCase() === 'false') ? undefined : 'Expected value to be either true or false';
  }
}

/**
 * ksqlDB hands the WITH clause to a Kafka ConfigDef, which parses each known property by its type
 * before the property names are checked: a quoted number is read for a number property
 * (`partitions='4'` is 4), a number is refused for a string one, a decimal for an integer one.
 * ksqlDB rewords the ConfigDef's "for configuration" as "for property":
 * `Invalid value 1.5 for property PARTITIONS: Expected value to be a 32-bit integer, but it was a java.math.BigDecimal`.
 * The topic name must not be empty once trimmed (the ConfigDef trims every string).
 */
export function checkWithPropertyTypes(p: Properties): void {
  for (const [name, v] of p) {
    const upper = name.toUpperCase();
    const type = CONFIG_TYPES.get(upper);
    if (!type) continue;
    const problem = configTypeProblem(type, v);
    if (problem) throw new SqlError(`Invalid value ${literalClass(v).shown} for property ${upper}: ${problem}`, v);
    if (upper === 'KAFKA_TOPIC' && javaTrim(String(v.value)) === '') throw new SqlError(`Invalid value  for property KAFKA_TOPIC: String must be non-empty`, v);
  }
}

/** The properties a ConfigDef validator holds to a list of names (ksqlDB's enumValues, any case). */
const ENUM_PROPERTIES: ReadonlyMap<string, readonly string[]> = new Map([
  ['WINDOW_TYPE', ['SESSION', 'HOPPING', 'TUMBLING']],
  ['KEY_PROTOBUF_NULLABLE_REPRESENTATION', ['OPTIONAL', 'WRAPPER']],
  ['VALUE_PROTOBUF_NULLABLE_REPRESENTATION', ['OPTIONAL', 'WRAPPER']],
]);

/**
 * The names-list validators of the properties CREATE takes, run by the same ConfigDef as the
 * types (so before the property names are checked): `Invalid value sliding for property
 * WINDOW_TYPE: String must be one of: SESSION, HOPPING, TUMBLING, null`.
 */
export function checkWithPropertyEnums(p: Properties, createAs: boolean): void {
  for (const [name, v] of p) {
    const upper = name.toUpperCase();
    const allowed = ENUM_PROPERTIES.get(upper);
    if (!allowed || (createAs && upper === 'WINDOW_TYPE')) continue;
    const text = javaTrim(String(v.value));
    if (!allowed.includes(text.toUpperCase())) throw new SqlError(`Invalid value ${text} for property ${upper}: String must be one of: ${allowed.join(', ')}, null`, v);
  }
}

/**
 * The topic settings ksqlDB infers and so refuses to take (its TopicCreateInjector): the cleanup
 * policy follows from the source kind (a table's topic is compacted), and a compacted topic keeps
 * no retention, so RETENTION_MS is refused for a table unless it is windowed by its query.
 */
export function checkTopicProperties(p: Properties, kind: 'STREAM' | 'TABLE', windowedByQuery: boolean): void {
  const cleanup = p.get('CLEANUP_POLICY');
  if (cleanup) {
    throw new SqlError(
      "Invalid config variable in the WITH clause: CLEANUP_POLICY.\nThe CLEANUP_POLICY config is automatically inferred based on the type of source (STREAM or TABLE).\nUsers can't set the CLEANUP_POLICY config manually.",
      cleanup,
    );
  }
  const retention = p.get('RETENTION_MS');
  if (retention && kind === 'TABLE' && !windowedByQuery) throw new SqlError('Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.', retention);
}
