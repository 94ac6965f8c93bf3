// The schema-registry side of ksqlDB's test harness: a case's `topics` carry the key and value
// schemas registered before its statements run (under `<topic>-key` / `<topic>-value`); inputs
// are written with the subject's latest schema (the case's, or the one a CREATE registered), and
// outputs are read back through the schema their id names.

import type { FormatName, SourceDef } from '../planner/catalog.js';
import { Eddy, type SchemaRegistry, type SchemaType } from '../engine-api.js';
import { stringifyJson, toPlain, type Json } from '../util/lossless-json.js';
import { asNumber, asString } from './qtt-case.js';

const REGISTRY_FORMATS: ReadonlySet<string> = new Set(['AVRO', 'PROTOBUF', 'JSON_SR', 'PROTOBUF_NOSR']);

/** PROTOBUF_NOSR has no registry: its records go through the source's own serde, with the schema of its columns. */
function nosrSerde(def: SourceDef, role: 'key' | 'value') {
  const columns = def.columns.filter((c) => c.role === role).map((c) => ({ name: c.name, type: c.type }));
  return Eddy.formats.side('PROTOBUF_NOSR', columns, role);
}

function schemaTypeOf(format: string | undefined, schema: Json): SchemaType {
  const f = format?.toUpperCase();
  if (f === 'PROTOBUF' || f === 'PROTOBUF_NOSR') return 'PROTOBUF';
  if (f === 'JSON_SR' || f === 'JSON') return 'JSON';
  if (f === 'AVRO') return 'AVRO';
  if (typeof schema === 'string' && /\bmessage\s+\w+\s*\{|\bsyntax\s*=/.test(schema)) return 'PROTOBUF';
  if (schema !== null && typeof schema === 'object' && !Array.isArray(schema) && ('properties' in schema || '$schema' in schema || (schema as Record<string, Json>).type === 'object')) return 'JSON';
  return 'AVRO';
}

function schemaText(schema: Json, type: SchemaType): string {
  if (type === 'PROTOBUF' && typeof schema === 'string') return schema;
  return JSON.stringify(toPlain(schema));
}

/** A schema the harness registers under `<topic>-key` / `<topic>-value`, with the id the case gives it, if any. */
export interface HarnessSchema {
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly id?: number;
  /** The schemas it imports (`<role>SchemaReferences`: name, format, schema), each registered first under its name as subject. */
  readonly references?: readonly { readonly name: string; readonly schemaType: SchemaType; readonly schema: string }[];
}

export interface HarnessTopic {
  readonly name: string;
  readonly key?: HarnessSchema;
  readonly value?: HarnessSchema;
}

/** The topics a case's `topics` list, each with the key and value schemas it states. */
export function caseTopics(topics: readonly Json[] | undefined, caseFormat: string): HarnessTopic[] {
  const out: HarnessTopic[] = [];
  for (const t of topics ?? []) {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) continue;
    const topic = t as Record<string, Json>;
    const name = asString(topic.name);
    if (!name) continue;
    const schemas: { key?: HarnessSchema; value?: HarnessSchema } = {};
    for (const role of ['key', 'value'] as const) {
      const schema = topic[`${role}Schema`];
      if (schema === undefined || schema === null) continue;
      const type = schemaTypeOf(asString(topic[`${role}Format`]) ?? caseFormat, schema);
      const id = asNumber(topic[`${role}SchemaId`]);
      const refs = topic[`${role}SchemaReferences`];
      const references = (Array.isArray(refs) ? refs : []).flatMap((r) => {
        if (r === null || typeof r !== 'object' || Array.isArray(r)) return [];
        const ref = r as Record<string, Json>;
        const name = asString(ref.name);
        if (!name || ref.schema === undefined || ref.schema === null) return [];
        const refType = schemaTypeOf(asString(ref.format) ?? caseFormat, ref.schema);
        return [{ name, schemaType: refType, schema: schemaText(ref.schema, refType) }];
      });
      schemas[role] = { schemaType: type, schema: schemaText(schema, type), ...(id !== undefined ? { id } : {}), ...(references.length ? { references } : {}) };
    }
    out.push({ name, ...schemas });
  }
  return out;
}

/** Register topics' schemas in the order given, each topic's key before its value. */
export function registerTopics(registry: SchemaRegistry, topics: readonly HarnessTopic[]): void {
  for (const topic of topics) {
    for (const role of ['key', 'value'] as const) {
      const s = topic[role];
      if (!s) continue;
      try {
        // A reference's subject is its name (Confluent's default reference subject naming), at the version it got.
        const references = (s.references ?? []).map((r) => {
          registry.register(r.name, { schemaType: r.schemaType, schema: r.schema });
          return { name: r.name, subject: r.name, version: registry.latest(r.name)!.version };
        });
        registry.register(
          Eddy.schemaRules.subject(topic.name, role),
          { schemaType: s.schemaType, schema: s.schema, ...(references.length ? { references } : {}) },
          s.id !== undefined ? { id: s.id } : {},
        );
      } catch {
        // An unreadable schema is the case's business: the statements will say so.
      }
    }
  }
}

export function isRegistryFormat(f: FormatName): boolean {
  return REGISTRY_FORMATS.has(f);
}

/** A case's JSON key or value in the wire format of the subject's latest schema. */
export function encodeWithRegistry(registry: SchemaRegistry, def: SourceDef, role: 'key' | 'value', j: Json): Buffer {
  const format = role === 'key' ? def.keyFormat : def.valueFormat;
  if (format === 'PROTOBUF_NOSR') {
    return nosrSerde(def, role).encodeJson(j)!;
  }
  const t = Eddy.formats.registryJson(format)!;
  const schemaId = role === 'key' ? def.keySchemaId : def.valueSchemaId;
  const latest = schemaId !== undefined ? { id: schemaId, ...registry.byId(schemaId)! } : registry.latest(Eddy.schemaRules.subject(def.topic!, role));
  if (!latest) throw new Error(`no ${role} schema registered for topic ${def.topic}`);
  // As ksqlDB's harness writes inputs through the source's serde, the message SCHEMA_FULL_NAME names.
  const fullName = role === 'key' ? def.keySchemaFullName : def.valueSchemaFullName;
  return t.encode(j, latest.schema, latest.id, fullName, { registry, schema: latest });
}

export function decodeWithRegistry(registry: SchemaRegistry, def: SourceDef, role: 'key' | 'value', b: Buffer): Json {
  const format = role === 'key' ? def.keyFormat : def.valueFormat;
  try {
    if (format === 'PROTOBUF_NOSR') {
      return nosrSerde(def, role).decodeJson(b);
    }
    return Eddy.formats.registryJson(format)!.decode(b, registry);
  } catch (e) {
    return `<undecodable ${format}: ${(e as Error).message}; bytes ${stringifyJson(b.toString('hex'))}>`;
  }
}
