// What the registry-backed serdes (AVRO, PROTOBUF, JSON_SR) share: the registry to use, the
// subject their schemas live under, and which schema they write.

import type { SchemaRegistry, RegistrySchema } from '../registry/schema-registry.js';
import { subjectName } from '../registry/schema-registry.js';
import { DecodeError } from './json-coercion.js';

export interface RegistryContext {
  readonly registry?: SchemaRegistry;
  /** The topic: schemas live under `<topic>-key` / `<topic>-value`. */
  readonly topic?: string;
  /** The source's name, for a key schema's default name. */
  readonly sourceName?: string;
  /** KEY_SCHEMA_ID / VALUE_SCHEMA_ID: write with this registered schema instead of a generated one. */
  readonly schemaId?: number;
  /** KEY_SCHEMA_FULL_NAME / VALUE_SCHEMA_FULL_NAME. */
  readonly schemaFullName?: string;
  /** PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER': generated schemas wrap primitives, so NULL survives. */
  readonly protobufWrappers?: boolean;
}

export function needRegistry(ctx: RegistryContext, format: string): SchemaRegistry {
  if (!ctx.registry) throw new Error(`The '${format}' format needs a schema registry, and none is configured here.`);
  return ctx.registry;
}

/** The registered schema of an id a record carries, or ksqlDB's error when there is none. */
export function writerSchema(registry: SchemaRegistry, id: number, format: string): RegistrySchema {
  const s = registry.byId(id);
  if (!s) throw new DecodeError(`Error retrieving ${format} schema for id ${id}: Schema ${id} not found; error code: 40403`);
  return s;
}

/**
 * The id to write with: SCHEMA_ID's, or the generated schema's, registered under the subject on
 * first use (a persistent query has registered it already when it was created).
 */
export function writeId(ctx: RegistryContext, role: 'key' | 'value', schema: () => RegistrySchema, format: string): () => number {
  let id = ctx.schemaId;
  return () => {
    if (id !== undefined) return id;
    const registry = needRegistry(ctx, format);
    id = registry.register(subjectName(ctx.topic ?? 'unknown', role), schema());
    return id;
  };
}
