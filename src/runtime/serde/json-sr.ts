// The JSON_SR format: JSON in Confluent's wire format (magic byte, schema id) with a JSON Schema in
// the registry. The payload reads and writes as the JSON format does; the schema is ksqlDB's (Kafka
// Connect's) JSON Schema rendering of the columns: optional fields as `oneOf [null, T]`,
// `connect.type` telling int32 from int64, and `title` naming Decimal, Date, Time and Timestamp.

import { T, type SqlType } from '../../parser/sql-type.js';
import { JsonNumber, parseJson, setField, stringifyJson, type Json } from '../../util/lossless-json.js';
import type { SchemaRegistry } from '../registry/schema-registry.js';
import { isUnwrapped } from './avro.js';
import { writeId } from './registry-serde.js';
import type { ColumnSchema, Serde, SerdeOptions } from './serde-types.js';
import { frame, unframe } from './wire-format.js';

type JsonSchema = { readonly [k: string]: unknown };

const CONNECT = 'org.apache.kafka.connect.data.';

function optional(s: JsonSchema): JsonSchema {
  return { oneOf: [{ type: 'null' }, s] };
}

function schemaOf(t: SqlType): JsonSchema {
  switch (t.kind) {
    case 'BOOLEAN':
      return { type: 'boolean' };
    case 'INTEGER':
      return { type: 'integer', 'connect.type': 'int32' };
    case 'BIGINT':
      return { type: 'integer', 'connect.type': 'int64' };
    case 'DOUBLE':
      return { type: 'number', 'connect.type': 'float64' };
    case 'STRING':
      return { type: 'string' };
    case 'BYTES':
      return { type: 'string', 'connect.type': 'bytes' };
    case 'DECIMAL':
      return {
        type: 'number',
        title: `${CONNECT}Decimal`,
        'connect.version': 1,
        'connect.type': 'bytes',
        'connect.parameters': { scale: String(t.scale), 'connect.decimal.precision': String(t.precision) },
      };
    case 'DATE':
      return { type: 'integer', title: `${CONNECT}Date`, 'connect.version': 1, 'connect.type': 'int32' };
    case 'TIME':
      return { type: 'integer', title: `${CONNECT}Time`, 'connect.version': 1, 'connect.type': 'int32' };
    case 'TIMESTAMP':
      return { type: 'integer', title: `${CONNECT}Timestamp`, 'connect.version': 1, 'connect.type': 'int64' };
    case 'ARRAY':
      return { type: 'array', items: optional(schemaOf(t.item)) };
    case 'MAP':
      return { type: 'object', additionalProperties: optional(schemaOf(t.value)), 'connect.type': 'map' };
    case 'STRUCT':
      return objectSchema(t.fields);
    case 'CUSTOM':
      throw new Error(`unresolved type ${t.name}`);
  }
}

function objectSchema(fields: readonly ColumnSchema[]): JsonSchema {
  return { type: 'object', properties: Object.fromEntries(fields.map((f, i) => [f.name, { 'connect.index': i, ...optional(schemaOf(f.type)) }])) };
}

/** ksqlDB's JSON Schema for the columns of one role. */
export function jsonSchemaFor(columns: readonly ColumnSchema[], unwrapped: boolean): JsonSchema {
  if (unwrapped && columns.length === 1) return optional(schemaOf(columns[0]!.type));
  return objectSchema(columns);
}

