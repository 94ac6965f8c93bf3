// The engine's public surface: everything the shell, server, cli, conformance runner and
// benchmarks may use of the runtime, in one list. They import from here, never from a file under
// runtime/, so the runtime can change anything not named here; `test/engine/public-surface.test.ts`
// fails on a surface file that imports the runtime directly. The package's own API (src/index.ts)
// is a subset of this one.

// The facade: open, execute, query, insert, produce, progress, describe (sources, queries,
// topics, properties, processing log), close; and what its calls return.
export { Eddy, type EddyOptions, type ScriptStep, type TopicSummary, type QueryView } from './runtime/engine.js';
export type { BatchHistogram, ExternalSinkView } from './runtime/query-view.js';
export type { StatementResult, ColumnHeader } from './runtime/results.js';
export { PushQuery, type PushRow } from './runtime/push-query.js';
export type { PullCursor } from './runtime/statements/select.js';
export type { CopyOptions, CopyProgress } from './runtime/statements/copy.js';
export type { QueryProgress } from './runtime/query-metrics.js';
export type { ProcessingLogEntry } from './runtime/processing-log.js';
export type { AppendRecord, LogRecord } from './runtime/log/index.js';

// Options of Eddy.open that name other components.
export type { KafkaOptions } from './runtime/log/kafka-log.js';
export { DEFAULT_REGISTRY_TIMEOUT_MS, type HttpRegistryOptions } from './runtime/registry/http-registry.js';
export type { AccessPolicy } from './runtime/external-access.js';

// The schema registry (`eddy.schemaRegistry`) and the rules its REST API (server/http) applies.
export { SchemaRegistryError, subjectName, type Compatibility, type RegistrySchema, type SchemaRegistry, type SchemaType, type SubjectVersion } from './runtime/registry/schema-registry.js';
export { referencedSchemas } from './runtime/registry/schema-references.js';
export type { SchemaReference } from './runtime/registry/schema-registry.js';
export { canonicalSchema, compatible } from './runtime/registry/compatibility.js';
export { schemaProblem } from './runtime/registry/schema-validation.js';

// Record formats, for clients that write or read a source's topic themselves (the conformance
// runner writes inputs through a source's serde, as ksqlDB's test harness does; the line
// protocol reads JSON rows as a column's type).
export { createSerde, valueToJson } from './runtime/serde/index.js';
export { rowFromJson } from './runtime/serde/avro.js';
export { schemaTranslator } from './runtime/serde/schema-translators.js';
export { jsonToValue } from './runtime/serde/json-coercion.js';
export { recordCodec, type RecordCodec } from './runtime/record-codec.js';

// COPY's per-line rules, for a protocol that streams the data itself (pgwire's COPY FROM STDIN).
export { copiedMessage, copyLine, copySerde, copyWrite } from './runtime/statements/copy.js';

// The Nexmark generator: the benchmarks' data, as `CREATE STREAM … WITH (connector='nexmark')` reads it.
export { DEFAULT_CONFIG, NexmarkGenerator, type Auction, type Bid, type GeneratorConfig, type NexmarkEvent, type Person } from './runtime/connectors/nexmark-generator.js';
