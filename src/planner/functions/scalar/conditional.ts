// COALESCE, IFNULL, NULLIF, AS_VALUE, GREATEST, LEAST.

import { T, type SqlType } from '../../../parser/sql-type.js';
import { castValue } from '../../expr/cast.js';
import { compareValues, valuesEqual } from '../../expr/compare.js';
import { unify } from '../../expr/types.js';
import type { Value } from '../../values.js';
import { noOverload, P, scalar } from '../define.js';
import type { ArgInfo, ScalarFunction, ScalarImpl } from '../types.js';

function common(name: string, args: readonly ArgInfo[]): SqlType {
  const t = unify(args.map((a) => a.type));
  if (t === undefined) throw noOverload(name, args);
  return t ?? T.STRING;
}

/** Converts each argument to the common type (e.g. INT → DECIMAL) so results are uniform. */
function widen(args: readonly ArgInfo[], to: SqlType): ((v: Value) => Value)[] {
  return args.map((a) => (a.type && a.type.kind !== to.kind && (to.kind === 'DECIMAL' || to.kind === 'DOUBLE' || to.kind === 'BIGINT') ? (v: Value) => (v === null ? null : castValue(v, a.type, to)) : (v: Value) => v));
}

function variadic(name: string, description: string, pick: (vals: Value[]) => Value): ScalarFunction {
  return {
    name,
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
  variadic('GREATEST', 'The largest non-NULL argument.', (vals) => vals.filter((v) => v !== null).reduce<Value>((m, v) => (m === null || compareValues(v, m) > 0 ? v : m), null)),
  variadic('LEAST', 'The smallest non-NULL argument.', (vals) => vals.filter((v) => v !== null).reduce<Value>((m, v) => (m === null || compareValues(v, m) < 0 ? v : m), null)),
  scalar('IF', 'conditional', 'IF(condition, then, else).', [{ params: [P.BOOLEAN, P.ANY, P.ANY], returns: (t) => t[1] ?? t[2] ?? T.STRING, nullTolerant: true, fn: (a) => ((a[0] === true ? a[1] : a[2]) ?? null) as Value }]),
];
