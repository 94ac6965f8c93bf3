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
