// What statement handlers and connectors may ask of the engine: a narrow interface that `Eddy`
// (engine.ts) implements, so nothing under runtime imports the engine facade, and the engine can
// import its handlers without an import circle.

import type { ConnectorFactory } from './connectors/connector.js';
import type { SourceDef } from '../planner/catalog.js';
import type { ErrorRoute } from '../planner/compile.js';
import type { QueryPlan } from '../planner/plan.js';
import type { EngineState } from './engine-state.js';
import type { ExternalAccess } from './external-access.js';

/** What a connector's host gives it: storage to append to and a nudge to run a cycle. */
export interface ConnectorHost {
  readonly state: Pick<EngineState, 'db' | 'log' | 'processingLog' | 'registry'>;
  /** What statements and connectors may reach outside the engine (files, connections). */
  readonly access: ExternalAccess;
  /** New input arrived: run a cycle soon rather than at the next tick. */
  wake(): void;
  /** This engine's own connectors by kind (they take precedence over the process's registerConnector). */
  readonly connectors?: ReadonlyMap<string, ConnectorFactory>;
}

/** What statement handlers see of the engine. */
export interface Engine extends ConnectorHost {
  readonly state: EngineState;
  /** Time budget of each pull query, if any. */
  readonly pullTimeoutMs: number | undefined;
  /** Record a catalog change so a restart can replay it. */
  recordCommand(sql: string, queryId?: string): void;
  /** Run `action` once the catalog change under way has committed (at once outside one); dropped if it rolls back. */
  afterCommit(action: () => void): void;
  setProperty(name: string, value: string): void;
  startPersistent(plan: QueryPlan, errors: ErrorRoute, materialize: SourceDef | undefined): void;
  /** Keep a changelog table's pull-query store current. */
  startMaterializer(def: SourceDef): void;
  stopMaterializer(name: string): void;
  startConnector(def: SourceDef): void;
  stopConnector(name: string): void;
  /** Stop a running query but keep its state and offsets (CREATE OR REPLACE resumes from them). */
  stopQuery(id: string): boolean;
  /** Stop a query for good: its state and offsets go with it. */
  terminate(id: string): void;
  /** Start the trigger if this instance runs itself. */
  ensureRunning(): void;
}
