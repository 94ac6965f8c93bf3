// A compact way to declare functions as overloads (parameter kinds → return type → body), and
// ksqlDB-style resolution: the first overload whose parameters accept the arguments wins, with
// implicit widening (INT → BIGINT → DECIMAL/DOUBLE); NULL literals fit any parameter. Generic
// parameters (T, ARRAY<T>, MAP<K, V>) bind their type variables across the arguments, as ksqlDB's
// UDF index does: one variable, one type, or the overload does not match (a planning error).

import { formatType, typesEqual, type SqlType } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../values.js';
import type { ArgInfo, ScalarFunction, ScalarImpl } from './types.js';

export interface Param {
  readonly name: string;
  accepts(t: SqlType | null, arg: ArgInfo): boolean;
  /** A generic parameter's type, whose variables must bind to one type across the arguments. */
  readonly pattern?: TypePattern;
  /** Convert an accepted argument's value to what the body expects (e.g. DECIMAL → number). */
  readonly convert?: (v: unknown) => unknown;
}

const numeric = (t: SqlType | null) => t === null || t.kind === 'INTEGER' || t.kind === 'BIGINT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL';
const kind =
  (...kinds: string[]) =>
  (t: SqlType | null) =>
    t === null || kinds.includes(t.kind);

export const P = {
  ANY: { name: 'ANY', accepts: () => true } as Param,
  STRING: { name: 'STRING', accepts: kind('STRING') } as Param,
  BOOLEAN: { name: 'BOOLEAN', accepts: kind('BOOLEAN') } as Param,
  INT: { name: 'INT', accepts: kind('INTEGER') } as Param,
  /** A BIGINT for a body that works in doubles (a bigint past 2^53 arrives as the nearest number). */
  BIGINT: { name: 'BIGINT', accepts: kind('INTEGER', 'BIGINT'), convert: (v) => (typeof v === 'bigint' ? Number(v) : v) } as Param,
  /** A BIGINT passed exact: number or bigint (long.ts). */
  LONG: { name: 'BIGINT', accepts: kind('INTEGER', 'BIGINT') } as Param,
  DOUBLE: { name: 'DOUBLE', accepts: numeric, convert: (v) => (v instanceof Decimal ? v.toNumber() : typeof v === 'bigint' ? Number(v) : v) } as Param,
  DECIMAL: { name: 'DECIMAL', accepts: kind('DECIMAL') } as Param,
  /** Any number, passed as is (number or Decimal). */
  NUMBER: { name: 'NUMBER', accepts: numeric } as Param,
  BYTES: { name: 'BYTES', accepts: kind('BYTES') } as Param,
  TIMESTAMP: { name: 'TIMESTAMP', accepts: kind('TIMESTAMP') } as Param,
  DATE: { name: 'DATE', accepts: kind('DATE') } as Param,
  TIME: { name: 'TIME', accepts: kind('TIME') } as Param,
  ARRAY: { name: 'ARRAY', accepts: kind('ARRAY') } as Param,
  MAP: { name: 'MAP', accepts: kind('MAP') } as Param,
  STRUCT: { name: 'STRUCT', accepts: kind('STRUCT') } as Param,
  LAMBDA: { name: 'LAMBDA', accepts: (_t: SqlType | null, a: ArgInfo) => a.lambda !== undefined } as Param,
  /** A literal string, e.g. a unit name or format. */
  CONST_STRING: { name: 'STRING', accepts: (t: SqlType | null, a: ArgInfo) => kind('STRING')(t) && a.isConstant } as Param,
};

/** A parameter type with type variables: `T`, `ARRAY<T>`, `MAP<K, V>` (ksqlDB's generic UDF parameters). */
export type TypePattern = { readonly variable: string } | { readonly array: TypePattern } | { readonly map: readonly [TypePattern, TypePattern] };

function patternText(p: TypePattern): string {
  if ('variable' in p) return p.variable;
  if ('array' in p) return `ARRAY<${patternText(p.array)}>`;
  return `MAP<${patternText(p.map[0])}, ${patternText(p.map[1])}>`;
}

/** The argument's type has the pattern's shape (a NULL literal has every shape). */
function hasShape(p: TypePattern, t: SqlType | null): boolean {
  if (t === null || 'variable' in p) return true;
  if ('array' in p) return t.kind === 'ARRAY' && hasShape(p.array, t.item);
  return t.kind === 'MAP' && hasShape(p.map[0], t.key) && hasShape(p.map[1], t.value);
}

/** Bind the pattern's variables to the parts of `t`; false when one is already bound to another type. */
function bind(p: TypePattern, t: SqlType, bound: Map<string, SqlType>): boolean {
  if ('variable' in p) {
    const old = bound.get(p.variable);
    if (old === undefined) bound.set(p.variable, t);
    return old === undefined || typesEqual(old, t);
  }
  if ('array' in p) return t.kind === 'ARRAY' && bind(p.array, t.item, bound);
  return t.kind === 'MAP' && bind(p.map[0], t.key, bound) && bind(p.map[1], t.value, bound);
}

function generic(pattern: TypePattern): Param {
  return { name: patternText(pattern), pattern, accepts: (t: SqlType | null, a: ArgInfo) => a.lambda === undefined && hasShape(pattern, t) };
}

