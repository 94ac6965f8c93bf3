// User state functions: arbitrary state per key, the SQL form of Spark's mapGroupsWithState /
// flatMapGroupsWithState (and updateStateByKey). Registered from the library
// (Eddy.registerStateFunction) or by CREATE STATE FUNCTION … RETURNS … STATE type. Called in the
// SELECT list of a stream query grouped by key (`SELECT K, F(V) AS R FROM S GROUP BY K`), and
// planned there into one GroupState node (plan-query-state.ts); the operator is
// runtime/operators/group-state.ts.
//
// One call is one key's step: its previous state, its new records, or none and a timed-out flag.
// The function's answer is checked here, once per call, against the declared types: the rows
// against RETURNS, the state against STATE. A wrong answer is an Error the operator sends to the
// processing log (with the record's offset), leaving the key's state as it was.

import { formatType, type SqlType } from '../../parser/sql-type.js';
import type { Value } from '../values.js';
import { MAX_FUNCTION_ELEMENTS } from './output-limits.js';
import type { ArgInfo } from './types.js';
import { checkUserArgs, resultChecker, widen, type UserOrigin, type UserParam } from './user-functions.js';

/** What one call of a state function receives. */
export interface StateCallInput {
  /** The group-by value (an array of them when grouping by several expressions). */
  readonly key: Value;
  /** The key's state as the last call left it (it has been through JSON), or null for none. */
  readonly state: unknown;
  /** The key's new records: each parameter by name, and ROWTIME. Empty on a timeout call. */
  readonly records: readonly Record<string, Value>[];
  /** The call is the key's timeout firing, not a record. */
  readonly timedOut: boolean;
  /** The query's stream time (the highest ROWTIME seen) when the call is made. */
  readonly streamTime: number;
}

/**
 * What a call answers: `state` (absent: unchanged; null: removed), `rows` (the output rows, of the
 * RETURNS type), and at most one timeout for the key — `timeoutAt` (event time, ms: fires once
 * stream time reaches it) or `timeoutAfterMs` (processing time: fires once the wall clock has
 * moved that far past the call). A call that sets neither clears the key's timeout.
 */
export interface StateCallResult {
  readonly state?: unknown;
  readonly rows?: Iterable<unknown> | null;
  readonly timeoutAt?: number | null;
  readonly timeoutAfterMs?: number | null;
}

/** A call's answer once checked: the state as JSON text (null: removed; undefined: unchanged). */
export interface StateStep {
  readonly stateJson: string | null | undefined;
  /** The new state as a value of the STATE type (what a CREATE TABLE AS over the function holds). */
  readonly stateValue: Value;
  readonly rows: readonly Value[];
  readonly timeout?: { readonly kind: 'event' | 'processing'; readonly at: number };
}

export interface UserStateDef {
  readonly name: string;
  readonly params: readonly UserParam[];
  /** The type of one output row: a STRUCT for RETURNS TABLE (…), else the type given. */
  readonly returns: SqlType;
  /** The type of the per-key state. */
  readonly state: SqlType;
  readonly description?: string;
  readonly call: (input: StateCallInput) => unknown;
  readonly origin: UserOrigin;
}

export interface StateFunctionImpl {
  readonly name: string;
  readonly returnType: SqlType;
  readonly stateType: SqlType;
  /** The state's JSON text as a value of the STATE type (for a table of states). */
  stateValue(json: string): Value;
  /**
   * One key's step: `args` are the record's argument values (undefined on a timeout call). Throws
   * an Error whose message goes to the processing log when the function fails or answers wrongly.
   */
  step(key: Value, stateJson: string | undefined, args: readonly Value[] | undefined, ts: number, streamTime: number, now: () => number): StateStep;
}

export interface StateFunction {
  readonly name: string;
  readonly description: string;
  readonly signatures: readonly string[];
  resolve(args: readonly ArgInfo[]): StateFunctionImpl;
}

const ANSWER_KEYS = new Set(['state', 'rows', 'timeoutAt', 'timeoutAfterMs']);

