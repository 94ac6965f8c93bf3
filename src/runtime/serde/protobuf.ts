// The PROTOBUF and PROTOBUF_NOSR formats. PROTOBUF: Confluent's wire format (magic byte, schema id,
// message indexes) with the writer's .proto in the registry; PROTOBUF_NOSR: the bare message,
// written and read with the schema ksqlDB generates from the columns. protobufjs parses the .proto
// text and does the encoding: it is the maintained pure-JS Protobuf implementation, reading
// schemas at run time (what a registry hands over), with Google's well-known types built in.

import type protobuf from 'protobufjs';
import type { Value } from '../../planner/values.js';
import { rowFromJson } from './avro.js';
import { DecodeError } from './json-coercion.js';
import { DEFAULT_PROTOBUF_NAME, messagePath, parseProto, protoSchemaFor, type ProtoImport } from './protobuf-schema.js';
import { decodeMessage, encodeMessage, protoToJson, valueToProto } from './protobuf-values.js';
import { referencedSchemas } from '../registry/schema-references.js';
import { needRegistry, writeId, writerSchema } from './registry-serde.js';
import type { ColumnSchema, Serde, SerdeOptions } from './serde-types.js';
import { frame, readMessageIndexes, unframe, writeMessageIndexes } from './wire-format.js';

/** The message a schema's message indexes name: the path through top-level, then nested, messages. */
export function messageAt(text: string, path: readonly number[], imports: readonly ProtoImport[] = []): protobuf.Type {
  const { messages } = parseProto(text, imports);
  let m = messages[path[0] ?? 0];
  for (const i of path.slice(1)) m = m?.nestedArray.filter((x): x is protobuf.Type => 'fieldsArray' in x)[i];
  if (!m) throw new DecodeError(`Error deserializing Protobuf message: no message at index ${path.join('.')}`);
  return m;
}

export function protobufSchemaText(columns: readonly ColumnSchema[], opts: SerdeOptions): string {
  return protoSchemaFor(columns, opts.schemaFullName ?? DEFAULT_PROTOBUF_NAME, opts.protobufWrappers === true);
}

function rowStruct(columns: readonly ColumnSchema[], values: readonly Value[]): Value {
  return Object.fromEntries(columns.map((c, i) => [c.name, values[i] ?? null]));
}

export function protobufSerde(columns: readonly ColumnSchema[], opts: SerdeOptions, withRegistry: boolean): Serde {
  const format = withRegistry ? 'PROTOBUF' : 'PROTOBUF_NOSR';
  const generated = protobufSchemaText(columns, opts);
  const id = writeId(opts, opts.role, () => ({ schemaType: 'PROTOBUF', schema: generated }), format);
  let writer: protobuf.Type | undefined;
  // A registered schema (SCHEMA_ID) may hold several messages: SCHEMA_FULL_NAME names the one written.
  let writerPath: number[] = [0];
  const writerType = (): protobuf.Type => {
    if (!writer) {
      const registered = opts.schemaId !== undefined && withRegistry;
      const registry = registered ? needRegistry(opts, format) : undefined;
      const s = registry ? writerSchema(registry, opts.schemaId!, format) : undefined;
      const imports = registry && s ? referencedSchemas(registry, s) : [];
      const text = s ? s.schema : generated;
      writerPath = registered ? messagePath(text, opts.schemaFullName, imports) : [0];
      writer = messageAt(text, writerPath, imports);
    }
    return writer;
  };
  const readers = new Map<string, protobuf.Type>();
  const reader = (schemaId: number | undefined, path: readonly number[]): protobuf.Type => {
    const k = `${schemaId ?? ''}:${path.join('.')}`;
    let t = readers.get(k);
    if (!t) {
      if (schemaId === undefined) t = messageAt(generated, path);
      else {
        const registry = needRegistry(opts, format);
        const s = writerSchema(registry, schemaId, format);
        t = messageAt(s.schema, path, referencedSchemas(registry, s));
      }
      readers.set(k, t);
    }
    return t;
  };
  return {
    serialize(values) {
      if (values === null || columns.length === 0) return null;
      const t = writerType();
      let body: Uint8Array;
      try {
        body = encodeMessage(t, valueToProto(rowStruct(columns, values), t, opts.role));
      } catch (e) {
        throw new Error(`Error serializing message to topic: ${opts.topic ?? '?'}. ${(e as Error).message}`);
      }
      return withRegistry ? frame(id(), Buffer.concat([writeMessageIndexes(writerPath), body])) : Buffer.from(body);
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      let t: protobuf.Type;
      let body: Buffer;
      if (withRegistry) {
        const { id: schemaId, payload } = unframe(bytes, 'Protobuf');
        const { path, rest } = readMessageIndexes(payload);
        t = reader(schemaId, path);
        body = rest;
      } else {
        t = reader(undefined, [0]);
        body = bytes;
      }
      let obj: Record<string, unknown>;
      try {
        obj = decodeMessage(t, body);
      } catch (e) {
        throw new DecodeError(`Error deserializing Protobuf message: ${(e as Error).message}`);
      }
      return rowFromJson(protoToJson(obj, t), columns, false, opts.role);
    },
  };
}
