// Array and map functions.

import { formatType, T, type SqlType } from '../../../parser/sql-type.js';
import { compareValues, valuesEqual } from '../../expr/compare.js';
import { javaString } from '../../expr/java-format.js';
import type { Value } from '../../values.js';
import { bigOf, longOf, type Long } from '../../long.js';
import { G, P, scalar, type Bindings, type Param } from '../define.js';
import { checkElements } from '../output-limits.js';
import type { ArgInfo, ScalarFunction } from '../types.js';

const arr = (v: unknown) => v as Value[];
const map = (v: unknown) => v as Map<Value, Value>;
const itemOf = (t: readonly (SqlType | null)[], i = 0): SqlType => (t[i]?.kind === 'ARRAY' ? (t[i] as { item: SqlType }).item : T.STRING);
const sameArray = (t: readonly (SqlType | null)[]) => t[0] ?? T.array(T.STRING);
const arrayOfT = (_t: unknown, _a: unknown, g: Bindings) => T.array(g.get('T') ?? T.STRING);
const contains = (a: Value[], v: Value) => a.some((x) => (x === null ? v === null : v !== null && valuesEqual(x, v)));
const distinct = (a: Value[]) => a.reduce<Value[]>((acc, v) => (contains(acc, v) ? acc : [...acc, v]), []);

/** What ARRAY_JOIN prints; any other element (a struct, a TIMESTAMP, BYTES…) fails the row, as in ksqlDB. */
const JOINABLE = new Set(['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING']);

/** Elements as Java prints them (1.0 for a DOUBLE one), NULL as 'null'. */
function joinArray(items: Value[], item: SqlType, delimiter: string): string {
  return items
    .map((v) => {
      if (v === null) return 'null';
      if (!JOINABLE.has(item.kind)) throw new Error(`error: hit element of type ${formatType(item)} which is currently not supported`);
      return javaString(v, item);
    })
    .join(delimiter);
}

/** ARRAY<STRING> (or an untyped NULL). */
const STRING_ARRAY: Param = { name: 'ARRAY<STRING>', accepts: (t) => t === null || (t.kind === 'ARRAY' && t.item.kind === 'STRING') };

/** A map ENTRIES takes (or an untyped NULL). */
const ENTRIES_MAP: Param = {
  name: 'MAP<STRING, T>',
  accepts: (t) => t === null || (t.kind === 'MAP' && t.key.kind === 'STRING' && ['INTEGER', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'STRING'].includes(t.value.kind)),
};

/** SLICE as ksqlDB's subList: a NULL bound is the start (end); out of range or crossed bounds, NULL. */
function slice(input: unknown, from: unknown, to: unknown): Value {
  if (input === null || input === undefined) return null;
  const a = arr(input);
  const start = from === null || from === undefined ? 0 : (from as number) - 1;
  const end = to === null || to === undefined ? a.length : (to as number);
  if (start < 0 || end > a.length || start > end) return null;
  return a.slice(start, end);
}