/** The SQL type ksqlDB reads a JSON Schema as (field names upper-cased). */
/** `fieldName`: upper case by default; the spelling as written for a schema named by id (ksqlDB's ORIGINAL_FIELD_NAME policy). */
export function sqlTypeOfJsonSchema(s: JsonSchema, fieldName: (n: string) => string = (n) => n.toUpperCase()): SqlType {
  const union = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (union) {
    const branches = union.filter((b) => b.type !== 'null');
    if (branches.length === 1) return sqlTypeOfJsonSchema(branches[0]!, fieldName);
    return T.struct(branches.map((b, i) => ({ name: `IO.CONFLUENT.CONNECT.JSON.ONEOF.FIELD.${i}`, type: sqlTypeOfJsonSchema(b, fieldName) })));
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((x) => x !== 'null') : (s.type as string | undefined);
  const title = typeof s.title === 'string' ? s.title : '';
  const ct = s['connect.type'];
  switch (type) {
    case 'boolean':
      return T.BOOLEAN;
    case 'integer':
      if (title === `${CONNECT}Date`) return T.DATE;
      if (title === `${CONNECT}Time`) return T.TIME;
      if (title === `${CONNECT}Timestamp`) return T.TIMESTAMP;
      return ct === 'int8' || ct === 'int16' || ct === 'int32' ? T.INTEGER : T.BIGINT;
    case 'number':
      if (title === `${CONNECT}Decimal`) {
        const p = (s['connect.parameters'] ?? {}) as Record<string, string>;
        return T.decimal(Number(p['connect.decimal.precision'] ?? 64), Number(p.scale ?? 0));
      }
      return T.DOUBLE;
    case 'string':
      return ct === 'bytes' ? T.BYTES : T.STRING;
    case 'array':
      return T.array(sqlTypeOfJsonSchema((s.items ?? {}) as JsonSchema, fieldName));
    case 'object': {
      if (s.properties && ct !== 'map') return T.struct(Object.entries(s.properties as Record<string, JsonSchema>).map(([k, v]) => ({ name: fieldName(k), type: sqlTypeOfJsonSchema(v, fieldName) })));
      return T.map(T.STRING, sqlTypeOfJsonSchema((s.additionalProperties ?? {}) as JsonSchema, fieldName));
    }
    default:
      throw new Error(`Unsupported JSON Schema type: ${String(type)}`);
  }
}

export function columnsOfJsonSchema(schema: string, role: 'key' | 'value', unwrapped: boolean, originalNames = false): ColumnSchema[] {
  const s = JSON.parse(schema) as JsonSchema;
  const t = originalNames ? sqlTypeOfJsonSchema(s, (n) => n) : sqlTypeOfJsonSchema(s);
  if (role === 'value' && !unwrapped && t.kind === 'STRUCT' && !(s.oneOf ?? s.anyOf)) return t.fields.map((f) => ({ name: f.name, type: f.type }));
  return [{ name: role === 'key' ? 'ROWKEY' : 'ROWVAL', type: t }];
}

/** The JSON serde's work inside the wire format: the schema id is checked for presence, not judged. */
export function jsonSrSerde(json: Serde, columns: readonly ColumnSchema[], opts: SerdeOptions): Serde {
  const unwrapped = isUnwrapped(columns, opts);
  const schema = jsonSchemaFor(columns, unwrapped);
  const id = writeId(opts, opts.role, () => ({ schemaType: 'JSON', schema: JSON.stringify(schema) }), 'JSON_SR');
  const fields = unwrapped ? undefined : registeredFields(opts);
  return {
    serialize(values) {
      const b = json.serialize(values);
      if (b === null) return null;
      return frame(id(), fields ? withRegisteredFields(b, fields()) : b);
    },
    deserialize(bytes) {
      if (bytes === null) return json.deserialize(null);
      return json.deserialize(unframe(bytes, 'JSON').payload);
    },
  };
}

/**
 * With SCHEMA_ID the record is written through the registered schema, as ksqlDB's converter
 * writes a Connect struct of that schema: every property it declares, in its order, NULL for one
 * the columns do not fill. The properties are read from the registry once, when first needed.
 */
function registeredFields(opts: SerdeOptions): (() => readonly string[] | undefined) | undefined {
  const { schemaId, registry } = opts;
  if (schemaId === undefined || !registry) return undefined;
  let names: readonly string[] | undefined | null = null;
  return () => {
    if (names === null) {
      const found = registry.byId(schemaId);
      let s: JsonSchema | undefined;
      try {
        s = found ? (JSON.parse(found.schema) as JsonSchema) : undefined;
      } catch {
        s = undefined;
      }
      names = s && s.type === 'object' && s.properties && typeof s.properties === 'object' ? Object.keys(s.properties) : undefined;
    }
    return names;
  };
}

function withRegisteredFields(payload: Buffer, names: readonly string[] | undefined): Buffer {
  if (!names) return payload;
  const row = parseJson(payload.toString('utf8'));
  if (row === null || typeof row !== 'object' || Array.isArray(row) || row instanceof JsonNumber) return payload;
  const own = row as Record<string, Json>;
  if (names.every((n) => Object.hasOwn(own, n))) return payload;
  const out: Record<string, Json> = {};
  for (const n of names) setField(out, n, Object.hasOwn(own, n) ? own[n]! : null);
  for (const [k, v] of Object.entries(own)) if (!Object.hasOwn(out, k)) setField(out, k, v);
  return Buffer.from(stringifyJson(out), 'utf8');
}

export function jsonSrToBytes(j: Json, id: number): Buffer {
  return frame(id, Buffer.from(stringifyJson(j), 'utf8'));
}

export function jsonSrToJson(b: Buffer, _registry: SchemaRegistry): Json {
  return parseJson(unframe(b, 'JSON').payload.toString('utf8'));
}
