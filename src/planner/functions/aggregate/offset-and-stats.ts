// LATEST_BY_OFFSET / EARLIEST_BY_OFFSET, and the statistics: STDDEV_SAMP, STDDEV_POP, CORRELATION.

import { T, type SqlType } from '../../../parser/sql-type.js';
import { longAdd, longDiv, longMul, longSub, toDouble, type Long } from '../../long.js';
import { Decimal, type Value } from '../../values.js';
import { fromState, toState } from './state-codec.js';
import { noOverload } from '../define.js';
import type { AggregateFunction, AggregateImpl, ArgInfo } from '../types.js';

function cols(args: readonly ArgInfo[]): ArgInfo[] {
  return args.filter((a) => !a.isConstant);
}

function bad(name: string, args: readonly ArgInfo[]): Error {
  return noOverload(name, args);
}

function byOffset(name: 'LATEST_BY_OFFSET' | 'EARLIEST_BY_OFFSET'): AggregateFunction {
  const latest = name === 'LATEST_BY_OFFSET';
  return {
    name,
    description: `The ${latest ? 'latest' : 'earliest'} value of a column by arrival; with N, the ${latest ? 'last' : 'first'} N as an array. NULLs are ignored unless ignoreNulls is false.`,
    signatures: [`${name}(col[, ignoreNulls BOOLEAN]) → type of col`, `${name}(col, n INT[, ignoreNulls BOOLEAN]) → ARRAY<type of col>`],
    resolve(args): AggregateImpl<Value[]> {
      const t = cols(args)[0]?.type;
      if (!t) throw bad(name, args);
      const extra = args.findIndex((a, i) => i > 0 && !a.isConstant);
      if (extra > 0) throw new Error(`Parameter ${extra + 1} passed to function ${name} must be a literal constant, but was expression: '${args[extra]!.text ?? '?'}'`);
      // The overloads: (col), (col, ignoreNulls BOOLEAN), (col, n INT), (col, n INT, ignoreNulls BOOLEAN).
      const kinds = args.slice(1).map((a) => a.type?.kind);
      const fits = kinds.length === 0 || (kinds.length === 1 && (kinds[0] === 'BOOLEAN' || kinds[0] === 'INTEGER')) || (kinds.length === 2 && kinds[0] === 'INTEGER' && kinds[1] === 'BOOLEAN');
      if (!fits) throw bad(name, args);
      const consts = args.filter((a) => a.isConstant);
      const n = consts.find((a) => typeof a.constant === 'number')?.constant as number | undefined;
      const ignore = consts.find((a) => typeof a.constant === 'boolean')?.constant as boolean | undefined;
      if (n !== undefined && n <= 0) throw new Error(`Failed to invoke UDAF factory method: ${latest ? 'latestN' : 'earliestN'} must be 1 or greater`);
      const ignoreNulls = ignore ?? true;
      const keep = n ?? 1;
      const push = (s: Value[], v: Value): Value[] => {
        if (v === null && ignoreNulls) return s;
        if (latest) return [...s, v].slice(-keep);
        return s.length >= keep ? s : [...s, v];
      };
      return {
        returnType: n === undefined ? t : T.array(t),
        init: () => [],
        add: (s, a) => push(s, a[0] ?? null),
        merge: (a, b) => (latest ? [...a, ...b].slice(-keep) : [...a, ...b].slice(0, keep)),
        result: (s) => (n === undefined ? (s.length ? s[s.length - 1]! : null) : s),
        serialize: toState,
        deserialize: (d) => fromState(d) as Value[],
      };
    },
  };
}

export const LATEST_BY_OFFSET = byOffset('LATEST_BY_OFFSET');
export const EARLIEST_BY_OFFSET = byOffset('EARLIEST_BY_OFFSET');

const num = (v: Value) => (v instanceof Decimal ? v.toNumber() : toDouble(v));
const isNumeric = (t: SqlType | null | undefined) => !!t && ['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL'].includes(t.kind);

