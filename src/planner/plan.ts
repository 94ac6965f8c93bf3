// The micro-batch operator plan. Each node carries its compiled expressions (closures ready for
// the hot path) and the text they came from, so EXPLAIN is drawn from the very objects that run.

import type { WindowSpec, JoinType } from '../parser/ast.js';
import type { SqlType } from '../parser/sql-type.js';
import type { ColumnDef, SourceDef } from './catalog.js';
import type { AggregateImpl, TableFunctionImpl } from './functions/types.js';
import type { StateFunctionImpl } from './functions/user-state-functions.js';
import type { Rec } from './record.js';
import type { Value } from './values.js';

export interface CompiledExpr {
  readonly text: string;
  readonly type: SqlType;
  readonly eval: (r: Rec) => Value;
}

/** Columns of the records a node emits, aligned with Rec.cols. */
export interface Schema {
  readonly columns: readonly ColumnDef[];
  /** Records are table changes (upsert/delete by key) rather than stream events. */
  readonly isTable: boolean;
  readonly windowed?: { readonly kind: 'TUMBLING' | 'HOPPING' | 'SESSION'; readonly sizeMs?: number };
}

export interface SourceNode {
  readonly kind: 'Source';
  readonly source: SourceDef;
  readonly alias: string;
  readonly schema: Schema;
  /** Event time read from a column instead of the record timestamp. */
  readonly timestamp?: CompiledExpr;
  /** A pull query over a static table that fixes its whole primary key reads this one key through the index (static-key-lookup.ts). */
  readonly keyLookup?: readonly Value[];
  /**
   * The columns (indexes into source.columns) the query reads, when it reads fewer than all and
   * its records are not kept whole in state (source-reads.ts): the source's decoder may leave the
   * others null. Absent: every column.
   */
  readonly reads?: readonly number[];
}

/**
 * (Eddy) The relation of a SELECT without FROM: one row of no columns, read once (PostgreSQL's
 * Result node), so `SELECT 1 + 2` is a projection over it and WHERE and aggregates apply as usual.
 */
export interface SingleRowNode {
  readonly kind: 'SingleRow';
  readonly schema: Schema;
}

/** The pipeline entry a SingleRow node is fed through (sources are fed by their alias). */
export const SINGLE_ROW_ENTRY = '(single row)';

export interface FilterNode {
  readonly kind: 'Filter';
  readonly input: PlanNode;
  readonly predicate: CompiledExpr;
  readonly schema: Schema;
}

export interface ProjectNode {
  readonly kind: 'Project';
  readonly input: PlanNode;
  readonly exprs: readonly CompiledExpr[];
  /** The output key columns are the input's, unchanged (so a record without a key keeps none). */
  readonly keyPassThrough?: boolean;
  readonly schema: Schema;
}

/** Table functions (EXPLODE…) in the SELECT: one input row becomes several. */
export interface FlatMapNode {
  readonly kind: 'FlatMap';
  readonly input: PlanNode;
  /** Plain expressions evaluated once per input row, then repeated on every output row. */
  readonly exprs: readonly (CompiledExpr | { readonly tableFunction: TableFunctionImpl; readonly args: readonly CompiledExpr[]; readonly text: string })[];
  readonly schema: Schema;
}

export interface AggregateCall {
  readonly text: string;
  readonly impl: AggregateImpl;
  /** The non-constant arguments, evaluated per input row. */
  readonly args: readonly CompiledExpr[];
}

/**
 * GROUP BY (+ WINDOW): output records are keyed by the group-by values (and window) with the
 * group-by values, then the aggregate results, as columns.
 */
export interface AggregateNode {
  readonly kind: 'Aggregate';
  readonly input: PlanNode;
  readonly groupBy: readonly CompiledExpr[];
  readonly aggregates: readonly AggregateCall[];
  readonly window?: WindowSpec;
  readonly emitFinal: boolean;
  /**
   * GROUP BY is not exactly the input source's key: a group's records may lie in any input
   * partition, so ksqlDB repartitions by the group first. Eddy has no repartition topics yet: one
   * server reads every partition and is right; servers sharing the partitions would not be.
   */
  readonly repartition?: boolean;
  /** Columns: group-by values (keys), then one per aggregate call. */
  readonly schema: Schema;
}

/**
 * (Eddy) A per-key state function over a stream grouped by key (Spark's flatMapGroupsWithState):
 * each record, and each key's timeout, is one call of the function with the key's state.
 * `emits` is what the node's records are: 'rows' — the rows the calls return (a stream keyed by
 * the group), or 'state' — each key's state after each call (a table; removal is a tombstone).
 */
export interface GroupStateNode {
  readonly kind: 'GroupState';
  readonly input: PlanNode;
  readonly groupBy: readonly CompiledExpr[];
  readonly call: { readonly text: string; readonly impl: StateFunctionImpl; readonly args: readonly CompiledExpr[] };
  readonly emits: 'rows' | 'state';
  /** As AggregateNode.repartition: the group is not the input's key. */
  readonly repartition?: boolean;
  /** Columns: group-by values (keys), then the row (emits 'rows') or the state (emits 'state'). */
  readonly schema: Schema;
}

export interface JoinNode {
  readonly kind: 'Join';
  readonly joinType: JoinType;
  /** stream-stream (windowed), stream-table, table-table (primary key), table-table (foreign key) */
  readonly variant: 'StreamStream' | 'StreamTable' | 'TableTable' | 'ForeignKey';
  readonly left: PlanNode;
  readonly right: PlanNode;
  /** Join key on each side (equality). */
  readonly leftKey: CompiledExpr;
  readonly rightKey: CompiledExpr;
  readonly within?: { readonly beforeMs: number; readonly afterMs: number; readonly graceMs?: number };
  readonly text: string;
  /** A side is not joined on its key (or a foreign-key join): the inputs are not co-partitioned, and ksqlDB repartitions (see AggregateNode.repartition). */
  readonly repartition?: boolean;
  /** Columns: left's then right's, named alias_column. */
  readonly schema: Schema;
}

export type PlanNode = SourceNode | SingleRowNode | FilterNode | ProjectNode | FlatMapNode | AggregateNode | GroupStateNode | JoinNode;

export type SinkSpec =
  /** CSAS/CTAS/INSERT INTO: write to a source's topic (and its materialised table). */
  | { readonly kind: 'Source'; readonly target: SourceDef; readonly timestamp?: CompiledExpr }
  /** A transient push query: rows go to a subscriber. */
  | { readonly kind: 'Push'; readonly limit?: number };

export interface QueryPlan {
  readonly id: string;
  readonly sql: string;
  readonly root: PlanNode;
  readonly sink: SinkSpec;
  /** Output column names and types as the user sees them. */
  readonly output: Schema;
}

export function inputsOf(n: PlanNode): PlanNode[] {
  switch (n.kind) {
    case 'Source':
    case 'SingleRow':
      return [];
    case 'Join':
      return [n.left, n.right];
    default:
      return [n.input];
  }
}

export function sourcesOf(n: PlanNode): SourceNode[] {
  return n.kind === 'Source' ? [n] : inputsOf(n).flatMap(sourcesOf);
}

export function columnIndex(schema: Schema, name: string): number {
  return schema.columns.findIndex((c) => c.name === name);
}
