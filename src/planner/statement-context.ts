// What the planner may know of the engine beyond its catalog, to decide whether a statement means
// anything: the topics there are, the queries that run, whether functions may be defined. The
// runtime hands these in as read-only facts (runtime/statements/context.ts); the planner never
// reaches into the runtime for them.

import type { PersistentPlanContext } from './plan-persistent.js';
import type { QueryPlan } from './plan.js';

export interface TopicFacts {
  readonly name: string;
  readonly partitions: number;
}

/** A running persistent query (or a source table's materialiser, `internal`). */
export interface QueryFacts {
  readonly id: string;
  readonly sql: string;
  readonly plan: QueryPlan;
  readonly sink?: string;
  readonly sources: readonly string[];
  readonly internal: boolean;
}

export interface StatementContext extends PersistentPlanContext {
  readonly queries: ReadonlyMap<string, QueryFacts>;
  /** The ids of the running push queries (EXPLAIN and TERMINATE name them too). */
  pushQueryIds(): readonly string[];
  /** A topic by its exact name. */
  topic(name: string): TopicFacts | undefined;
  topics(): readonly TopicFacts[];
  /** Replaying the command log: what ran before is replayed as it ran. */
  readonly replaying: boolean;
  /** Statements come from network clients (a server), not the engine's own user. */
  readonly confined: boolean;
  /** A confined engine's operator allowed CREATE FUNCTION (bodies then run sandboxed). */
  readonly functionsAllowed: boolean;
}

/** A statement that, as written, has nothing to do (IF [NOT] EXISTS): its message is the answer. */
export interface NothingToDo {
  readonly kind: 'Nothing';
  readonly message: string;
}

export function nothing(message: string): NothingToDo {
  return { kind: 'Nothing', message };
}