const T_ = { variable: 'T' };
/** Generic parameters: every T (K, V) of one call is the same type. */
export const G = {
  T: generic(T_),
  ARRAY_T: generic({ array: T_ }),
  MAP_KV: generic({ map: [{ variable: 'K' }, { variable: 'V' }] }),
  /** `MAP<STRING, V>`: ksqlDB's map UDFs declared on Map<String, T> take only STRING keys. */
  MAP_STRING_V: {
    name: 'MAP<STRING, V>',
    pattern: { map: [{ variable: 'K' }, { variable: 'V' }] },
    accepts: (t: SqlType | null, a: ArgInfo) => a.lambda === undefined && (t === null || (t.kind === 'MAP' && t.key.kind === 'STRING')),
  } as Param,
};

/** What the type variables of a matched overload were bound to. */
export type Bindings = ReadonlyMap<string, SqlType>;

export interface Overload {
  readonly params: readonly Param[];
  /** Extra trailing arguments of this kind (varargs). */
  readonly variadic?: Param;
  readonly returns: SqlType | ((args: readonly (SqlType | null)[], infos: readonly ArgInfo[], bound: Bindings) => SqlType);
  readonly fn: (args: unknown[]) => Value;
  /** Instead of fn when the body depends on the argument types (e.g. how to print an element). */
  readonly bind?: (types: readonly (SqlType | null)[]) => (args: unknown[]) => Value;
  readonly nullTolerant?: boolean;
}

function signature(name: string, o: Overload): string {
  const ps = o.params.map((p) => p.name);
  if (o.variadic) ps.push(`${o.variadic.name}...`);
  const r = typeof o.returns === 'function' ? 'T' : formatType(o.returns);
  return `${name}(${ps.join(', ')}) → ${r}`;
}

/** The overload's type-variable bindings when it accepts the arguments, else undefined. */
function matches(o: Overload, args: readonly ArgInfo[]): Bindings | undefined {
  if (args.length < o.params.length) return undefined;
  if (args.length > o.params.length && !o.variadic) return undefined;
  const bound = new Map<string, SqlType>();
  for (const [i, a] of args.entries()) {
    const p = o.params[i] ?? o.variadic!;
    if (!p.accepts(a.type, a)) return undefined;
    if (p.pattern && a.type !== null && !bind(p.pattern, a.type, bound)) return undefined;
  }
  return bound;
}

/** The argument types as ksqlDB's UDF index prints them: `(INTEGER, null, LAMBDA)` (an untyped NULL is `null`). */
export function argTypesText(args: readonly ArgInfo[]): string {
  return `(${args.map((a) => (a.lambda ? 'LAMBDA' : a.type ? formatType(a.type) : 'null')).join(', ')})`;
}

/**
 * ksqlDB's no-matching-overload error: the argument types on the first line, then (when known)
 * the function's signatures and the pointer to DESCRIBE FUNCTION, each on its own line.
 */
export function noOverload(name: string, args: readonly ArgInfo[], signatures: readonly string[] = []): Error {
  const alternatives = signatures.length ? `\nValid alternatives are:\n${signatures.join('\n')}\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;` : '';
  return new Error(`Function '${name}' does not accept parameters ${argTypesText(args)}.${alternatives}`);
}

/**
 * ksqlDB's UDF index when, after implicit widening, two overloads fit a call equally well (e.g.
 * ROUND(INT, INT): both ROUND(DOUBLE, INT) and ROUND(DECIMAL, INT) take it).
 */
export function ambiguousCall(name: string, args: readonly ArgInfo[]): Error {
  return new Error(
    `Function '${name}' cannot be resolved due to ambiguous method parameters ${argTypesText(args)}.\nUse CAST() to explicitly cast your parameters to one of the supported function calls.\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;`,
  );
}

export function scalar(name: string, category: ScalarFunction['category'], description: string, overloads: readonly Overload[], extra: Pick<ScalarFunction, 'lambdaParamTypes'> = {}): ScalarFunction {
  return {
    name,
    category,
    description,
    signatures: overloads.map((o) => signature(name, o)),
    ...extra,
    resolve(args: readonly ArgInfo[]): ScalarImpl {
      let bound: Bindings | undefined;
      const o = overloads.find((x) => (bound = matches(x, args)) !== undefined);
      if (!o || !bound)
        throw noOverload(
          name,
          args,
          overloads.map((x) => signature(name, x)),
        );
      const returnType =
        typeof o.returns === 'function'
          ? o.returns(
              args.map((a) => a.type),
              args,
              bound,
            )
          : o.returns;
      const converters = args.map((_, i) => (o.params[i] ?? o.variadic!).convert);
      const needs = converters.some((c) => c !== undefined);
      const body = o.bind ? o.bind(args.map((a) => a.type)) : o.fn;
      const fn = needs ? (a: readonly unknown[]) => body(a.map((v, i) => (v === null || v === undefined || !converters[i] ? v : converters[i]!(v)))) : (a: readonly unknown[]) => body(a as unknown[]);
      return { returnType, fn, ...(o.nullTolerant ? { nullTolerant: true } : {}) };
    },
  };
}