/** Youngs-Cramer running count, sum and M2 (sum of squared deviations), which also supports removal (undo). */
type Moments = [count: number, sum: number | Long, m2: number];

/**
 * The running sum and the Youngs-Cramer delta `x·(n+1) − (sum + x)` in the argument's own type,
 * as ksqlDB's per-type implementations keep them: a BIGINT sum is a Java long (exact, wrapping
 * at 64 bits — long.ts), an INT sum a Java int (wrapping at 32), a DOUBLE one a double. Only the
 * delta becomes a double, and only once computed, so BIGINT values past 2^53 lose nothing before.
 */
interface SumArith {
  add(sum: number | Long, x: Value): number | Long;
  sub(sum: number | Long, x: Value): number | Long;
  delta(sum: number | Long, count: number, x: Value): number;
  mean(sum: number | Long, count: number): number;
}

const longArith: SumArith = {
  add: (s, x) => longAdd(s as Long, x as Long),
  sub: (s, x) => longSub(s as Long, x as Long),
  delta: (s, n, x) => toDouble(longSub(longMul(x as Long, n + 1), longAdd(s as Long, x as Long))),
  // Java's long division: the two means are whole numbers.
  mean: (s, n) => toDouble(longDiv(s as Long, n)),
};
const intArith: SumArith = {
  add: (s, x) => ((s as number) + (x as number)) | 0,
  sub: (s, x) => ((s as number) - (x as number)) | 0,
  delta: (s, n, x) => (x as number) * (n + 1) - (((s as number) + (x as number)) | 0),
  mean: (s, n) => Math.trunc((s as number) / n),
};
const doubleArith: SumArith = {
  add: (s, x) => (s as number) + num(x),
  sub: (s, x) => (s as number) - num(x),
  delta: (s, n, x) => num(x) * (n + 1) - ((s as number) + num(x)),
  mean: (s, n) => (s as number) / n,
};

/**
 * The saved form is tagged `{ v: 2, n, sum, m2 }` (the sum through the state codec, so a bigint
 * stays exact). Builds before this one saved a bare `[count, sum, M2]` array, which is read as
 * such; the layout before that (`[count, mean, M2]`) cannot be told apart from it.
 */
function momentsToState(s: Moments): unknown {
  return { v: 2, n: s[0], sum: toState(s[1]), m2: s[2] };
}
function momentsFromState(d: unknown): Moments {
  if (Array.isArray(d)) return [Number(d[0]), d[1] as number, Number(d[2])];
  const o = d as { n: number; sum: unknown; m2: number };
  return [o.n, fromState(o.sum) as number | Long, o.m2];
}

/**
 * ksqlDB's STDDEV_SAMP returns the sample variance (its documentation says so: the square of the
 * deviation), STDDEV_SAMPLE its square root; both give 0.0 for fewer than two values. STDDEV_POP
 * is Eddy's own (the population deviation, NULL for no values).
 */
