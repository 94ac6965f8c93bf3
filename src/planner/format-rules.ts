// What each key and value format can hold, as ksqlDB rules it. The planner refuses a source or
// sink whose columns its formats cannot carry; the serdes (runtime/serde) apply the same rules,
// so the two cannot disagree.

import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import { formatType, type SqlType } from '../parser/sql-type.js';
import type { FormatName, SourceDef } from './catalog.js';
import { javaTrim } from './with-properties.js';

export interface FormatColumn {
  readonly name: string;
  readonly type: SqlType;
}

function someType(t: SqlType, pred: (t: SqlType) => boolean): boolean {
  if (pred(t)) return true;
  if (t.kind === 'ARRAY') return someType(t.item, pred);
  if (t.kind === 'MAP') return someType(t.key, pred) || someType(t.value, pred);
  if (t.kind === 'STRUCT') return t.fields.some((f) => someType(f.type, pred));
  return false;
}

const KAFKA_TYPES = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES']);

/** Avro names: [A-Za-z_][A-Za-z0-9_]* after ksqlDB replaces dots; the Avro library's wording. */
function avroNameProblem(fields: readonly FormatColumn[]): string | undefined {
  for (const f of fields) {
    const name = f.name.replace(/\./g, '_');
    if (!/^[A-Za-z_]/.test(name)) return `Schema is not compatible with Avro: Illegal initial character: ${name}`;
    if (/[^A-Za-z0-9_]/.test(name)) return `Schema is not compatible with Avro: Illegal character in: ${name}`;
    let t = f.type;
    while (t.kind === 'ARRAY' || t.kind === 'MAP') t = t.kind === 'ARRAY' ? t.item : t.value;
    if (t.kind === 'STRUCT') {
      const inner = avroNameProblem(t.fields);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Why `format` cannot hold these columns in the given role, or undefined when it can. */
export function formatSchemaProblem(format: FormatName, columns: readonly FormatColumn[], role: 'key' | 'value'): string | undefined {
  // Maps serialise without a fixed entry order, so equal keys could differ as bytes.
  const mapKey = role === 'key' ? columns.find((c) => someType(c.type, (t) => t.kind === 'MAP')) : undefined;
  if (mapKey) {
    return `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${mapKey.name}\`. Column type: ${formatType(mapKey.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`;
  }
  switch (format) {
    case 'JSON':
      return columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING')) ? 'JSON only supports MAP types with STRING keys' : undefined;
    case 'DELIMITED': {
      const c = columns.find((x) => x.type.kind === 'ARRAY' || x.type.kind === 'MAP' || x.type.kind === 'STRUCT');
      return c ? `The 'DELIMITED' format does not support type '${c.type.kind}', column: \`${c.name}\`` : undefined;
    }
    case 'KAFKA':
      if (columns.length > 1) return `The 'KAFKA' format only supports a single field. Got: [${columnList(columns, role)}]`;
      return columns.length && !KAFKA_TYPES.has(columns[0]!.type.kind) ? `The 'KAFKA' format does not support type '${columns[0]!.type.kind}'` : undefined;
    case 'NONE':
      return columns.length ? `The 'NONE' format can only be used when no columns are defined. Got: [${columnList(columns, role)}]` : undefined;
    case 'JSON_SR':
      return columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING')) ? 'JSON only supports MAP types with STRING keys' : undefined;
    case 'AVRO':
      if (columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING'))) return 'Avro only supports MAPs with STRING keys';
      return avroNameProblem(columns);
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR': {
      // Both Protobuf formats share one schema validator, which names the format PROTOBUF.
      return columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING'))
        ? 'PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.'
        : undefined;
    }
  }
}

/** Columns as ksqlDB prints them in a persistence schema: `NAME` TYPE, with KEY after a key column. */
function columnList(columns: readonly FormatColumn[], role: 'key' | 'value'): string {
  return columns.map((c) => `\`${c.name}\` ${formatType(c.type)}${role === 'key' ? ' KEY' : ''}`).join(', ');
}

/** Formats that can both wrap and unwrap a single column (ksqlDB then picks unwrapped single keys). */
const WRAPPING_FORMATS = new Set<FormatName>(['JSON', 'JSON_SR', 'AVRO', 'PROTOBUF_NOSR']);

/** The serde features ksqlDB's persistence schema carries for one side: how a single column is (un)wrapped. */
function sideFeatures(def: SourceDef, role: 'key' | 'value', count: number): string {
  if (count !== 1) return '';
  if (role === 'key') return WRAPPING_FORMATS.has(def.keyFormat) ? 'UNWRAP_SINGLES' : '';
  return def.wrapSingleValue === undefined ? '' : def.wrapSingleValue ? 'WRAP_SINGLES' : 'UNWRAP_SINGLES';
}

/**
 * ksqlDB builds each side's serde from its persistence schema and reports a format's refusal in
 * one frame (GenericSerdeFactory): which side, the format, the schema it was given, and why.
 */
function serdeError(def: SourceDef, role: 'key' | 'value', reason: string): string {
  const cols = def.columns.filter((c) => c.role === role);
  const side = role === 'key' ? 'Key' : 'Value';
  const format = role === 'key' ? def.keyFormat : def.valueFormat;
  return `${side} format does not support schema.\nformat: ${format}\nschema: Persistence{columns=[${columnList(cols, role)}], features=[${sideFeatures(def, role, cols.length)}]}\nreason: ${reason}`;
}

/** Refuse a source or sink whose key or value format cannot hold its columns. */
export function checkFormats(def: SourceDef, at: { loc?: SqlErrorPosition }): void {
  if (!def.topic) return;
  for (const role of ['key', 'value'] as const) {
    const format = role === 'key' ? def.keyFormat : def.valueFormat;
    const reason = formatSchemaProblem(
      format,
      def.columns.filter((c) => c.role === role),
      role,
    );
    if (reason === undefined) continue;
    // The map-key rule is the key serde's own check, made before any format is asked.
    throw new SqlError(reason.startsWith('Map keys') ? reason : serdeError(def, role, reason), at);
  }
}

/** The WITH properties that configure a format, as ksqlDB names them in its refusals. */
const FORMAT_CONFIGS: readonly { readonly property: string; readonly side: 'key' | 'value'; readonly config: string }[] = [
  { property: 'KEY_DELIMITER', side: 'key', config: 'delimiter' },
  { property: 'VALUE_DELIMITER', side: 'value', config: 'delimiter' },
  { property: 'KEY_SCHEMA_FULL_NAME', side: 'key', config: 'fullSchemaName' },
  { property: 'VALUE_SCHEMA_FULL_NAME', side: 'value', config: 'fullSchemaName' },
  { property: 'VALUE_AVRO_SCHEMA_FULL_NAME', side: 'value', config: 'fullSchemaName' },
  { property: 'KEY_SCHEMA_ID', side: 'key', config: 'schemaId' },
  { property: 'VALUE_SCHEMA_ID', side: 'value', config: 'schemaId' },
];

/** Which configs the formats Eddy serves accept (the schema-registry formats are ruled elsewhere). */
const SUPPORTED_CONFIGS: Partial<Record<FormatName, readonly string[]>> = { JSON: [], KAFKA: [], NONE: [], DELIMITED: ['delimiter'] };

/** ksqlDB's delimiter rule: one character, or the names TAB and SPACE. */
function delimiterProblem(text: string): string | undefined {
  // Java's String.trim drops every char up to U+0020 (controls too) and nothing above it.
  if ([...text].every((ch) => ch.charCodeAt(0) <= 0x20))
    return "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'";
  if (text.length === 1 || text === 'TAB' || text === 'SPACE') return undefined;
  return `Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`;
}

/**
 * A side's format refusing configs, in ksqlDB's words. Its schema injector builds each side's
 * format first (key, then value) and, when the schema id is all the format refuses, says the
 * format cannot infer a schema (DefaultSchemaInjector.shouldInferSchema).
 */
export function unsupportedConfigs(side: 'key' | 'value', format: FormatName, unsupported: readonly string[], at: { loc?: SqlErrorPosition } | undefined): SqlError {
  if (unsupported.length === 1 && unsupported[0] === 'schemaId') {
    const S = side.toUpperCase();
    return new SqlError(`${S}_FORMAT should support schema inference when ${S}_SCHEMA_ID is provided. Current format is ${format}.`, at);
  }
  return new SqlError(`${format} does not support the following configs: [${unsupported.join(', ')}]`, at);
}

/**
 * Refuse format configs that are malformed (a delimiter that is not one character) or that the
 * side's format does not take (a delimiter for JSON), in ksqlDB's words.
 */
export function checkFormatConfigs(p: ReadonlyMap<string, { readonly value: string | number | boolean; readonly loc?: SqlErrorPosition }>, keyFormat: FormatName, valueFormat: FormatName): void {
  for (const { property } of FORMAT_CONFIGS.filter((c) => c.config === 'delimiter')) {
    const v = p.get(property);
    // The ConfigDef trims the value before the delimiter is parsed: ' ; ' is ';'.
    const problem = v === undefined ? undefined : delimiterProblem(javaTrim(String(v.value)));
    if (problem) throw new SqlError(`Failed to prepare statement: Configuration ${property} is invalid: ${problem}`, v);
  }
  for (const side of ['key', 'value'] as const) {
    const format = side === 'key' ? keyFormat : valueFormat;
    const supported = SUPPORTED_CONFIGS[format];
    if (!supported) continue;
    const given = FORMAT_CONFIGS.filter((c) => c.side === side && p.has(c.property)).map((c) => c.config);
    const unsupported = [...new Set(given.filter((c) => !supported.includes(c)))];
    if (unsupported.length) throw unsupportedConfigs(side, format, unsupported, p.get(FORMAT_CONFIGS.find((c) => c.side === side && c.config === unsupported[0] && p.has(c.property))!.property));
  }
}
