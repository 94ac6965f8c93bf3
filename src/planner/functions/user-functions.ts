// User functions (UDFs and UDAFs): registered from the library (Eddy.registerFunction /
// registerAggregate) or by CREATE FUNCTION. They become ordinary ScalarFunction /
// AggregateFunction entries, so the planner resolves and type-checks them at plan time exactly
// as it does built-ins. Which engine sees them is the engine's FunctionTable (function-table.ts).
//
// NULL rule (ksqlDB's, for a language without primitive types): a ksqlDB UDF whose Java
// parameter is boxed receives NULL and decides itself; JavaScript has only "boxed" values, so a
// NULL argument reaches the function by default. A function declared `nullInput: 'returnNull'`
// (SQL's RETURNS NULL ON NULL INPUT) is not called and yields NULL, as most built-ins do.

import { formatType, typesEqual, type SqlType } from '../../parser/sql-type.js';
import { canonicalLong } from '../long.js';
import { Decimal, type Value } from '../values.js';
import type { AggregateFunction, AggregateImpl, ArgInfo, FunctionSettings, ScalarFunction, ScalarImpl } from './types.js';

/** A parameter of a user function: its name (the SQL body sees it by this name) and SQL type. */
export interface UserParam {
  readonly name: string;
  readonly type: SqlType;
}

/** Where a user function came from: 'library' (register…) or the SQL statement that created it. */
export type UserOrigin = 'library' | { readonly sql: string; readonly language: 'JAVASCRIPT'; readonly body: string; readonly sandboxed: boolean };

export interface UserScalarDef {
  readonly name: string;
  readonly params: readonly UserParam[];
  readonly returns: SqlType;
  readonly description?: string;
  readonly nullInput?: 'call' | 'returnNull';
  /** Called with the arguments in order; its result is checked against `returns`. */
  readonly call: (args: readonly Value[]) => unknown;
  /** Where the definition came from: 'library' (registerFunction) or the SQL that created it. */
  readonly origin: UserOrigin;
}

export interface UserAggregateDef {
  readonly name: string;
  readonly params: readonly UserParam[];
  readonly returns: SqlType;
  readonly description?: string;
  readonly initialize: () => unknown;
  readonly aggregate: (args: readonly Value[], state: unknown) => unknown;
  readonly merge?: (a: unknown, b: unknown) => unknown;
  readonly map?: (state: unknown) => unknown;
  /** Absent: registered from the library. */
  readonly origin?: UserOrigin;
}

export function signatureOf(def: { name: string; params: readonly UserParam[]; returns: SqlType }): string {
  return `${def.name}(${def.params.map((p) => `${p.name} ${formatType(p.type)}`).join(', ')}) → ${formatType(def.returns)}`;
}

// ---------------------------------------------------------------- type checking

/** ksqlDB's implicit widening for a parameter: INT → BIGINT → DECIMAL → DOUBLE; NULL fits any. */
export function argFits(param: SqlType, arg: SqlType | null): boolean {
  if (arg === null) return true;
  if (typesEqual(param, arg)) return true;
  const rank: Partial<Record<SqlType['kind'], number>> = { INTEGER: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 };
  const p = rank[param.kind];
  const a = rank[arg.kind];
  if (p === undefined || a === undefined) return param.kind === arg.kind && (param.kind === 'DECIMAL' || param.kind === 'ARRAY' || param.kind === 'MAP' || param.kind === 'STRUCT');
  return a <= p;
}

/** Throws the planning error for arguments that do not fit the parameters. */
export function checkUserArgs(name: string, params: readonly UserParam[], args: readonly ArgInfo[]): void {
  const ok = args.length === params.length && args.every((a, i) => a.lambda === undefined && argFits(params[i]!.type, a.type));
  if (!ok) {
    const got = args.map((a) => (a.lambda ? 'LAMBDA' : a.type ? formatType(a.type) : 'NULL')).join(', ');
    const want = params.map((p) => formatType(p.type)).join(', ');
    throw new Error(`Function '${name}' does not accept parameters (${got}); it takes (${want}).`);
  }
}

/** Widen an argument to its parameter's type (an INT passed to a DOUBLE parameter is a number already). */
export function widen(param: SqlType, v: Value): Value {
  if (v === null) return null;
  if (param.kind === 'DOUBLE' && v instanceof Decimal) return v.toNumber();
  if (param.kind === 'DOUBLE' && typeof v === 'bigint') return Number(v);
  return v;
}

/** The function's result as a value of its declared type, or an Error saying why it is not one. */
export function checkResult(name: string, t: SqlType, v: unknown): Value {
  return resultChecker(name, t)(v);
}

function badResult(name: string, t: SqlType, v: unknown): Error {
  return new Error(`${name} returned ${typeof v === 'object' ? JSON.stringify(v) : String(v)} (${typeof v}), not a ${formatType(t)}`);
}

