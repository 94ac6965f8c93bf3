// Aggregates that build collections: COLLECT_LIST, COLLECT_SET, TOPK, TOPKDISTINCT, HISTOGRAM,
// COUNT_DISTINCT.

import { formatType, T, type SqlType } from '../../../parser/sql-type.js';
import { compareValues, valuesEqual } from '../../expr/compare.js';
import { noOverload } from '../define.js';
import type { Value } from '../../values.js';
import { fromState, toState } from './state-codec.js';
import type { AggregateFunction, AggregateImpl, ArgInfo, FunctionSettings } from '../types.js';

function colType(name: string, args: readonly ArgInfo[]): SqlType {
  const t = args.find((a) => !a.isConstant)?.type;
  if (!t) throw noOverload(name, args);
  return t;
}

function constInt(args: readonly ArgInfo[], index: number, fallback: number): number {
  const a = args[index];
  return a?.isConstant && typeof a.constant === 'number' ? a.constant : fallback;
}

const listCodec = { serialize: (s: Value[]) => toState(s), deserialize: (d: unknown) => fromState(d) as Value[] };

/** Maximum collection size: ksql.functions.collect_list.limit / collect_set.limit (1000 by default, as ksqlDB). */
function collectLimit(settings: FunctionSettings | undefined, which: 'list' | 'set'): number {
  const v = Number(settings?.properties.get(`ksql.functions.collect_${which}.limit`));
  return Number.isInteger(v) && v >= 0 ? v : 1000;
}

export const COLLECT_LIST: AggregateFunction = {
  name: 'COLLECT_LIST',
  description: 'All values of a column (NULLs included), in arrival order.',
  signatures: ['COLLECT_LIST(col) → ARRAY<type of col>'],
  resolve(args, settings): AggregateImpl<Value[]> {
    const t = colType('COLLECT_LIST', args);
    const limit = collectLimit(settings, 'list');
    return {
      intermediate: 'ARRAY',
      returnType: T.array(t),
      init: () => [],
      add: (s, a) => (s.length >= limit ? s : [...s, a[0] ?? null]),
      undo: (s, a) => {
        const i = s.findIndex((x) => (x === null ? a[0] === null : a[0] !== null && valuesEqual(x, a[0]!)));
        return i < 0 ? s : [...s.slice(0, i), ...s.slice(i + 1)];
      },
      merge: (a, b) => [...a, ...b].slice(0, limit),
      result: (s) => s,
      ...listCodec,
    };
  },
};

export const COLLECT_SET: AggregateFunction = {
  name: 'COLLECT_SET',
  description: 'The distinct values of a column, in order of first arrival.',
  signatures: ['COLLECT_SET(col) → ARRAY<type of col>'],
  resolve(args, settings): AggregateImpl<Value[]> {
    const t = colType('COLLECT_SET', args);
    const limit = collectLimit(settings, 'set');
    const has = (s: Value[], v: Value) => s.some((x) => (x === null ? v === null : v !== null && valuesEqual(x, v)));
    return {
      intermediate: 'ARRAY',
      returnType: T.array(t),
      init: () => [],
      add: (s, a) => (has(s, a[0] ?? null) || s.length >= limit ? s : [...s, a[0] ?? null]),
      undo: (s, a) => s.filter((x) => !(x === null ? a[0] === null : a[0] !== null && valuesEqual(x, a[0]!))),
      merge: (a, b) => b.reduce<Value[]>((acc, v) => (has(acc, v) || acc.length >= limit ? acc : [...acc, v]), a),
      result: (s) => s,
      ...listCodec,
    };
  },
};

function doesNotAccept(name: string, args: readonly ArgInfo[]): Error {
  return new Error(`Function '${name}' does not accept parameters (${args.map((a) => (a.type ? formatType(a.type) : 'NULL')).join(', ')}).`);
}

/**
 * TOPK(col, k) keeps the k largest non-NULL values of col; TOPK(col, other…, k) keeps, for the k
 * records with the largest col, a STRUCT of `sort_col` (col) and `col0`, `col1`, … (the other
 * columns, in order, any type, NULLs kept). As ksqlDB's TopkKudaf: a record whose col is NULL is
 * ignored; ties keep arrival order (the earlier first), so a full list takes a newcomer only when it
 * is strictly larger than its last; merging two lists prefers the first on ties. TOPKDISTINCT has
 * no other-columns form.
 */
/**
 * The sort-column types ksqlDB's UDAF factories declare: TopkKudaf has INT, BIGINT, DOUBLE and
 * STRING; TopkDistinctKudaf adds DECIMAL, DATE, TIME, TIMESTAMP and BYTES. ksqlDB's function index
 * then also takes an argument it may implicitly widen to a declared type (a DECIMAL to DOUBLE), so
 * only the types no numeric widening reaches are refused.
 */
