// The AVRO format: records in Confluent's wire format with the writer's schema in the registry.
// Written with ksqlDB's generated schema (avro-schema.ts) or the one VALUE_SCHEMA_ID names; read
// with whatever schema the record's id names, then coerced to the columns as ksqlDB does (field
// names matched case-insensitively, missing fields null, numbers to strings, …). avsc does the
// binary encoding: it is the maintained pure-JS Avro implementation (spec-complete, with schema
// resolution, which the registry's compatibility check uses too).

import type avro from 'avsc';
import type { Value } from '../../planner/values.js';
import type { Json } from '../../util/lossless-json.js';
import { JsonNumber } from '../../util/lossless-json.js';
import { avroSchemaFor, DEFAULT_AVRO_FULL_NAME, keySchemaFullName, type AvroSchema } from './avro-schema.js';
import { avroToJson, avroType, AvroNames, valueToAvro } from './avro-values.js';
import { DecodeError, jsonToValue } from './json-coercion.js';
import type { ColumnSchema, Serde, SerdeOptions } from './serde-types.js';
import { needRegistry, writeId, writerSchema } from './registry-serde.js';
import { frame, unframe } from './wire-format.js';

interface Compiled {
  readonly schema: AvroSchema;
  readonly type: avro.Type;
  readonly names: AvroNames;
}

function compile(schema: AvroSchema): Compiled {
  return { schema, type: avroType(schema), names: new AvroNames(schema) };
}

/** Whether one column is written bare: always for a key, for a value only with WRAP_SINGLE_VALUE=false. */
export function isUnwrapped(columns: readonly ColumnSchema[], opts: SerdeOptions): boolean {
  return columns.length === 1 && (opts.role === 'key' || opts.wrapSingleValue === false);
}

export function avroFullName(opts: SerdeOptions): string {
  return opts.schemaFullName ?? (opts.role === 'key' ? keySchemaFullName(opts.sourceName ?? 'Output') : DEFAULT_AVRO_FULL_NAME);
}

export function avroSerde(columns: readonly ColumnSchema[], opts: SerdeOptions): Serde {
  const unwrapped = isUnwrapped(columns, opts);
  const generated = avroSchemaFor(columns, avroFullName(opts), unwrapped);
  const readers = new Map<number, Compiled>();
  let writer: Compiled | undefined;
  const id = writeId(opts, opts.role, () => ({ schemaType: 'AVRO', schema: JSON.stringify(generated) }), 'AVRO');
  const writerFor = (): Compiled => {
    if (writer) return writer;
    if (opts.schemaId !== undefined) {
      const s = writerSchema(needRegistry(opts, 'AVRO'), opts.schemaId, 'AVRO');
      writer = compile(JSON.parse(s.schema) as AvroSchema);
    } else writer = compile(generated);
    return writer;
  };
  const readerFor = (schemaId: number): Compiled => {
    let c = readers.get(schemaId);
    if (!c) {
      const s = writerSchema(needRegistry(opts, 'AVRO'), schemaId, 'AVRO');
      if (s.schemaType !== 'AVRO') throw new DecodeError(`Error deserializing AVRO message for id ${schemaId}: the schema is ${s.schemaType}, not AVRO`);
      c = compile(JSON.parse(s.schema) as AvroSchema);
      readers.set(schemaId, c);
    }
    return c;
  };
  return {
    serialize(values) {
      if (values === null) return null;
      if (columns.length === 0) return null;
      const w = writerFor();
      const root = unwrapped ? (values[0] ?? null) : Object.fromEntries(columns.map((c, i) => [c.name, values[i] ?? null]));
      if (unwrapped && root === null) return null;
      let encoded: Buffer;
      try {
        encoded = w.type.toBuffer(valueToAvro(root as Value, w.schema, w.names, opts.role === 'key' ? 'key' : 'value'));
      } catch (e) {
        throw new Error(`Error serializing message to topic: ${opts.topic ?? '?'}. Failed to serialize Avro data from topic ${opts.topic ?? '?'} :${(e as Error).message}`);
      }
      return frame(id(), encoded);
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      const { id: schemaId, payload } = unframe(bytes, 'Avro');
      const r = readerFor(schemaId);
      let decoded: unknown;
      try {
        decoded = r.type.fromBuffer(payload);
      } catch (e) {
        throw new DecodeError(`Error deserializing Avro message for id ${schemaId}: ${(e as Error).message}`);
      }
      return rowFromJson(avroToJson(decoded, r.schema, r.names), columns, unwrapped, opts.role);
    },
  };
}

/** A decoded record (as JSON) → the row: one bare column, or the fields by name, case-insensitively. */
export function rowFromJson(j: Json, columns: readonly ColumnSchema[], unwrapped: boolean, role: 'key' | 'value'): Value[] | null {
  if (j === null) return role === 'key' && columns.length ? columns.map(() => null) : null;
  if (unwrapped) return [jsonToValue(j, columns[0]!.type)];
  if (typeof j !== 'object' || Array.isArray(j) || j instanceof JsonNumber) {
    if (columns.length === 1) return [jsonToValue(j, columns[0]!.type)];
    throw new DecodeError(`Failed to deserialize ${role}: expected a record, got ${Array.isArray(j) ? 'an array' : typeof j}`);
  }
  const obj = j as Record<string, Json>;
  const upper = new Map<string, Json>();
  for (const [k, x] of Object.entries(obj)) if (!upper.has(k.toUpperCase())) upper.set(k.toUpperCase(), x);
  return columns.map((c) => {
    const x = Object.hasOwn(obj, c.name) ? obj[c.name]! : upper.get(c.name.toUpperCase());
    return x === undefined ? null : jsonToValue(x, c.type, `$.${c.name}`);
  });
}