/** A checker for one return type, made once at plan time (the per-record path allocates nothing). */
export function resultChecker(name: string, t: SqlType): (v: unknown) => Value {
  switch (t.kind) {
    case 'INTEGER':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'number' || (v | 0) !== v) throw badResult(name, t, v);
        return v;
      };
    case 'BIGINT':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return canonicalLong(v) as Value;
        throw badResult(name, t, v);
      };
    case 'DOUBLE':
    case 'STRING':
    case 'BOOLEAN': {
      const want = t.kind === 'DOUBLE' ? 'number' : t.kind === 'STRING' ? 'string' : 'boolean';
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== want) throw badResult(name, t, v);
        return v as Value;
      };
    }
    case 'DECIMAL':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (v instanceof Decimal) return v;
        if (typeof v === 'number' || typeof v === 'string') return Decimal.parse(String(v)).rescale(t.scale);
        throw badResult(name, t, v);
      };
    case 'STRUCT': {
      // A row of a table function (RETURNS TABLE (…)) or a STRUCT result: a plain object whose
      // keys are the fields (matched case-insensitively, stored as declared); a key that is no
      // field is an error rather than a value silently dropped.
      const fields = t.fields.map((f) => ({ name: f.name, upper: f.name.toUpperCase(), check: resultChecker(`${name}.${f.name}`, f.type) }));
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Decimal || v instanceof Uint8Array) throw badResult(name, t, v);
        const given = v as Record<string, unknown>;
        const out: Record<string, Value> = {};
        for (const f of fields) out[f.name] = null;
        for (const key of Object.keys(given)) {
          const f = fields.find((x) => x.name === key) ?? fields.find((x) => x.upper === key.toUpperCase());
          if (!f) throw new Error(`${name} returned a field '${key}' that ${formatType(t)} does not have`);
          out[f.name] = f.check(given[key]);
        }
        return out;
      };
    }
    case 'ARRAY': {
      const item = resultChecker(name, t.item);
      return (v) => {
        if (v === null || v === undefined) return null;
        if (!Array.isArray(v)) throw badResult(name, t, v);
        return v.map(item);
      };
    }
    default:
      return (v) => (v === undefined ? null : (v as Value));
  }
}

/** The ScalarFunction a user definition is planned as (a FunctionTable makes it once, at registration). */
export function userScalarFunction(def: UserScalarDef): ScalarFunction {
  const returnNull = def.nullInput === 'returnNull';
  return {
    name: def.name.toUpperCase(),
    category: 'other',
    description: def.description ?? (def.origin === 'library' ? 'user function (library)' : 'user function (SQL, JAVASCRIPT)'),
    signatures: [signatureOf(def)],
    declaredAs: def.name.toUpperCase(),
    resolve(args: readonly ArgInfo[]): ScalarImpl {
      checkUserArgs(def.name.toUpperCase(), def.params, args);
      const check = resultChecker(def.name.toUpperCase(), def.returns);
      // Only DOUBLE parameters ever need a value changed (a DECIMAL or BIGINT argument widened).
      const widening = def.params.some((p) => p.type.kind === 'DOUBLE');
      const params = def.params;
      const call = def.call;
      const fn = widening
        ? (a: readonly unknown[]): Value => check(call(a.map((v, i) => widen(params[i]!.type, (v ?? null) as Value))))
        : (a: readonly unknown[]): Value => check(call(a as readonly Value[]));
      // nullTolerant: the compiler passes NULLs through to fn instead of short-cutting to NULL.
      return { returnType: def.returns, fn, ...(returnNull ? {} : { nullTolerant: true }) };
    },
  };
}

/** A UDAF's state must survive JSON (it commits with the batch in the state store). */
function jsonState(name: string, s: unknown): unknown {
  if (s === undefined) return null;
  const text = JSON.stringify(s);
  if (text === undefined) throw new Error(`${name}: the aggregate state is not JSON-serialisable`);
  return s;
}

/** The AggregateFunction a user aggregate is planned as. */
export function userAggregateFunction(def: UserAggregateDef): AggregateFunction {
  const name = def.name.toUpperCase();
  return {
    name,
    description: def.description ?? (def.origin && def.origin !== 'library' ? `user aggregate (SQL, JAVASCRIPT${def.origin.sandboxed ? ', sandboxed' : ''})` : 'user aggregate (library)'),
    signatures: [signatureOf(def)],
    resolve(args: readonly ArgInfo[], settings?: FunctionSettings): AggregateImpl {
      checkUserArgs(name, def.params, args);
      const report = settings?.onError ?? (() => {});
      const impl: AggregateImpl<unknown> = {
        returnType: def.returns,
        init: () => {
          try {
            return jsonState(name, def.initialize());
          } catch (e) {
            // The group starts from a NULL state rather than stopping the query.
            report(`Error computing aggregate ${name} (initialize): ${(e as Error).message}`);
            return null;
          }
        },
        add: (state, vs) => {
          try {
            return jsonState(
              name,
              def.aggregate(
                vs.map((v, i) => widen(def.params[i]!.type, v)),
                state,
              ),
            );
          } catch (e) {
            // As a failing scalar call: logged with the record, the row leaves the state unchanged.
            report(`Error computing aggregate ${name}: ${(e as Error).message}`);
            return state;
          }
        },
        ...(def.merge
          ? {
              merge: (a: unknown, b: unknown) => {
                try {
                  return jsonState(name, def.merge!(a, b));
                } catch (e) {
                  report(`Error computing aggregate ${name} (merge): ${(e as Error).message}`);
                  return a;
                }
              },
            }
          : {}),
        result: (state) => {
          try {
            return checkResult(name, def.returns, def.map ? def.map(state) : state);
          } catch (e) {
            report(`Error computing aggregate ${name}: ${(e as Error).message}`);
            return null;
          }
        },
        // JSON round trip: what is persisted is exactly what a restart reads back.
        serialize: (state) => JSON.parse(JSON.stringify(state ?? null)) as unknown,
        deserialize: (data) => data,
      };
      return impl;
    },
  };
}
