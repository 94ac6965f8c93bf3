// What an expression can see: the planner builds a Scope for each place an expression is
// compiled (a source's columns, a join's two sides, an aggregate's output) and the expression
// compiler asks it to resolve names. Keeping this an interface lets the compiler stay ignorant
// of catalogs, joins and aggregation. Function names resolve through the scope's function table:
// the engine's own (built-ins and its user functions), the same for every scope of one query.

import type { ColumnRef, Expr } from '../parser/ast.js';
import type { SqlType } from '../parser/sql-type.js';
import type { FunctionTable } from './functions/function-table.js';
import type { Rec } from './record.js';
import type { Value } from './values.js';

/** A resolved reference: its type and how to read it from a record. */
export interface Binding {
  readonly type: SqlType;
  readonly read: (r: Rec) => Value;
  /** Column index in Rec.cols when the binding is a plain column (lets operators skip closures). */
  readonly index?: number;
}

export interface Scope {
  /** The functions a call may name: the planning engine's table. */
  readonly functions: FunctionTable;
  /** Resolve `name` / `source.name`; throw SqlError (with ref.loc) when unknown or ambiguous. */
  resolveColumn(ref: ColumnRef): Binding;
  /**
   * Optional hook consulted before compiling any sub-expression: an aggregation's output scope
   * maps GROUP BY expressions and aggregate calls to the slots that hold their values.
   */
  bindExpression?(expr: Expr): Binding | undefined;
  /** When false, an aggregate call found while compiling is an error ("aggregate misuse"). */
  readonly allowAggregates?: boolean;
}

/** Where evaluation errors go: ksqlDB turns a failing function call into NULL and logs it. */
export interface EvalErrorSink {
  (message: string): void;
}
