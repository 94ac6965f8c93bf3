// Whether a schema text parses as its type says, before a registry gives it an id: a schema
// that no serde could use must be refused at registration (Confluent's 42201), not at the first
// record that names it.

import avro from 'avsc';
import { parseProto, type ProtoImport } from '../serde/protobuf-schema.js';
import type { RegistrySchema } from './schema-registry.js';

/** Why `s` is not a valid schema of its type, or undefined when it is; `imports`: the files its references name. */
export function schemaProblem(s: RegistrySchema, imports: readonly ProtoImport[] = []): string | undefined {
  try {
    if (s.schemaType === 'AVRO') avro.Type.forSchema(JSON.parse(s.schema) as avro.Schema);
    else if (s.schemaType === 'PROTOBUF') {
      if (parseProto(s.schema, imports).messages.length === 0) return 'the .proto file defines no message';
    } else {
      const doc = JSON.parse(s.schema) as unknown;
      if (typeof doc !== 'object' && typeof doc !== 'boolean') return 'a JSON Schema is an object or a boolean';
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
