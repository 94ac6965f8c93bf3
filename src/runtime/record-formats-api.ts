// What a client that writes or reads a topic itself may use of Eddy's record formats and of the
// schema registry's rules — as narrow functions, published on the facade (`Eddy.formats`,
// `Eddy.schemaRules`), so no surface reaches the serdes, translators or registry internals. The
// conformance runner writes inputs through a source's format, as ksqlDB's test harness does; the
// registry's REST API (server/http) applies the registry's rules; the benchmarks read a sink.

import type { FormatName, SourceDef } from '../planner/catalog.js';
import { valueToJson } from '../planner/json-coercion.js';
import type { Value } from '../planner/values.js';
import type { Json } from '../util/lossless-json.js';
import { canonicalSchema, compatible } from './registry/compatibility.js';
import { SchemaRegistryError, subjectName, type Compatibility, type RegistrySchema, type SchemaRegistry } from './registry/schema-registry.js';
import { schemaProblem } from './registry/schema-validation.js';
import { referencedSchemas } from './registry/schema-references.js';
import { rowFromJson } from './serde/avro.js';
import { createSerde } from './serde/index.js';
import { schemaTranslator } from './serde/schema-translators.js';
import { recordCodec, type RecordCodec } from './record-codec.js';

/** One side (key or value) of a topic's records in one format, over the side's columns. */
export interface RecordSide {
  encode(values: readonly Value[] | null): Buffer | null;
  /** Throws with the reason when the bytes do not fit. */
  decode(bytes: Buffer): Value[] | null;
  /** A JSON object of the columns (null: no record) → bytes, as a source of this format writes them. */
  encodeJson(j: Json): Buffer | null;
  /** Bytes → a JSON object of the columns (null: no record). */
  decodeJson(bytes: Buffer): Json;
}

/** JSON ↔ the wire bytes of a schema-registry format (AVRO, PROTOBUF, JSON_SR), through a registered schema. */
export interface RegistryJson {
  /** `refs`: where the schema's references (Protobuf imports) are resolved. */
  encode(j: Json, schema: string, id: number, fullName?: string, refs?: { registry: SchemaRegistry; schema: RegistrySchema }): Buffer;
  decode(bytes: Buffer, registry: SchemaRegistry): Json;
}

export interface RecordFormats {
  side(format: FormatName, columns: readonly { readonly name: string; readonly type: SourceDef['columns'][number]['type'] }[], role: 'key' | 'value'): RecordSide;
  /** Undefined for a format without a registry. */
  registryJson(format: FormatName): RegistryJson | undefined;
  /** A source's whole records (key, value, headers, timestamp) as its queries read and write them. */
  records(def: SourceDef, registry?: SchemaRegistry): RecordCodec;
}

export const recordFormats: RecordFormats = {
  side(format, columns, role) {
    const cols = columns.map((c) => ({ name: c.name, type: c.type }));
    const serde = createSerde(format, cols, { role });
    return {
      encode: (values) => serde.serialize(values),
      decode: (bytes) => serde.deserialize(bytes),
      encodeJson: (j) => serde.serialize(rowFromJson(j, cols, false, role)),
      decodeJson: (bytes) => {
        const row = serde.deserialize(bytes);
        if (row === null) return null;
        const o: Record<string, Json> = {};
        cols.forEach((c, i) => (o[c.name] = valueToJson(row[i] ?? null, c.type)));
        return o;
      },
    };
  },
  registryJson(format) {
    const t = schemaTranslator(format);
    return (
      t && {
        encode: (j, schema, id, fullName, refs) => t.jsonToBytes(j, schema, id, fullName, refs ? referencedSchemas(refs.registry, refs.schema) : undefined),
        decode: (bytes, registry) => t.bytesToJson(bytes, registry),
      }
    );
  },
  records: (def, registry) => recordCodec(def, registry),
};

/** The schema registry's rules, as its REST API applies them. */
export interface SchemaRules {
  /** Why the schema is not a valid schema of its type, or undefined. */
  problem(s: RegistrySchema, registry?: SchemaRegistry): string | undefined;
  /** The schema's canonical text (what "the same schema" compares). */
  canonical(s: RegistrySchema): string;
  compatible(level: Compatibility, next: RegistrySchema, earlier: readonly RegistrySchema[]): boolean;
  /** The subject a topic's key or value schema is registered under. */
  subject(topic: string, role: 'key' | 'value'): string;
  /** Confluent's error code of a refusal the registry raised (40401, 409, 42201, …), or undefined for any other error. */
  errorCode(e: unknown): number | undefined;
}

export const schemaRules: SchemaRules = {
  // With the registry, a schema's references are resolved first (42201 when one names no registered version).
  problem: (s, registry) => schemaProblem(s, registry ? referencedSchemas(registry, s) : []),
  canonical: canonicalSchema,
  compatible,
  subject: subjectName,
  errorCode: (e) => (e instanceof SchemaRegistryError ? e.code : undefined),
};
