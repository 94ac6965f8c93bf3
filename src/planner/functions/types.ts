// Contracts between the expression compiler and the function library. A function family is one
// file that exports definitions; function-table.ts collects them (the built-ins shared, user
// functions per engine). Resolution happens once at plan time (argument types → implementation +
// return type); the hot path only calls `fn`.

import type { SqlType } from '../../parser/sql-type.js';
import type { Value } from '../values.js';

/** What the compiler knows about an argument at plan time. */
export interface ArgInfo {
  /** null for an untyped NULL literal; for a lambda, its body's type. */
  readonly type: SqlType | null;
  /** Set when the argument is a literal (lets functions validate or precompute). */
  readonly constant?: Value;
  readonly isConstant: boolean;
  /** The argument as written, for messages (set by the planner for aggregate arguments). */
  readonly text?: string;
  /** Set when the argument is a lambda: at run time its value is a `LambdaValue`. */
  readonly lambda?: { readonly arity: number };
}

/** A lambda argument as a function receives it at run time, bound to the current record. */
export type LambdaValue = (...params: Value[]) => Value;

export interface ScalarImpl {
  readonly returnType: SqlType;
  /** Arguments arrive evaluated, in order; lambda arguments arrive as LambdaValue. */
  readonly fn: (args: readonly unknown[]) => Value;
  /**
   * By default any NULL argument makes the result NULL without calling fn (most ksqlDB UDFs
   * behave so). Functions that see NULLs themselves (COALESCE, IFNULL, CONCAT…) set this.
   */
  readonly nullTolerant?: boolean;
}

export interface ScalarFunction {
  readonly name: string;
  readonly category: 'string' | 'math' | 'datetime' | 'json' | 'collection' | 'lambda' | 'conditional' | 'conversion' | 'other';
  readonly description: string;
  /** Human-readable signatures for DESCRIBE FUNCTION and docs, e.g. 'SUBSTRING(str STRING, pos INT[, len INT]) → STRING'. */
  readonly signatures: readonly string[];
  /** The name ksqlDB's error messages quote, when it is not the lower-case name (ksqlDB declares most built-ins in lower case). */
  readonly declaredAs?: string;
  /** Pick an implementation for these arguments, or throw an Error whose message is shown to the user. */
  resolve(args: readonly ArgInfo[]): ScalarImpl;
  /** For higher-order functions: the parameter types of the lambda at `lambdaIndex`, given the other arguments' types. */
  lambdaParamTypes?(args: readonly (SqlType | null)[], lambdaIndex: number): SqlType[];
}

// ---------------------------------------------------------------- aggregates (UDAFs)

export interface AggregateImpl<S = unknown> {
  readonly returnType: SqlType;
  /** Type of the state, for DESCRIBE/EXPLAIN only. */
  readonly stateDescription?: string;
  /**
   * The kind of ksqlDB's intermediate (state) type when it is not a primitive: a query whose
   * aggregation format cannot hold it (DELIMITED, KAFKA) is rejected, as in ksqlDB.
   */
  readonly intermediate?: 'STRUCT' | 'ARRAY' | 'MAP';
  init(): S;
  /** Fold one row's argument values (only the non-constant ones, in order) into the state. */
  add(state: S, args: readonly Value[]): S;
  /** Remove a row's contribution: needed when aggregating a table (a changed or deleted row). */
  undo?(state: S, args: readonly Value[]): S;
  /** Combine two states: session windows merge when a record bridges them. */
  merge?(a: S, b: S): S;
  result(state: S): Value;
  /** State ↔ JSON-compatible value, to persist in the state store. */
  serialize(state: S): unknown;
  deserialize(data: unknown): S;
}

/** Session settings some functions read (ksqlDB's ksql.functions.* properties). */
export interface FunctionSettings {
  readonly properties: ReadonlyMap<string, string>;
  /** Where a failing row goes (the query's processing log); user aggregates report through it. */
  readonly onError?: (message: string) => void;
}

export interface AggregateFunction {
  readonly name: string;
  readonly description: string;
  readonly signatures: readonly string[];
  /**
   * args: every argument as written. ksqlDB UDAFs take columns first and literal parameters
   * after (TOPK(col, 3)); constant ones carry `constant`.
   */
  resolve(args: readonly ArgInfo[], settings?: FunctionSettings): AggregateImpl;
}

// ---------------------------------------------------------------- table functions (UDTFs)

export interface TableFunctionImpl {
  readonly returnType: SqlType;
  /** One input row's argument values → the values of the rows it becomes. */
  readonly fn: (args: readonly Value[]) => Value[];
}

export interface TableFunction {
  readonly name: string;
  readonly description: string;
  readonly signatures: readonly string[];
  /** settings.onError: where a user table function's failing record goes (the processing log). */
  resolve(args: readonly ArgInfo[], settings?: FunctionSettings): TableFunctionImpl;
}
