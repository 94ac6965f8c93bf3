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

/** Welford's running mean and M2, which also supports removal (undo). */
type Moments = [count: number, mean: number, m2: number];

function stddev(name: string, sample: boolean): AggregateFunction {
  return {
    name,
    description: `The ${sample ? 'sample' : 'population'} standard deviation of a numeric column.`,
    signatures: [`${name}(INT | BIGINT | DOUBLE | DECIMAL) → DOUBLE`],
    resolve(args): AggregateImpl<Moments> {
      if (!isNumeric(cols(args)[0]?.type)) throw bad(name, args);
      const addOne = (s: Moments, x: number): Moments => {
        const n = s[0] + 1;
        const d = x - s[1];
        const mean = s[1] + d / n;
        return [n, mean, s[2] + d * (x - mean)];
      };
      const removeOne = (s: Moments, x: number): Moments => {
        const n = s[0] - 1;
        if (n <= 0) return [0, 0, 0];
        const mean = (s[1] * s[0] - x) / n;
        return [n, mean, s[2] - (x - s[1]) * (x - mean)];
      };
      return {
        intermediate: 'STRUCT',
        returnType: T.DOUBLE,
        init: () => [0, 0, 0],
        add: (s, a) => (a[0] === null ? s : addOne(s, num(a[0]!))),
        undo: (s, a) => (a[0] === null ? s : removeOne(s, num(a[0]!))),
        merge: (a, b) => {
          const n = a[0] + b[0];
          if (n === 0) return [0, 0, 0];
          const d = b[1] - a[1];
          return [n, a[1] + (d * b[0]) / n, a[2] + b[2] + (d * d * a[0] * b[0]) / n];
        },
        result: (s) => {
          const denom = sample ? s[0] - 1 : s[0];
          return denom <= 0 ? (sample && s[0] === 1 ? 0 : null) : Math.sqrt(s[2] / denom);
        },
        serialize: (s) => s,
        deserialize: (d) => d as Moments,
      };
    },
  };
}

export const STDDEV_SAMP = stddev('STDDEV_SAMP', true);
export const STDDEV_SAMPLE = { ...stddev('STDDEV_SAMPLE', true), name: 'STDDEV_SAMPLE' };
export const STDDEV_POP = stddev('STDDEV_POP', false);

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
