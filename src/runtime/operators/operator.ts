// The operator contract: records are pushed downstream one at a time within a micro-batch
// (no per-batch arrays on the hot path); `endBatch` lets stateful operators act once per batch
// (EMIT FINAL, buffered outputs).

import type { SourceDef } from '../../planner/catalog.js';
import type { Rec, WindowBounds } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import type { StateStore } from '../state/state-store.js';

export type Emit = (r: Rec) => void;

export interface OperatorEnv {
  /** A named, persisted key/value store owned by this query. */
  store<V>(name: string, encode: (v: V) => unknown, decode: (j: unknown) => V): StateStore<V>;
  /** The same for values that are JSON text already (stored verbatim). */
  textStore(name: string): StateStore<string>;
  /** Record a per-record problem in the processing log; the query goes on. */
  logError(reason: string, rec?: Rec): void;
  /** Count a record dropped as late (past the window's grace period). */
  countLate(): void;
  /**
   * Join a batch's keys with a static table (a SQLite table with no topic) as one SQL join over
   * the batch registered as `temp.batch_<stream>`: the matched row per key, in order.
   */
  staticJoin(source: SourceDef, stream: string): (keys: readonly Value[]) => (Value[] | undefined)[];
  /** A CTAS's pull store, where a windowed aggregation keeps its state (persistent CTAS only). */
  windowRows?: WindowRows;
  /** Where `store` and `textStore` keep their state, as EXPLAIN says it (default: 'memory'). */
  readonly stateHome?: string;
  /**
   * Rows of state the operator holds outside its stores (a windowed aggregate's open windows kept
   * in a CTAS's pull-store rows), counted into the query's state rows with its stores' sizes.
   */
  countState?(rows: () => number): void;
}

/** Windowed aggregation state kept in the rows of the table it produces (runtime/pull-store.ts). */
export interface WindowRows {
  /** Where these rows live, as EXPLAIN says it. */
  readonly home: string;
  /** The persisted (group, window) entries of windows still open (end + grace > stream time), with their window. */
  load(grace: number, streamTime: number): [unknown, WindowBounds][];
  /** Write this entry's state (its JSON text) with the batch. */
  stage(key: readonly Value[], window: WindowBounds, stateJson: string): void;
}

/**
 * One built operator, as EXPLAIN and EXPLAIN ANALYZE print it. The pipeline builder makes it in
 * the very place it chooses the operator, so the picture cannot drift from what runs.
 */
export interface OperatorInfo {
  readonly name: string;
  readonly detail: string;
  /** The state the operator opened when built (its stores, and where they live); empty when it keeps none. */
  readonly state: readonly string[];
  /** The operators that feed it (a join has two). */
  readonly inputs: readonly OperatorInfo[];
  /** Its live record counts since it was built (operator-counts.ts): what /metrics and the console show per operator. */
  readonly counts: OperatorCounts;
}

/**
 * Records through one built operator since it was built. Only what cannot be derived is counted:
 * `recordsOut` on the edge to its consumer; `recordsIn` only at a pipeline entry (a source, the
 * single row); an inner operator's input is the sum of its inputs' output (recordsInOf).
 */
export interface OperatorCounts {
  recordsIn: number;
  recordsOut: number;
}

export interface BuiltPipeline {
  /** The operator tree, its sink at the root. */
  readonly tree: OperatorInfo;
  /** Entry point per source node (by alias): decoded records go in here. */
  readonly entries: Map<string, Emit>;
  /** Called after each batch, upstream first. */
  readonly endBatch: (() => void)[];
  /** Called when the batch's transaction commits (state flush). */
  readonly flush: (() => void)[];
  /** Whether an operator has a processing-time timer due: then a batch runs even without input. */
  readonly timersDue: (() => boolean)[];
}