/** The StateFunction a user definition is planned as (a FunctionTable makes it once, at registration). */
export function userStateFunction(def: UserStateDef): StateFunction {
  const name = def.name.toUpperCase();
  return {
    name,
    description: def.description ?? (def.origin === 'library' ? 'user state function (library)' : `user state function (SQL, JAVASCRIPT${def.origin.sandboxed ? ', sandboxed' : ''})`),
    signatures: [stateSignatureOf(def)],
    resolve(args) {
      checkUserArgs(name, def.params, args);
      const checkRow = resultChecker(name, def.returns);
      const checkState = resultChecker(`${name} state`, def.state);
      const params = def.params;
      return {
        name,
        returnType: def.returns,
        stateType: def.state,
        stateValue: (json) => checkState(JSON.parse(json)),
        step(key, stateJson, args, ts, streamTime, now) {
          const record: Record<string, Value> | undefined = args ? {} : undefined;
          if (record) {
            params.forEach((p, i) => (record[p.name] = widen(p.type, args![i] ?? null)));
            record.ROWTIME = ts;
          }
          // The state a call sees has been through JSON, as it would be after a restart.
          const prior = stateJson === undefined ? null : (JSON.parse(stateJson) as unknown);
          const answer = def.call({ key, state: prior, records: record ? [record] : [], timedOut: !record, streamTime });
          if (answer === undefined || answer === null) return { stateJson: undefined, stateValue: prior === null ? null : checkState(prior), rows: [] };
          if (typeof answer !== 'object' || Array.isArray(answer))
            throw new Error(`${name} returned ${JSON.stringify(answer)}: a state function returns { state, rows, timeoutAt | timeoutAfterMs } (or nothing)`);
          const a = answer as StateCallResult;
          for (const k of Object.keys(a)) if (!ANSWER_KEYS.has(k)) throw new Error(`${name} returned a field '${k}': a state function's answer has state, rows, timeoutAt and timeoutAfterMs`);
          let json: string | null | undefined;
          let value: Value;
          if (!('state' in a)) {
            json = undefined;
            value = prior === null ? null : checkState(prior);
          } else if (a.state === null || a.state === undefined) {
            json = null;
            value = null;
          } else {
            json = JSON.stringify(a.state);
            if (json === undefined) throw new Error(`${name} returned a state that JSON cannot hold`);
            value = checkState(JSON.parse(json));
          }
          const rows: Value[] = [];
          if (a.rows !== undefined && a.rows !== null) {
            if (typeof a.rows !== 'object' || typeof (a.rows as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') throw new Error(`${name} returned rows that are not an array`);
            for (const r of a.rows) {
              if (rows.length === MAX_FUNCTION_ELEMENTS) throw new Error(`${name} gave more than ${MAX_FUNCTION_ELEMENTS} rows in one call (the limit per call)`);
              rows.push(checkRow(r));
            }
          }
          const at = a.timeoutAt ?? null;
          const after = a.timeoutAfterMs ?? null;
          if (at !== null && after !== null) throw new Error(`${name} set both timeoutAt and timeoutAfterMs: a key has one timeout`);
          for (const [k, v] of [
            ['timeoutAt', at],
            ['timeoutAfterMs', after],
          ] as const) {
            if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) throw new Error(`${name} returned ${k} ${JSON.stringify(v)}, not a number of milliseconds`);
          }
          // A removed key keeps no timeout: there is nothing left to time out.
          const timeout = json === null ? undefined : at !== null ? { kind: 'event' as const, at } : after !== null ? { kind: 'processing' as const, at: now() + after } : undefined;
          return { stateJson: json, stateValue: value, rows, ...(timeout ? { timeout } : {}) };
        },
      };
    },
  };
}

/** `NAME(X STRING) → TABLE (…) STATE STRUCT<…>`. */
export function stateSignatureOf(def: { name: string; params: readonly UserParam[]; returns: SqlType; state: SqlType }): string {
  const rows = def.returns.kind === 'STRUCT' ? `TABLE (${def.returns.fields.map((f) => `${f.name} ${formatType(f.type)}`).join(', ')})` : formatType(def.returns);
  return `${def.name}(${def.params.map((p) => `${p.name} ${formatType(p.type)}`).join(', ')}) → ${rows} STATE ${formatType(def.state)}`;
}