const TOPK_SORT_TYPES: Record<'TOPK' | 'TOPKDISTINCT', ReadonlySet<string>> = {
  TOPK: new Set(['INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'STRING']),
  TOPKDISTINCT: new Set(['INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'STRING', 'DATE', 'TIME', 'TIMESTAMP', 'BYTES']),
};

function topK(name: 'TOPK' | 'TOPKDISTINCT', distinct: boolean): AggregateFunction {
  return {
    name,
    description: distinct
      ? 'The distinct top K values of a column, largest first.'
      : 'The top K values of a column, largest first; with other columns, a STRUCT of sort_col and col0, col1, … per record.',
    signatures: distinct ? [`${name}(col, k INT) → ARRAY<type of col>`] : [`${name}(col, k INT) → ARRAY<type of col>`, `${name}(col, other…, k INT) → ARRAY<STRUCT<sort_col, col0, …>>`],
    resolve(args): AggregateImpl<Value[]> {
      const t = colType(name, args);
      if (!TOPK_SORT_TYPES[name].has(t.kind)) throw noOverload(name, args);
      const last = args.length - 1;
      const k = constInt(args, last >= 1 ? last : 1, 1);
      const others = args.slice(1, Math.max(1, last));
      if (others.length && distinct) throw doesNotAccept(name, args);
      if (others.some((o) => o.type === null)) throw doesNotAccept(name, args);
      const fields = [{ name: 'sort_col', type: t }, ...others.map((o, i) => ({ name: `col${i}`, type: o.type! }))];
      // The row's values arrive without the constant arguments: constant other columns are put back.
      const entry = (a: readonly Value[]): Value => {
        if (!others.length) return a[0] ?? null;
        const o: Record<string, Value> = { sort_col: a[0] ?? null };
        let next = 1;
        others.forEach((info, i) => (o[`col${i}`] = info.isConstant ? (info.constant ?? null) : (a[next++] ?? null)));
        return o;
      };
      const sortValue = (e: Value): Value => (others.length ? ((e as Record<string, Value>).sort_col ?? null) : e);
      const insert = (s: Value[], e: Value): Value[] => {
        const v = sortValue(e);
        if (v === null) return s;
        if (distinct && s.some((x) => valuesEqual(x, v))) return s;
        // Array.prototype.sort is stable: an equal newcomer stays after the ones already there.
        const out = [...s, e].sort((a, b) => compareValues(sortValue(b)!, sortValue(a)!));
        return out.slice(0, k);
      };
      return {
        intermediate: 'ARRAY',
        returnType: T.array(others.length ? T.struct(fields) : t),
        init: () => [],
        add: (s, a) => insert(s, entry(a)),
        merge: (a, b) => b.reduce(insert, a),
        result: (s) => s,
        ...listCodec,
      };
    },
  };
}

export const TOPK = topK('TOPK', false);
export const TOPKDISTINCT = topK('TOPKDISTINCT', true);

export const HISTOGRAM: AggregateFunction = {
  name: 'HISTOGRAM',
  description: 'A map from each distinct (string) value to the number of times it occurred.',
  signatures: ['HISTOGRAM(col STRING) → MAP<STRING, BIGINT>'],
  resolve(args): AggregateImpl<[string, number][]> {
    // ksqlDB's HISTOGRAM has one overload, of STRING.
    if (colType('HISTOGRAM', args).kind !== 'STRING' || args.length !== 1) throw noOverload('HISTOGRAM', args);
    const bump = (s: [string, number][], v: Value, d: number): [string, number][] => {
      if (v === null) return s;
      const key = String(v);
      const i = s.findIndex((e) => e[0] === key);
      if (i < 0) return d > 0 && s.length < 1000 ? [...s, [key, d]] : s;
      const n = s[i]![1] + d;
      return n <= 0 ? [...s.slice(0, i), ...s.slice(i + 1)] : s.map((e, j) => (j === i ? [key, n] : e));
    };
    return {
      intermediate: 'MAP',
      returnType: T.map(T.STRING, T.BIGINT),
      init: () => [],
      add: (s, a) => bump(s, a[0] ?? null, 1),
      undo: (s, a) => bump(s, a[0] ?? null, -1),
      merge: (a, b) => b.reduce((acc, [k, n]) => bump(acc, k, n), a),
      result: (s) => new Map(s),
      serialize: (s) => s,
      deserialize: (d) => d as [string, number][],
    };
  },
};

export const ATTR: AggregateFunction = {
  name: 'ATTR',
  description: 'The value of a column when every row of the group has the same one, else NULL.',
  signatures: ['ATTR(col) → type of col'],
  // State: each distinct value with its count, so a table's retractions can be undone.
  resolve(args): AggregateImpl<[Value, number][]> {
    const t = colType('ATTR', args);
    const bump = (s: [Value, number][], v: Value, d: number): [Value, number][] => {
      const i = s.findIndex((e) => (e[0] === null ? v === null : v !== null && valuesEqual(e[0], v)));
      if (i < 0) return d > 0 ? [...s, [v, d]] : s;
      const n = s[i]![1] + d;
      return n <= 0 ? [...s.slice(0, i), ...s.slice(i + 1)] : s.map((e, j) => (j === i ? [e[0], n] : e));
    };
    return {
      returnType: t,
      init: () => [],
      add: (s, a) => bump(s, a[0] ?? null, 1),
      undo: (s, a) => bump(s, a[0] ?? null, -1),
      merge: (a, b) => b.reduce((acc, [v, n]) => bump(acc, v, n), a),
      result: (s) => (s.length === 1 ? s[0]![0] : null),
      serialize: (s) => toState(s.map(([v, n]) => [v, n])),
      deserialize: (d) => fromState(d) as [Value, number][],
    };
  },
};

export const COUNT_DISTINCT: AggregateFunction = {
  name: 'COUNT_DISTINCT',
  description: 'The number of distinct non-NULL values of a column.',
  signatures: ['COUNT_DISTINCT(col) → BIGINT'],
  resolve(args): AggregateImpl<Value[]> {
    colType('COUNT_DISTINCT', args);
    const add = (s: Value[], v: Value): Value[] => (v === null || s.some((x) => valuesEqual(x, v)) ? s : [...s, v]);
    return {
      returnType: T.BIGINT,
      init: () => [],
      add: (s, a) => add(s, a[0] ?? null),
      merge: (a, b) => b.reduce(add, a),
      result: (s) => s.length,
      ...listCodec,
    };
  },
};
