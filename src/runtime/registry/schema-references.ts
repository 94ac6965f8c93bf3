// A schema's references, followed: the texts of the schemas it imports (and they import), each
// under the name the importing schema uses, dependencies before the schemas that need them — what
// a Protobuf parse must see before the file itself. Confluent's rule: a reference is a subject and
// version registered before the schema naming it.

import { SchemaRegistryError, type RegistrySchema, type SchemaRegistry } from './schema-registry.js';

export interface ReferencedSchema {
  /** The name the importing schema uses (a Protobuf import path). */
  readonly name: string;
  readonly schema: string;
}

/** Throws SchemaRegistryError 42201 when a reference names no registered version. */
export function referencedSchemas(registry: SchemaRegistry, s: RegistrySchema): ReferencedSchema[] {
  const out: ReferencedSchema[] = [];
  const seen = new Set<string>();
  const visit = (refs: RegistrySchema['references'], depth: number): void => {
    if (depth > 32) throw new SchemaRegistryError('Schema references nest deeper than 32 (a cycle?)', 42201);
    for (const r of refs ?? []) {
      const key = `${r.subject}\u0000${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const found = registry.version(r.subject, r.version);
      if (!found) throw new SchemaRegistryError(`Invalid schema: reference '${r.name}' names subject '${r.subject}' version ${r.version}, which is not registered`, 42201);
      visit(found.references, depth + 1);
      out.push({ name: r.name, schema: found.schema });
    }
  };
  visit(s.references, 0);
  return out;
}