function stddev(name: string, kind: 'variance' | 'sample' | 'population'): AggregateFunction {
  return {
    name,
    description: kind === 'variance' ? 'The sample variance of a numeric column (the square of STDDEV_SAMPLE), as ksqlDB computes it.' : `The ${kind} standard deviation of a numeric column.`,
    signatures: [`${name}(INT | BIGINT | DOUBLE${kind === 'population' ? ' | DECIMAL' : ''}) → DOUBLE`],
    resolve(args): AggregateImpl<Moments> {
      const t = cols(args)[0]?.type;
      if (!isNumeric(t) || (kind !== 'population' && t!.kind === 'DECIMAL')) throw bad(name, args);
      // A BIGINT sum is exact. ksqlDB's STDDEV_SAMP merges integer sessions' means with integer
      // division; its STDDEV_SAMPLE divides as doubles.
      const ar = t!.kind === 'BIGINT' ? longArith : t!.kind === 'INTEGER' ? intArith : doubleArith;
      const mean = kind === 'variance' ? ar.mean : (sum: number | Long, n: number) => toDouble(sum) / n;
      const addOne = (s: Moments, x: Value): Moments => {
        const n = s[0] + 1;
        const d = n > 1 ? ar.delta(s[1], s[0], x) : 0;
        return [n, ar.add(s[1], x), s[2] + (n > 1 ? (d * d) / (n * (n - 1)) : 0)];
      };
      const removeOne = (s: Moments, x: Value): Moments => {
        const n = s[0] - 1;
        const d = n > 0 ? ar.delta(s[1], s[0], x) : 0;
        return [n, ar.sub(s[1], x), s[2] - (n > 0 ? (d * d) / (n * (n + 1)) : 0)];
      };
      return {
        intermediate: 'STRUCT',
        returnType: T.DOUBLE,
        init: () => [0, 0, 0],
        add: (s, a) => (a[0] === null ? s : addOne(s, a[0]!)),
        undo: (s, a) => (a[0] === null ? s : removeOne(s, a[0]!)),
        merge: (a, b) => {
          const n = a[0] + b[0];
          if (a[0] === 0 || b[0] === 0) return [n, ar.add(a[1], b[1] as Value), a[2] + b[2]];
          const d = mean(a[1], a[0]) - mean(b[1], b[0]);
          return [n, ar.add(a[1], b[1] as Value), a[2] + b[2] + (a[0] * b[0] * d * d) / n];
        },
        result: (s) => {
          if (kind === 'population') return s[0] === 0 ? null : Math.sqrt(s[2] / s[0]);
          if (s[0] < 2) return 0;
          return kind === 'variance' ? s[2] / (s[0] - 1) : Math.sqrt(s[2] / (s[0] - 1));
        },
        serialize: momentsToState,
        deserialize: momentsFromState,
      };
    },
  };
}

export const STDDEV_SAMP = stddev('STDDEV_SAMP', 'variance');
export const STDDEV_SAMPLE = stddev('STDDEV_SAMPLE', 'sample');
export const STDDEV_POP = stddev('STDDEV_POP', 'population');

type CorrState = [n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number];

export const CORRELATION: AggregateFunction = {
  name: 'CORRELATION',
  description: 'The Pearson correlation coefficient of two numeric columns.',
  signatures: ['CORRELATION(x DOUBLE, y DOUBLE) → DOUBLE'],
  resolve(args): AggregateImpl<CorrState> {
    const c = cols(args);
    if (c.length !== 2 || !isNumeric(c[0]!.type) || !isNumeric(c[1]!.type)) throw bad('CORRELATION', args);
    const step = (s: CorrState, x: number, y: number, d: number): CorrState => [s[0] + d, s[1] + d * x, s[2] + d * y, s[3] + d * x * x, s[4] + d * y * y, s[5] + d * x * y];
    return {
      intermediate: 'STRUCT',
      returnType: T.DOUBLE,
      init: () => [0, 0, 0, 0, 0, 0],
      add: (s, a) => (a[0] === null || a[1] === null ? s : step(s, num(a[0]!), num(a[1]!), 1)),
      undo: (s, a) => (a[0] === null || a[1] === null ? s : step(s, num(a[0]!), num(a[1]!), -1)),
      merge: (a, b) => a.map((v, i) => v + b[i]!) as CorrState,
      result: (s) => {
        const [n, sx, sy, sxx, syy, sxy] = s;
        if (n === 0) return null;
        const cov = sxy - (sx * sy) / n;
        const vx = sxx - (sx * sx) / n;
        const vy = syy - (sy * sy) / n;
        const den = Math.sqrt(vx * vy);
        return den === 0 ? NaN : cov / den;
      },
      serialize: (s) => s,
      deserialize: (d) => d as CorrState,
    };
  },
};
