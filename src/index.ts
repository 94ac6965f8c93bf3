// Public API of the eddy package.
export {
  Eddy,
  PushQuery,
  type EddyOptions,
  type KafkaOptions,
  type HttpRegistryOptions,
  type StatementResult,
  type ColumnHeader,
  type PushRow,
  type QueryProgress,
  type ProcessingLogEntry,
} from './engine-api.js';
export { SqlError } from './parser/errors.js';
export { Decimal, type Value } from './planner/values.js';
export { EddyServer, type ServerOptions } from './server/server.js';
export { EddyClient, EddyError, type ClientResult, type ClientTlsOptions, type ConnectOptions, type RemoteQuery } from './server/client.js';
export type { FunctionSpec, AggregateSpec, TableFunctionSpec, StateFunctionSpec, StateAnswer, StateGroup, StateRecordOf, ParamSpec, JsOf, ArgsOf } from './runtime/user-function-api.js';
export { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './runtime/sandbox/function-sandbox.js';
export type { BatchRow, ForeachBatchHandle, ForeachBatchOptions } from './runtime/foreach-batch.js';
export type { SourceFromHandle, SourceFromOptions } from './runtime/iterable-source.js';
export { registerConnector } from './runtime/connectors/index.js';
export type { Connector, ConnectorContext, ConnectorFactory, ConnectorRow } from './runtime/connectors/connector.js';
export type { SourceDef, ColumnDef } from './planner/catalog.js';
