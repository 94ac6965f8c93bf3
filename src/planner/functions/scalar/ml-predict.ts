// Scoring with the models the streaming-ML aggregates learn (aggregate/streaming-ml.ts): a model is
// a STRUCT value, so it can come from a table joined to the stream, a static table, or a literal.

import { formatType, T, type SqlType } from '../../../parser/sql-type.js';
import { toDouble, type Long } from '../../long.js';
import { Decimal, type Struct, type Value } from '../../values.js';
import { nearest } from '../aggregate/streaming-ml.js';
import type { ArgInfo, ScalarFunction, ScalarImpl } from '../types.js';

const NUMERIC = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL']);

function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof Decimal) return Number(v.toString());
  return toDouble(v as Long);
}

/** The struct fields a model type must have, each an array (of arrays) of numbers. */
function hasField(t: SqlType, name: string, depth: 1 | 2): boolean {
  if (t.kind !== 'STRUCT') return false;
  const f = t.fields.find((x) => x.name === name);
  if (!f || f.type.kind !== 'ARRAY') return false;
  const item = f.type.item;
  return depth === 1 ? NUMERIC.has(item.kind) : item.kind === 'ARRAY' && NUMERIC.has(item.item.kind);
}

function check(name: string, args: readonly ArgInfo[], field: string, depth: 1 | 2, made: string): void {
  const [m, x] = args;
  const ok = args.length === 2 && m?.type && x?.type && hasField(m.type, field, depth) && x.type.kind === 'ARRAY' && NUMERIC.has(x.type.item.kind);
  if (!ok)
    throw new Error(
      `Function '${name}' does not accept parameters (${args.map((a) => (a.type ? formatType(a.type) : 'NULL')).join(', ')}). It takes a model made by ${made} and a feature vector ARRAY<numeric>.`,
    );
}

/** The features as doubles, or null when the vector or an element is NULL, or its length is not the model's. */
function features(v: Value, length: number): number[] | null {
  const xs = v as Value[];
  if (xs.length !== length) return null;
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === null) return null;
    out[i] = num(xs[i]!);
  }
  return out;
}

function dot(weights: readonly Value[], x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += num(weights[i]!) * x[i]!;
  return s;
}

function linearModel(name: string, description: string, made: string, link: (z: number) => number): ScalarFunction {
  return {
    name,
    category: 'math',
    description,
    signatures: [`${name}(model STRUCT<WEIGHTS ARRAY<DOUBLE>, …>, features ARRAY<numeric>) → DOUBLE`],
    resolve(args): ScalarImpl {
      check(name, args, 'WEIGHTS', 1, made);
      return {
        returnType: T.DOUBLE,
        fn: (a) => {
          const w = (a[0] as Struct)['WEIGHTS'] as Value[] | null;
          if (w === null || w === undefined) return null;
          const x = features(a[1] as Value, w.length);
          return x === null ? null : link(dot(w, x));
        },
      };
    },
  };
}

export const mlPredictFunctions: ScalarFunction[] = [
  {
    name: 'KMEANS_PREDICT',
    category: 'math',
    description: 'The index (from 0) of the nearest centre of a STREAMING_KMEANS model; NULL for a NULL model, a NULL or mismatched vector, or a model without centres.',
    signatures: ['KMEANS_PREDICT(model STRUCT<CENTERS ARRAY<ARRAY<DOUBLE>>, …>, features ARRAY<numeric>) → INT'],
    resolve(args): ScalarImpl {
      check('KMEANS_PREDICT', args, 'CENTERS', 2, 'STREAMING_KMEANS');
      return {
        returnType: T.INTEGER,
        fn: (a) => {
          const centers = (a[0] as Struct)['CENTERS'] as Value[][] | null;
          if (!centers || centers.length === 0 || centers.some((c) => c === null)) return null;
          const x = features(a[1] as Value, centers[0]!.length);
          return x === null
            ? null
            : nearest(
                centers.map((c) => c.map((v) => num(v))),
                x,
              );
        },
      };
    },
  },
  linearModel('LINEAR_PREDICT', 'The prediction w·x of a STREAMING_LINEAR_REGRESSION model; NULL for a NULL model or a NULL or mismatched vector.', 'STREAMING_LINEAR_REGRESSION', (z) => z),
  linearModel(
    'LOGISTIC_PREDICT',
    "The probability σ(w·x) that the label is 1, by a STREAMING_LOGISTIC_REGRESSION model (compare with 0.5 for Spark's predicted class); NULL for a NULL model or a NULL or mismatched vector.",
    'STREAMING_LOGISTIC_REGRESSION',
    (z) => 1 / (1 + Math.exp(-z)),
  ),
];
