// Higher-order functions: TRANSFORM, FILTER and REDUCE over arrays and maps.

import { T, type SqlType } from '../../../parser/sql-type.js';
import type { Value } from '../../values.js';
import { noOverload } from '../define.js';
import type { LambdaValue, ScalarFunction } from '../types.js';

const fnOf = (v: unknown) => v as LambdaValue;

/**
 * A map built as Java's Collectors.toMap builds it (what ksqlDB's TRANSFORM and FILTER of a map
 * use): two entries with one key, or a NULL value, fail the row.
 */
function collectMap(entries: readonly (readonly [Value, Value])[]): Map<Value, Value> {
  const out = new Map<Value, Value>();
  for (const [k, v] of entries) {
    if (v === null || v === undefined) throw new Error('NullPointerException: a map value is NULL');
    if (out.has(k)) throw new Error(`Duplicate key ${String(k)} (attempted merging values ${String(out.get(k))} and ${String(v)})`);
    out.set(k, v);
  }
  return out;
}

export const lambdaFunctions: ScalarFunction[] = [
  {
    name: 'TRANSFORM',
    category: 'lambda',
    description: 'Applies a lambda to each array element, or two lambdas to each map key and value.',
    signatures: ['TRANSFORM(ARRAY<T>, x => U) → ARRAY<U>', 'TRANSFORM(MAP<K,V>, (k,v) => K2, (k,v) => V2) → MAP<K2,V2>'],
    lambdaParamTypes(args, i) {
      const c = args[0];
      if (c?.kind === 'ARRAY' && i === 1) return [c.item];
      if (c?.kind === 'MAP' && (i === 1 || i === 2)) return [c.key, c.value];
      return [];
    },
    resolve(args) {
      const c = args[0]?.type;
      if (c?.kind === 'ARRAY' && args.length === 2 && args[1]!.lambda) {
        return { returnType: T.array(args[1]!.type ?? T.STRING), fn: (a) => (a[0] as Value[]).map((x) => fnOf(a[1])(x)) };
      }
      if (c?.kind === 'MAP' && args.length === 3 && args[1]!.lambda && args[2]!.lambda) {
        return {
          returnType: T.map(args[1]!.type ?? T.STRING, args[2]!.type ?? T.STRING),
          fn: (a) => collectMap([...(a[0] as Map<Value, Value>)].map(([k, v]) => [fnOf(a[1])(k, v), fnOf(a[2])(k, v)])),
        };
      }
      throw noOverload('TRANSFORM', args);
    },
  },
  {
    name: 'FILTER',
    category: 'lambda',
    description: 'Keeps the array elements (or map entries) for which a lambda is true.',
    signatures: ['FILTER(ARRAY<T>, x => BOOLEAN) → ARRAY<T>', 'FILTER(MAP<K,V>, (k,v) => BOOLEAN) → MAP<K,V>'],
    lambdaParamTypes(args) {
      const c = args[0];
      if (c?.kind === 'ARRAY') return [c.item];
      if (c?.kind === 'MAP') return [c.key, c.value];
      return [];
    },
    resolve(args) {
      const c = args[0]?.type;
      if (args.length === 2 && args[1]!.lambda && args[1]!.type?.kind === 'BOOLEAN') {
        if (c?.kind === 'ARRAY') return { returnType: c, fn: (a) => (a[0] as Value[]).filter((x) => fnOf(a[1])(x) === true) };
        if (c?.kind === 'MAP') return { returnType: c, fn: (a) => collectMap([...(a[0] as Map<Value, Value>)].filter(([k, v]) => fnOf(a[1])(k, v) === true)) };
      }
      throw noOverload('FILTER', args);
    },
  },
  {
    name: 'REDUCE',
    category: 'lambda',
    description: 'Folds an array (or map) into one value, from an initial state.',
    signatures: ['REDUCE(ARRAY<T>, S, (s, x) => S) → S', 'REDUCE(MAP<K,V>, S, (s, k, v) => S) → S'],
    lambdaParamTypes(args, i) {
      const c = args[0];
      const s = args[1] ?? T.STRING;
      if (i !== 2) return [];
      if (c?.kind === 'ARRAY') return [s, c.item];
      if (c?.kind === 'MAP') return [s, c.key, c.value];
      return [];
    },
    resolve(args) {
      const c = args[0]?.type;
      const s = args[1]?.type ?? null;
      if (args.length === 3 && args[2]!.lambda && (c?.kind === 'ARRAY' || c?.kind === 'MAP')) {
        const returnType: SqlType = s ?? args[2]!.type ?? T.STRING;
        return {
          returnType,
          nullTolerant: true,
          fn: (a) => {
            // ksqlDB: a NULL initial state gives NULL; a NULL collection gives the initial state.
            if (a[1] === null || a[1] === undefined) return null;
            if (a[0] === null || a[0] === undefined) return a[1] as Value;
            const f = fnOf(a[2]);
            let acc = (a[1] ?? null) as Value;
            if (c.kind === 'ARRAY') for (const x of a[0] as Value[]) acc = f(acc, x);
            else for (const [k, v] of a[0] as Map<Value, Value>) acc = f(acc, k, v);
            return acc;
          },
        };
      }
      throw noOverload('REDUCE', args);
    },
  },
];