export const collectionFunctions: ScalarFunction[] = [
  scalar('ARRAY_LENGTH', 'collection', 'The number of elements of an array.', [{ params: [P.ARRAY], returns: T.INTEGER, fn: (a) => arr(a[0]).length }]),
  scalar('ARRAY_CONTAINS', 'collection', 'Whether an array holds a value.', [
    { params: [G.ARRAY_T, G.T], returns: T.BOOLEAN, nullTolerant: true, fn: (a) => (a[0] === null ? false : contains(arr(a[0]), (a[1] ?? null) as Value)) },
  ]),
  scalar('ARRAY_DISTINCT', 'collection', 'The distinct elements, in first-seen order.', [{ params: [P.ARRAY], returns: sameArray, fn: (a) => distinct(arr(a[0])) }]),
  scalar('ARRAY_EXCEPT', 'collection', 'The distinct elements of the first array that are not in the second.', [
    { params: [G.ARRAY_T, G.ARRAY_T], returns: arrayOfT, fn: (a) => distinct(arr(a[0]).filter((v) => !contains(arr(a[1]), v))) },
  ]),
  scalar('ARRAY_INTERSECT', 'collection', 'The distinct elements present in both arrays.', [
    { params: [G.ARRAY_T, G.ARRAY_T], returns: arrayOfT, fn: (a) => distinct(arr(a[0]).filter((v) => contains(arr(a[1]), v))) },
  ]),
  scalar('ARRAY_UNION', 'collection', 'The distinct elements of both arrays.', [{ params: [G.ARRAY_T, G.ARRAY_T], returns: arrayOfT, fn: (a) => distinct([...arr(a[0]), ...arr(a[1])]) }]),
  scalar('ARRAY_CONCAT', 'collection', 'The elements of both arrays.', [
    { params: [G.ARRAY_T, G.ARRAY_T], returns: arrayOfT, nullTolerant: true, fn: (a) => (a[0] === null && a[1] === null ? null : [...(arr(a[0]) ?? []), ...(arr(a[1]) ?? [])]) },
  ]),
  scalar('ARRAY_REMOVE', 'collection', 'The array without every element equal to a value.', [
    {
      params: [G.ARRAY_T, G.T],
      returns: arrayOfT,
      nullTolerant: true,
      fn: (a) => (a[0] === null ? null : arr(a[0]).filter((v) => !(v === null ? a[1] === null || a[1] === undefined : a[1] !== null && a[1] !== undefined && valuesEqual(v, a[1] as Value)))),
    },
  ]),
  scalar('ARRAY_MAX', 'collection', 'The largest non-NULL element.', [
    {
      params: [P.ARRAY],
      returns: (t) => itemOf(t),
      fn: (a) =>
        arr(a[0])
          .filter((v) => v !== null)
          .reduce<Value>((m, v) => (m === null || compareValues(v, m) > 0 ? v : m), null),
    },
  ]),
  scalar('ARRAY_MIN', 'collection', 'The smallest non-NULL element.', [
    {
      params: [P.ARRAY],
      returns: (t) => itemOf(t),
      fn: (a) =>
        arr(a[0])
          .filter((v) => v !== null)
          .reduce<Value>((m, v) => (m === null || compareValues(v, m) < 0 ? v : m), null),
    },
  ]),
  scalar('ARRAY_SORT', 'collection', "The array sorted ('ASC'/'ASCENDING' by default, or 'DESC'/'DESCENDING'; any other direction gives NULL); NULLs last.", [
    { params: [P.ARRAY], returns: sameArray, fn: (a) => sortArray(arr(a[0]), 'ASC') },
    { params: [P.ARRAY, P.STRING], returns: sameArray, fn: (a) => sortArray(arr(a[0]), String(a[1]).toUpperCase()) },
  ]),
  scalar('ARRAY_JOIN', 'collection', "The elements as one string, joined by a delimiter (',' by default).", [
    { params: [P.ARRAY], returns: T.STRING, fn: () => null, bind: (t) => (a) => joinArray(arr(a[0]), itemOf(t), ',') },
    { params: [P.ARRAY, P.STRING], returns: T.STRING, nullTolerant: true, fn: () => null, bind: (t) => (a) => (a[0] === null ? null : joinArray(arr(a[0]), itemOf(t), (a[1] as string | null) ?? '')) },
  ]),
  // ksqlDB: a NULL bound is the array's start (end); bounds outside the array, or crossed, give NULL.
  scalar('SLICE', 'collection', 'The elements from one 1-based position to another, inclusive (NULL bound: the start or end; out of range: NULL).', [
    { params: [P.ARRAY, P.INT, P.INT], returns: sameArray, nullTolerant: true, fn: (a) => slice(a[0], a[1], a[2]) },
  ]),
  scalar('GENERATE_SERIES', 'collection', 'The numbers from start to end, inclusive, by a step.', [
    // Without a step ksqlDB counts down when the end is below the start (its int difference, wrapping).
    { params: [P.INT, P.INT], returns: seriesType(T.INTEGER), fn: (a) => series(a[0] as number, a[1] as number, intDirection(a[0] as number, a[1] as number)) },
    { params: [P.INT, P.INT, P.INT], returns: seriesType(T.INTEGER), fn: (a) => series(a[0] as number, a[1] as number, a[2] as number) },
    { params: [P.LONG, P.LONG], returns: seriesType(T.BIGINT), fn: (a) => longSeries(a[0] as Long, a[1] as Long, compareValues(a[1] as Long, a[0] as Long) > 0 ? 1 : -1) },
    { params: [P.LONG, P.LONG, P.INT], returns: seriesType(T.BIGINT), fn: (a) => longSeries(a[0] as Long, a[1] as Long, a[2] as number) },
  ]),
  scalar('MAP_KEYS', 'collection', 'The keys of a map.', [{ params: [G.MAP_STRING_V], returns: (t) => T.array((t[0] as { key: SqlType }).key), fn: (a) => [...map(a[0]).keys()] }]),
  scalar('MAP_VALUES', 'collection', 'The values of a map.', [{ params: [G.MAP_STRING_V], returns: (t) => T.array((t[0] as { value: SqlType }).value), fn: (a) => [...map(a[0]).values()] }]),
  scalar('MAP_UNION', 'collection', 'Two maps merged; the second wins on shared keys.', [
    {
      params: [G.MAP_STRING_V, G.MAP_STRING_V],
      returns: (_t, _a, g) => T.map(g.get('K') ?? T.STRING, g.get('V') ?? T.STRING),
      nullTolerant: true,
      fn: (a) => (a[0] === null && a[1] === null ? null : new Map([...(map(a[0]) ?? []), ...(map(a[1]) ?? [])])),
    },
  ]),
  // ksqlDB's AS_MAP takes ARRAY<STRING> keys only.
  scalar('AS_MAP', 'collection', 'A map from an array of STRING keys and an array of values (a missing value is NULL).', [
    { params: [STRING_ARRAY, P.ARRAY], returns: (t) => T.map(T.STRING, itemOf(t, 1)), fn: (a) => new Map(arr(a[0]).map((k, i) => [k, arr(a[1])[i] ?? null])) },
  ]),
  // ksqlDB's ENTRIES is overloaded for MAP<STRING, INT | BIGINT | DOUBLE | BOOLEAN | STRING> only.
  scalar('ENTRIES', 'collection', 'The entries of a map (STRING keys; INT, BIGINT, DOUBLE, BOOLEAN or STRING values) as structs {K, V}, optionally sorted by key.', [
    {
      params: [ENTRIES_MAP, P.BOOLEAN],
      returns: (t) =>
        T.array(
          T.struct([
            { name: 'K', type: (t[0] as { key: SqlType }).key },
            { name: 'V', type: (t[0] as { value: SqlType }).value },
          ]),
        ),
      fn: (a) => {
        const entries = [...map(a[0])];
        if (a[1] === true) entries.sort((x, y) => compareValues(x[0], y[0]));
        return entries.map(([k, v]) => ({ K: k, V: v }));
      },
    },
  ]),
];

