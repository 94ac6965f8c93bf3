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

// The schema registry (`eddy.schemaRegistry`); its rules are `Eddy.schemaRules`, record formats
// `Eddy.formats` (runtime/record-formats-api.ts), COPY's per-line rules `eddy.copyLoader`.
export type { Compatibility, RegistrySchema, SchemaReference, SchemaRegistry, SchemaType, SubjectVersion } from './runtime/registry/schema-registry.js';
export type { RecordFormats, RecordSide, RegistryJson, SchemaRules } from './runtime/record-formats-api.js';
export type { RecordCodec } from './runtime/record-codec.js';
export type { CopyLoader } from './runtime/statements/copy.js';

// The Nexmark generator: the benchmarks' data, as `CREATE STREAM … WITH (connector='nexmark')` reads it.
export { DEFAULT_CONFIG, NexmarkGenerator, type Auction, type Bid, type GeneratorConfig, type NexmarkEvent, type Person } from './runtime/connectors/nexmark-generator.js';
