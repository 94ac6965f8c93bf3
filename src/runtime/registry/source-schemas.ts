// The registry's part in DDL, as ksqlDB's schema injectors do it: CREATE without columns reads
// them from the topic's latest registered schema; CREATE with columns registers their schema when
// the subject has none; CREATE … AS SELECT registers its sink's schemas (and fails when the
// registry refuses them as incompatible).

import type { SourceDef } from '../../planner/catalog.js';
import type { InferRequest } from '../../planner/plan-ddl.js';
import { schemaTranslator } from '../serde/schema-translators.js';
import { subjectName, type SchemaRegistry } from './schema-registry.js';
import { referencedSchemas } from './schema-references.js';
import type { ColumnSchema } from '../serde/serde-types.js';

export function inferFromRegistry(registry: SchemaRegistry, req: InferRequest): ColumnSchema[] | undefined {
  const t = schemaTranslator(req.format);
  if (!t) return undefined;
  const found = req.schemaId !== undefined ? registry.byId(req.schemaId) : registry.latest(subjectName(req.topic, req.role));
  if (!found) return undefined;
  if (found.schemaType !== t.schemaType) throw new Error(`The ${req.role} schema of topic '${req.topic}' is ${found.schemaType}, not ${t.schemaType} as format ${req.format} needs`);
  // ksqlDB translates a schema named by id with its ORIGINAL_FIELD_NAME policy (names as written),
  // a subject's latest with its default (upper case).
  return t.toColumns(found.schema, req.role, req.unwrapped, req.schemaId !== undefined, req.schemaFullName, referencedSchemas(registry, found));
}

/** Register `def`'s key and value schemas; `always` for a sink, else only where the subject has none. */
export function registerSourceSchemas(registry: SchemaRegistry, def: SourceDef, always: boolean): void {
  if (!def.topic) return;
  for (const role of ['key', 'value'] as const) {
    const format = role === 'key' ? def.keyFormat : def.valueFormat;
    const t = schemaTranslator(format);
    const schemaId = role === 'key' ? def.keySchemaId : def.valueSchemaId;
    const columns = def.columns.filter((c) => c.role === role).map((c) => ({ name: c.name, type: c.type }));
    if (!t || schemaId !== undefined || columns.length === 0) continue;
    const subject = subjectName(def.topic, role);
    if (!always && registry.latest(subject)) continue;
    const fullName = role === 'key' ? def.keySchemaFullName : def.valueSchemaFullName;
    const schema = t.fromColumns(columns, {
      role,
      sourceName: def.name,
      ...(role === 'value' && def.wrapSingleValue !== undefined ? { wrapSingleValue: def.wrapSingleValue } : {}),
      ...(fullName ? { schemaFullName: fullName } : {}),
      ...((role === 'key' ? def.keyProtobufWrappers : def.valueProtobufWrappers) ? { protobufWrappers: true } : {}),
    });
    try {
      registry.register(subject, { schemaType: t.schemaType, schema });
    } catch (e) {
      throw new Error(`Could not register schema for topic: ${(e as Error).message}`);
    }
  }
}
