// COALESCE, IFNULL, NULLIF, AS_VALUE, GREATEST, LEAST.

import { T, typesEqual, type SqlType } from '../../../parser/sql-type.js';
import { castValue } from '../../expr/cast.js';
import { compareValues, valuesEqual } from '../../expr/compare.js';
import { unify } from '../../expr/types.js';
import type { Value } from '../../values.js';
import { ambiguousCall, G, noOverload, P, scalar } from '../define.js';
import type { ArgInfo, ScalarFunction, ScalarImpl } from '../types.js';

function common(name: string, args: readonly ArgInfo[]): SqlType {
  const t = unify(args.map((a) => a.type));
  if (t === undefined) throw noOverload(name, args);
  return t ?? T.STRING;
}

/** Converts each argument to the common type (e.g. INT → DECIMAL) so results are uniform. */
function widen(args: readonly ArgInfo[], to: SqlType): ((v: Value) => Value)[] {
  return args.map((a) =>
    a.type && a.type.kind !== to.kind && (to.kind === 'DECIMAL' || to.kind === 'DOUBLE' || to.kind === 'BIGINT') ? (v: Value) => (v === null ? null : castValue(v, a.type, to)) : (v: Value) => v,
  );
}

function variadic(name: string, description: string, pick: (vals: Value[]) => Value): ScalarFunction {
  return {
    name,
    declaredAs: name,
    category: 'conditional',
    description,
    signatures: [`${name}(T, T...) → T`],
    resolve(args): ScalarImpl {
      if (args.length === 0) throw noOverload(name, args);
      const t = common(name, args);
      const conv = widen(args, t);
      return { returnType: t, nullTolerant: true, fn: (a) => pick(a.map((v, i) => conv[i]!((v ?? null) as Value))) };
    },
  };
}

/**
 * GREATEST/LEAST are overloaded per type in ksqlDB (INT, BIGINT, DOUBLE, DECIMAL, STRING, BYTES,
 * DATE, TIME, TIMESTAMP). Arguments of one type pick that overload; mixed numbers pick the one
 * overload every argument widens to, and are ambiguous when several fit. String literals are
 * read as the temporal type of the other arguments.
 */
function extremumType(name: string, args: readonly ArgInfo[]): SqlType {
  const typed = args.filter((a) => a.type !== null);
  const nonLiteral = typed.filter((a) => !(a.isConstant && a.type!.kind === 'STRING'));
  const kinds = new Set(typed.map((a) => a.type!.kind));
  if (kinds.size === 0) return T.STRING;
  if (kinds.size === 1) return unify(typed.map((a) => a.type)) ?? T.STRING;
  const temporal = new Set(nonLiteral.map((a) => a.type!.kind));
  if (temporal.size === 1 && ['TIMESTAMP', 'DATE', 'TIME'].includes([...temporal][0]!)) return nonLiteral[0]!.type!;
  const widensTo: Record<string, string[]> = { INTEGER: ['BIGINT', 'DECIMAL', 'DOUBLE'], BIGINT: ['BIGINT', 'DECIMAL', 'DOUBLE'], DECIMAL: ['DECIMAL', 'DOUBLE'], DOUBLE: ['DOUBLE'] };
  const fits = ['BIGINT', 'DECIMAL', 'DOUBLE'].filter((target) => [...kinds].every((k) => widensTo[k]?.includes(target)));
  if (fits.length > 1) {
    throw ambiguousCall(name, args);
  }
  if (fits.length === 0) throw noOverload(name, args);
  return fits[0] === 'DOUBLE' ? T.DOUBLE : fits[0] === 'BIGINT' ? T.BIGINT : (unify(typed.map((a) => a.type)) ?? T.DOUBLE);
}

function extremum(name: string, description: string, better: (c: number) => boolean): ScalarFunction {
  return {
    name,
    category: 'conditional',
    description,
    signatures: [`${name}(T, T...) → T`],
    resolve(args): ScalarImpl {
      if (args.length === 0) throw noOverload(name, args);
      const t = extremumType(name, args);
      const conv = args.map((a) => (a.type && !typesEqual(a.type, t) ? (v: Value) => (v === null ? null : castValue(v, a.type, t)) : (v: Value) => v));
      return {
        returnType: t,
        nullTolerant: true,
        fn: (a) =>
          a.reduce<Value>((m, v, i) => {
            const x = conv[i]!((v ?? null) as Value);
            return x !== null && (m === null || better(compareValues(x, m))) ? x : m;
          }, null),
      };
    },
  };
}

export const conditionalFunctions: ScalarFunction[] = [
  variadic('COALESCE', 'The first non-NULL argument.', (vals) => vals.find((v) => v !== null) ?? null),
  {
    name: 'IFNULL',
    category: 'conditional',
    description: 'The first argument, or the second when the first is NULL.',
    signatures: ['IFNULL(T, T) → T'],
    resolve(args) {
      if (args.length !== 2) throw noOverload('IFNULL', args);
      const t = common('IFNULL', args);
      const conv = widen(args, t);
      return { returnType: t, nullTolerant: true, fn: (a) => (a[0] !== null ? conv[0]!(a[0] as Value) : conv[1]!((a[1] ?? null) as Value)) };
    },
  },
  {
    name: 'NULLIF',
    category: 'conditional',
    description: 'NULL when both arguments are equal, else the first.',
    signatures: ['NULLIF(T, T) → T'],
    resolve(args) {
      if (args.length !== 2) throw noOverload('NULLIF', args);
      const t = args[0]!.type ?? args[1]!.type ?? T.STRING;
      return { returnType: t, nullTolerant: true, fn: (a) => (a[0] !== null && a[1] !== null && valuesEqual(a[0] as Value, a[1] as Value) ? null : ((a[0] ?? null) as Value)) };
    },
  },
  {
    name: 'AS_VALUE',
    category: 'conversion',
    description: 'Copies a key column into the value (so it is not a key of the result).',
    signatures: ['AS_VALUE(T) → T'],
    resolve(args) {
      if (args.length !== 1) throw noOverload('AS_VALUE', args);
      return { returnType: args[0]!.type ?? T.STRING, nullTolerant: true, fn: (a) => (a[0] ?? null) as Value };
    },
  },
  extremum('GREATEST', 'The largest non-NULL argument.', (c) => c > 0),
  extremum('LEAST', 'The smallest non-NULL argument.', (c) => c < 0),
  scalar('IF', 'conditional', 'IF(condition, then, else).', [
    { params: [P.BOOLEAN, G.T, G.T], returns: (_t, _a, g) => g.get('T') ?? T.STRING, nullTolerant: true, fn: (a) => ((a[0] === true ? a[1] : a[2]) ?? null) as Value },
  ]),
];
