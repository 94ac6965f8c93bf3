// LATEST_BY_OFFSET / EARLIEST_BY_OFFSET, and the statistics: STDDEV_SAMP, STDDEV_POP, CORRELATION.

import { formatType, T, type SqlType } from '../../../parser/sql-type.js';
import { toDouble } from '../../long.js';
import { Decimal, type Value } from '../../values.js';
import { fromState, toState } from './state-codec.js';
import type { AggregateFunction, AggregateImpl, ArgInfo } from '../types.js';

function cols(args: readonly ArgInfo[]): ArgInfo[] {
  return args.filter((a) => !a.isConstant);
}

function bad(name: string, args: readonly ArgInfo[]): Error {
  return new Error(`Function '${name}' does not accept parameters (${args.map((a) => (a.type ? formatType(a.type) : 'NULL')).join(', ')}).`);
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
      const consts = args.filter((a) => a.isConstant);
      const n = consts.find((a) => typeof a.constant === 'number')?.constant as number | undefined;
      const ignore = consts.find((a) => typeof a.constant === 'boolean')?.constant as boolean | undefined;
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
type Moments = [count: number, sum: number, m2: number];

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
      // ksqlDB merges integer sessions' means with integer division in STDDEV_SAMP.
      const intMeans = kind === 'variance' && (t!.kind === 'INTEGER' || t!.kind === 'BIGINT');
      const mean = (s: Moments) => (intMeans ? Math.trunc(s[1] / s[0]) : s[1] / s[0]);
      const addOne = (s: Moments, x: number): Moments => {
        const n = s[0] + 1;
        const d = x * n - (s[1] + x);
        return [n, s[1] + x, s[2] + (n > 1 ? (d * d) / (n * (n - 1)) : 0)];
      };
      const removeOne = (s: Moments, x: number): Moments => {
        const n = s[0] - 1;
        const d = x * (s[0] + 1) - (s[1] + x);
        return [n, s[1] - x, s[2] - (n > 0 ? (d * d) / (n * (n + 1)) : 0)];
      };
      return {
        intermediate: 'STRUCT',
        returnType: T.DOUBLE,
        init: () => [0, 0, 0],
        add: (s, a) => (a[0] === null ? s : addOne(s, num(a[0]!))),
        undo: (s, a) => (a[0] === null ? s : removeOne(s, num(a[0]!))),
        merge: (a, b) => {
          const n = a[0] + b[0];
          if (a[0] === 0 || b[0] === 0) return [n, a[1] + b[1], a[2] + b[2]];
          const d = mean(a) - mean(b);
          return [n, a[1] + b[1], a[2] + b[2] + (a[0] * b[0] * d * d) / n];
        },
        result: (s) => {
          if (kind === 'population') return s[0] === 0 ? null : Math.sqrt(s[2] / s[0]);
          if (s[0] < 2) return 0;
          return kind === 'variance' ? s[2] / (s[0] - 1) : Math.sqrt(s[2] / (s[0] - 1));
        },
        serialize: (s) => s,
        deserialize: (d) => d as Moments,
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
