// Whether a new schema may follow a subject's earlier ones, by the subject's compatibility level.
// Avro is checked with avsc's schema resolution (the reader/writer rules of the Avro spec);
// Protobuf and JSON Schema versions are accepted as they come (Eddy does not judge them yet).

import avro from 'avsc';
import type { Compatibility, RegistrySchema } from './schema-registry.js';

function canRead(reader: RegistrySchema, writer: RegistrySchema): boolean {
  try {
    const r = avro.Type.forSchema(JSON.parse(reader.schema) as avro.Schema);
    const w = avro.Type.forSchema(JSON.parse(writer.schema) as avro.Schema);
    r.createResolver(w);
    return true;
  } catch {
    return false;
  }
}

/** `earlier` oldest first; true when `next` may be registered after them at `level`. */
export function compatible(level: Compatibility, next: RegistrySchema, earlier: readonly RegistrySchema[]): boolean {
  if (level === 'NONE' || earlier.length === 0 || next.schemaType !== 'AVRO') return true;
  const against = level === 'BACKWARD_TRANSITIVE' ? earlier : earlier.slice(-1);
  return against.every((old) => old.schemaType !== 'AVRO' || ((level === 'FORWARD' || canRead(next, old)) && (level === 'BACKWARD' || level === 'BACKWARD_TRANSITIVE' || canRead(old, next))));
}

/** One text per meaning, so re-registering an equal schema finds its id. */
export function canonicalSchema(s: RegistrySchema): string {
  if (s.schemaType === 'PROTOBUF') return s.schema.trim();
  try {
    return JSON.stringify(JSON.parse(s.schema));
  } catch {
    return s.schema;
  }
}