function sortArray(a: Value[], dir: string): Value[] | null {
  const desc = dir === 'DESC' || dir === 'DESCENDING';
  if (!desc && dir !== 'ASC' && dir !== 'ASCENDING') return null;
  const vals = a.filter((v) => v !== null).sort(compareValues);
  if (desc) vals.reverse();
  return [...vals, ...a.filter((v) => v === null)];
}

/** The step GENERATE_SERIES(start, end) takes: 1 when Java's int `end - start` is positive, else -1. */
function intDirection(start: number, end: number): number {
  return ((end - start) | 0) > 0 ? 1 : -1;
}

/** ARRAY<item>; a series whose bounds are constants is checked against the cap while planning. */
function seriesType(item: SqlType): (types: readonly unknown[], infos: readonly ArgInfo[]) => SqlType {
  return (_types, infos) => {
    const [a, b, c] = infos.map((i) => (i.isConstant && typeof i.constant === 'number' ? i.constant : undefined));
    const step = infos.length > 2 ? c : a !== undefined && b !== undefined ? intDirection(a, b) : 1;
    if (a !== undefined && b !== undefined && step !== undefined && step !== 0 && (b - a) * step >= 0) checkElements('GENERATE_SERIES', Math.floor((b - a) / step) + 1);
    return T.array(item);
  };
}

/**
 * The BIGINT series, exact past 2^53 (long.ts), as ksqlDB's long overload computes it: the
 * difference wraps as a Java long, the element count is `1 + (int) (diff / step)`, each element
 * is the previous plus the step.
 */
function longSeries(start: Long, end: Long, step: number): Value[] {
  if (typeof start === 'number' && typeof end === 'number') return series(start, end, step);
  if (step === 0) throw new Error('GENERATE_SERIES step cannot be zero');
  const diff = BigInt.asIntN(64, bigOf(end) - bigOf(start));
  if ((diff > 0n && step < 0) || (diff < 0n && step > 0)) throw new Error('GENERATE_SERIES step has wrong sign');
  const size = 1 + Number(BigInt.asIntN(32, diff / BigInt(step)));
  checkElements('GENERATE_SERIES', size);
  const out: Value[] = [];
  let x = bigOf(start);
  for (let k = 0; k < size; k++, x = BigInt.asIntN(64, x + BigInt(step))) out.push(longOf(x));
  return out;
}

function series(start: number, end: number, step: number): Value[] {
  if (step === 0) throw new Error('GENERATE_SERIES step cannot be zero');
  if ((end - start) * step < 0) throw new Error('GENERATE_SERIES step has wrong sign');
  checkElements('GENERATE_SERIES', Math.floor((end - start) / step) + 1);
  const out: number[] = [];
  for (let x = start; step > 0 ? x <= end : x >= end; x += step) out.push(x);
  return out;
}
