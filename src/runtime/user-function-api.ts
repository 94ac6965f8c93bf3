// The library's typed face for user functions: Eddy.registerFunction / registerAggregate /
// registerTableFunction take SQL type names as literal strings, and TypeScript infers the
// JavaScript types the function receives and returns from them (INT → number, STRING → string, …). A NULL argument arrives as
// null unless the function is declared nullInput: 'returnNull' (user-functions.ts has the rule).

import type { Decimal, Struct, Value } from '../planner/values.js';

/** The JavaScript type a value of SQL type `T` arrives as (and a function returns for it). */
export type JsOf<T extends string> =
  Uppercase<T> extends 'INT' | 'INTEGER' | 'DOUBLE'
    ? number
    : Uppercase<T> extends 'BIGINT'
      ? number | bigint
      : Uppercase<T> extends 'STRING' | 'VARCHAR'
        ? string
        : Uppercase<T> extends 'BOOLEAN'
          ? boolean
          : Uppercase<T> extends `DECIMAL${string}`
            ? Decimal
            : Uppercase<T> extends `ARRAY<${string}`
              ? Value[]
              : Uppercase<T> extends `STRUCT<${string}`
                ? Struct
                : Value;

export interface ParamSpec {
  readonly name: string;
  /** A SQL type as written in DDL: 'INT', 'DOUBLE', 'STRING', 'ARRAY<INT>', 'DECIMAL(10, 2)', … */
  readonly type: string;
}

export type ArgsOf<P extends readonly ParamSpec[]> = { -readonly [K in keyof P]: P[K] extends ParamSpec ? JsOf<P[K]['type']> | null : never };

export interface FunctionSpec<P extends readonly ParamSpec[], R extends string> {
  readonly name: string;
  readonly params: P;
  readonly returns: R;
  readonly description?: string;
  /** 'call' (default): NULL arguments reach the function. 'returnNull': any NULL argument gives NULL without a call. */
  readonly nullInput?: 'call' | 'returnNull';
  readonly fn: (...args: ArgsOf<P>) => JsOf<R> | null | undefined;
}

/**
 * A user aggregate (ksqlDB's UDAF): `initialize` gives the empty state, `aggregate` folds one
 * row into it, `merge` joins two states (session windows need it), `map` turns the state into
 * the result (default: the state itself). The state must survive JSON.stringify/parse: it is
 * stored with the batch's state and offsets, in the same transaction.
 */
export interface AggregateSpec<P extends readonly ParamSpec[], R extends string, S> {
  readonly name: string;
  readonly params: P;
  readonly returns: R;
  readonly description?: string;
  readonly initialize: () => S;
  readonly aggregate: (args: ArgsOf<P>, state: S) => S;
  readonly merge?: (a: S, b: S) => S;
  readonly map?: (state: S) => JsOf<R> | null;
}

/**
 * A user table function (UDTF), used where ksqlDB's EXPLODE is (on its own in the SELECT list of
 * a stream query): one input row becomes the rows `fn` gives — an array, a Set, a generator (any
 * iterable), or null for none. `returns` is the type of one row: `'STRING'`, or
 * `'STRUCT<WORD STRING, POS INT>'` for rows of several fields (then `fn` gives plain objects).
 */
export interface TableFunctionSpec<P extends readonly ParamSpec[], R extends string> {
  readonly name: string;
  readonly params: P;
  readonly returns: R;
  readonly description?: string;
  /** 'call' (default): NULL arguments reach the function. 'returnNull': a NULL argument gives no rows without a call. */
  readonly nullInput?: 'call' | 'returnNull';
  readonly fn: (...args: ArgsOf<P>) => Iterable<JsOf<R> | null> | null | undefined;
}

/** One record a state function receives: its arguments by (upper-case) parameter name, and ROWTIME. */
export type StateRecordOf<P extends readonly ParamSpec[]> = { [Q in P[number] as Uppercase<Q['name']>]: JsOf<Q['type']> | null } & { readonly ROWTIME: number };

/** What a state function's call knows beside the state and records. */
export interface StateGroup {
  /** The group-by value (an array of them when the query groups by several expressions). */
  readonly key: Value;
  /** The call is the key's timeout firing (then there are no records). */
  readonly timedOut: boolean;
  /** The query's stream time: the highest ROWTIME it has seen. */
  readonly streamTime: number;
}

/**
 * A call's answer: `state` (absent: unchanged; null: the key is forgotten), `rows` (output rows of
 * the `returns` type), and at most one timeout: `timeoutAt` (event time, ms) or `timeoutAfterMs`
 * (processing time). Each call replaces the key's timeout; an answer without one clears it.
 */
export interface StateAnswer<R extends string, S> {
  readonly state?: S | null;
  readonly rows?: Iterable<JsOf<R> | null> | null;
  readonly timeoutAt?: number | null;
  readonly timeoutAfterMs?: number | null;
}

/**
 * A per-key state function (Spark's flatMapGroupsWithState), used as
 * `SELECT K, F(V) AS R FROM S GROUP BY K`: a CREATE STREAM AS over it gets the rows `fn` returns,
 * a CREATE TABLE AS gets each key's state. `fn` is called once per record (records holds that
 * one), and once per timeout (records empty, timedOut true). The state must survive
 * JSON.stringify/parse: it commits with the batch, and `fn` always sees it as JSON gave it back.
 * `state` is the SQL type of the state (the column of a table of states).
 */
export interface StateFunctionSpec<P extends readonly ParamSpec[], R extends string, S> {
  readonly name: string;
  readonly params: P;
  readonly returns: R;
  readonly state: string;
  readonly description?: string;
  readonly fn: (state: S | null, records: readonly StateRecordOf<P>[], group: StateGroup) => StateAnswer<R, S> | null | undefined | void;
}
