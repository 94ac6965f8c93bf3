// What each key and value format can hold, as ksqlDB rules it. The planner refuses a source or
// sink whose columns its formats cannot carry; the serdes (runtime/serde) apply the same rules,
// so the two cannot disagree.

import { SqlError, type SqlErrorPosition } from '../parser/errors.js';
import { formatType, type SqlType } from '../parser/sql-type.js';
import type { FormatName, SourceDef } from './catalog.js';

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
      if (columns.length > 1) return `The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\` ${formatType(c.type)}`).join(', ')}]`;
      return columns.length && !KAFKA_TYPES.has(columns[0]!.type.kind) ? `The 'KAFKA' format does not support type '${columns[0]!.type.kind}'` : undefined;
    case 'NONE':
      return columns.length ? `The 'NONE' format can only be used when no columns are defined. Got: [${columns.map((c) => `\`${c.name}\` ${formatType(c.type)}${role === 'key' ? ' KEY' : ''}`).join(', ')}]` : undefined;
    case 'JSON_SR':
      return columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING')) ? 'JSON only supports MAP types with STRING keys' : undefined;
    case 'AVRO':
      if (columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING'))) return 'Avro only supports MAPs with STRING keys';
      return avroNameProblem(columns);
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR': {
      return columns.some((c) => someType(c.type, (t) => t.kind === 'MAP' && t.key.kind !== 'STRING')) ? `${format} format only supports MAP types with STRING keys` : undefined;
    }
  }
}

/** ksqlDB's wording when the key format cannot hold the key columns. */
function keyFormatError(def: SourceDef, reason: string): string {
  const cols = def.columns.filter((c) => c.role === 'key').map((c) => `\`${c.name}\` ${formatType(c.type)} KEY`);
  return `Key format does not support schema.\nformat: ${def.keyFormat}\nschema: Persistence{columns=[${cols.join(', ')}], features=[]}\nreason: ${reason}`;
}

/** Refuse a source or sink whose key or value format cannot hold its columns. */
export function checkFormats(def: SourceDef, at: { loc?: SqlErrorPosition }): void {
  if (!def.topic) return;
  for (const role of ['key', 'value'] as const) {
    const format = role === 'key' ? def.keyFormat : def.valueFormat;
    const reason = formatSchemaProblem(format, def.columns.filter((c) => c.role === role), role);
    if (reason === undefined) continue;
    throw new SqlError(role === 'key' && /does not support type/.test(reason) ? keyFormatError(def, reason) : reason, at);
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
  if (text.trim() === '') return "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'";
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
    const problem = v === undefined ? undefined : delimiterProblem(String(v.value));
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
