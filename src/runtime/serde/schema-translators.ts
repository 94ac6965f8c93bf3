// Each registry format's schemas ↔ columns: what a persistent query registers for its sink, and
// what schema inference reads back. One entry per format; the serdes use the same functions.

import type { FormatName } from '../../planner/catalog.js';
import type { Json } from '../../util/lossless-json.js';
import type { SchemaRegistry, SchemaType } from '../registry/schema-registry.js';
import { avroSchemaFor, columnsOfAvro, sqlTypeOfAvro, type AvroSchema } from './avro-schema.js';
import { avroFullName, isUnwrapped } from './avro.js';
import { avroToJson, avroType, AvroNames, valueToAvro } from './avro-values.js';
import { jsonToValue } from './json-coercion.js';
import { frame, unframe } from './wire-format.js';
import { columnsOfProto, messagePath, messageType, type ProtoImport } from './protobuf-schema.js';
import { referencedSchemas } from '../registry/schema-references.js';
import { decodeMessage, encodeMessage, protoToJson, valueToProto } from './protobuf-values.js';
import { messageAt, protobufSchemaText } from './protobuf.js';
import { readMessageIndexes, writeMessageIndexes } from './wire-format.js';
import { columnsOfJsonSchema, jsonSchemaFor, jsonSrToBytes, jsonSrToJson } from './json-sr.js';
import type { ColumnSchema, SerdeOptions } from './serde-types.js';

export interface SchemaTranslator {
  readonly schemaType: SchemaType;
  /** The schema text ksqlDB generates for these columns. */
  fromColumns(columns: readonly ColumnSchema[], opts: SerdeOptions): string;
  /** The columns a registered schema gives; throws with the reason when it cannot be read. */
  /** `originalNames`: keep the schema's field spelling (a schema named by id), else upper-case it. */
  /** `fullName`: the record / message KEY_/VALUE_SCHEMA_FULL_NAME names (a Protobuf schema may hold several messages). */
  /** `imports`: the files a Protobuf schema's references name (registry/schema-references.ts). */
  toColumns(schema: string, role: 'key' | 'value', unwrapped: boolean, originalNames?: boolean, fullName?: string, imports?: readonly ProtoImport[]): ColumnSchema[];
  /** A JSON rendering of a record (as test cases and tools write them) in the wire format of schema `id`. */
  jsonToBytes(j: Json, schema: string, id: number, fullName?: string, imports?: readonly ProtoImport[]): Buffer;
  /** A record in the wire format, back to JSON through the schema its id names. */
  bytesToJson(b: Buffer, registry: SchemaRegistry): Json;
}

const TRANSLATORS: Partial<Record<FormatName, SchemaTranslator>> = {
  AVRO: {
    schemaType: 'AVRO',
    fromColumns: (columns, opts) => JSON.stringify(avroSchemaFor(columns, avroFullName(opts), isUnwrapped(columns, opts))),
    toColumns: (schema, role, unwrapped, originalNames) => columnsOfAvro(JSON.parse(schema) as AvroSchema, role, unwrapped, originalNames),
    jsonToBytes: (j, schema, id) => {
      const s = JSON.parse(schema) as AvroSchema;
      return frame(id, avroType(s).toBuffer(valueToAvro(jsonToValue(j, sqlTypeOfAvro(s)), s, new AvroNames(s), '$')));
    },
    bytesToJson: (b, registry) => {
      const { id, payload } = unframe(b, 'Avro');
      const found = registry.byId(id);
      if (!found) throw new Error(`no schema with id ${id}`);
      const s = JSON.parse(found.schema) as AvroSchema;
      return avroToJson(avroType(s).fromBuffer(payload), s, new AvroNames(s));
    },
  },
  PROTOBUF: {
    schemaType: 'PROTOBUF',
    fromColumns: protobufSchemaText,
    toColumns: (schema, _role, _unwrapped, originalNames, fullName, imports) => columnsOfProto(schema, originalNames, fullName, imports),
    jsonToBytes: (j, schema, id, fullName, imports) => {
      const path = messagePath(schema, fullName, imports);
      const t = messageAt(schema, path, imports);
      const v = jsonToValue(j, messageType(t));
      return frame(id, Buffer.concat([writeMessageIndexes(path), encodeMessage(t, valueToProto(v, t, '$'))]));
    },
    bytesToJson: (b, registry) => {
      const { id, payload } = unframe(b, 'Protobuf');
      const found = registry.byId(id);
      if (!found) throw new Error(`no schema with id ${id}`);
      const { path, rest } = readMessageIndexes(payload);
      const t = messageAt(found.schema, path, referencedSchemas(registry, found));
      return protoToJson(decodeMessage(t, rest), t);
    },
  },
  JSON_SR: {
    schemaType: 'JSON',
    fromColumns: (columns, opts) => JSON.stringify(jsonSchemaFor(columns, isUnwrapped(columns, opts))),
    toColumns: columnsOfJsonSchema,
    jsonToBytes: (j, _schema, id) => jsonSrToBytes(j, id),
    bytesToJson: jsonSrToJson,
  },
};

export function schemaTranslator(format: FormatName): SchemaTranslator | undefined {
  return TRANSLATORS[format];
}
