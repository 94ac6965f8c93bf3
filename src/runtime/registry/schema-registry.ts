// The schema registry Eddy's AVRO, PROTOBUF and JSON_SR serdes talk to: subjects with numbered
// versions of schemas, each schema with a global id (the id the Confluent wire format carries).
// Synchronous, because serdes run inside the engine's synchronous micro-batch.

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface RegistrySchema {
  readonly schemaType: SchemaType;
  /** The schema text: Avro JSON, a .proto file, or a JSON Schema document. */
  readonly schema: string;
  /** Other subjects' versions this schema uses (a .proto file's imports, by import name), as Confluent's references. */
  readonly references?: readonly SchemaReference[];
}

/** Confluent's schema reference: `name` is what the schema calls it (for Protobuf, the import path). */
export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface SubjectVersion extends RegistrySchema {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
}

/** Compatibility levels the registry enforces when a subject gets a new version. */
export type Compatibility = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL';

export class SchemaRegistryError extends Error {
  override readonly name = 'SchemaRegistryError';
  constructor(
    message: string,
    /** Confluent's error code (40401 subject not found, 409 incompatible, 42201 invalid schema, …). */
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * The registry could not be asked (unreachable, silent past the timeout, a server error): not a
 * fault of the record in hand, so a batch that meets it fails and retries, instead of sending
 * the record to the processing log as undecodable.
 */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

export interface SchemaRegistry {
  /**
   * The id of `schema` under `subject`, registering it as the subject's next version if new;
   * throws SchemaRegistryError (409) when incompatible. `id`: the id a new schema takes (as
   * Confluent's IMPORT mode allows), when no other schema has it.
   */
  register(subject: string, schema: RegistrySchema, opts?: { readonly id?: number }): number;
  latest(subject: string): SubjectVersion | undefined;
  version(subject: string, version: number): SubjectVersion | undefined;
  byId(id: number): RegistrySchema | undefined;
  subjects(): string[];
  versions(subject: string): number[];
  /** The subject's level, or the registry-wide default. */
  compatibility(subject?: string): Compatibility;
  /** The level set on the subject itself, without the registry-wide default (Confluent's GET /config/{subject}). */
  subjectCompatibility(subject: string): Compatibility | undefined;
  setCompatibility(level: Compatibility, subject?: string): void;
  /** Whether `schema` could be registered under `subject` now. */
  isCompatible(subject: string, schema: RegistrySchema): boolean;
  /**
   * Confluent's DELETE: soft (the versions leave every listing, their ids still resolve) or, after
   * a soft one, `permanent` (gone; an id no other version uses stops resolving). Returns the
   * versions deleted; throws SchemaRegistryError 40401 / 40405 (not soft-deleted first).
   */
  deleteSubject(subject: string, permanent: boolean): number[];
  /** One version likewise: 40401, 40402, 40407 (not soft-deleted first). */
  deleteVersion(subject: string, version: number, permanent: boolean): number;
  /** Let go of what the registry holds open (an external one's worker thread). */
  close?(): void;
}

/** `<topic>-key` / `<topic>-value`: Confluent's default TopicNameStrategy, which ksqlDB uses. */
export function subjectName(topic: string, role: 'key' | 'value'): string {
  return `${topic}-${role}`;
}
