// Streaming machine learning as aggregates: the model is the aggregate's value, so it lives where
// any aggregate lives — in a table you can query, join and restart with — and it commits with the
// batch like every other state.
//
//   STREAMING_KMEANS(features, k[, decay])            Spark MLlib's StreamingKMeans update rule
//   STREAMING_LINEAR_REGRESSION(features, label, step)   Spark's StreamingLinearRegressionWithSGD
//   STREAMING_LOGISTIC_REGRESSION(features, label, step) Spark's StreamingLogisticRegressionWithSGD
//
// Spark applies its rule once per micro-batch, so its models depend on how the stream was cut.
// Eddy applies the same rule with every record as its own mini-batch (Spark's timeUnit "points"
// with a batch of one; one SGD iteration per record), so a model depends only on the records and
// their order, never on Eddy's batch size. test/functions/streaming-ml.test.ts checks the numbers
// against pyspark's own implementations (fixtures made by scripts/ml-reference.py).

import { formatType, T, type SqlType } from '../../../parser/sql-type.js';
import { toDouble, type Long } from '../../long.js';
import { Decimal, type Struct, type Value } from '../../values.js';
import type { AggregateFunction, AggregateImpl, ArgInfo, FunctionSettings } from '../types.js';

const NUMERIC = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL']);
const isNumeric = (t: SqlType | null | undefined): boolean => !!t && NUMERIC.has(t.kind);
const isVector = (t: SqlType | null | undefined): boolean => !!t && t.kind === 'ARRAY' && isNumeric(t.item);

function bad(name: string, args: readonly ArgInfo[]): Error {
  return new Error(`Function '${name}' does not accept parameters (${args.map((a) => (a.type ? formatType(a.type) : 'NULL')).join(', ')}).`);
}

function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof Decimal) return Number(v.toString());
  return toDouble(v as Long);
}

/** A feature vector as doubles, or a reason it is not one (NULL, or a NULL element). */
function vector(v: Value): number[] | string {
  if (v === null) return 'the features are NULL';
  const xs = v as Value[];
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x === null) return `feature ${i + 1} is NULL`;
    out[i] = num(x);
  }
  return out;
}

/** A literal parameter at `index`, checked; `what` names it in the message. */
function literal(name: string, args: readonly ArgInfo[], index: number, what: string): number | undefined {
  const a = args[index];
  if (!a) return undefined;
  if (!a.isConstant) throw new Error(`Parameter ${index + 1} passed to function ${name} must be a literal constant, but was expression: '${a.text ?? '?'}'`);
  if (a.constant === null || a.constant === undefined) throw new Error(`${name}: ${what} must not be NULL.`);
  return num(a.constant);
}

/** A row the model cannot take is skipped and reported (the query's processing log), never folded in altered. */
function skip(settings: FunctionSettings | undefined, name: string, why: string): void {
  settings?.onError?.(`${name}: row skipped: ${why}`);
}

// ---------------------------------------------------------------- k-means

interface KMeansState {
  /** Cluster centres, in the order the first k records seeded them. */
  c: number[][];
  /** Each centre's weight: how many records it stands for, decayed. */
  w: number[];
}

const KMEANS_TYPE = T.struct([
  { name: 'CENTERS', type: T.array(T.array(T.DOUBLE)) },
  { name: 'WEIGHTS', type: T.array(T.DOUBLE) },
]);

/** Index of the centre nearest to x (squared Euclidean distance); ties go to the lower index, as Spark's findClosest. */
export function nearest(centers: readonly (readonly number[])[], x: readonly number[]): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < centers.length; j++) {
    const c = centers[j]!;
    let d = 0;
    for (let i = 0; i < x.length; i++) {
      const e = x[i]! - c[i]!;
      d += e * e;
    }
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

export const STREAMING_KMEANS: AggregateFunction = {
  name: 'STREAMING_KMEANS',
  description:
    "Streaming k-means (Spark MLlib's StreamingKMeans rule, each record its own mini-batch): the first k records seed the centres with weight 1; then every weight is multiplied by decay (default 1: no forgetting) and the nearest centre c of weight n moves to (c·n + x) / (n + 1). Returns the model: STRUCT<CENTERS, WEIGHTS>. A NULL vector, a NULL element or a vector of another length is skipped and logged.",
  signatures: ['STREAMING_KMEANS(features ARRAY<numeric>, k INT[, decay DOUBLE]) → STRUCT<CENTERS ARRAY<ARRAY<DOUBLE>>, WEIGHTS ARRAY<DOUBLE>>'],
  resolve(args, settings): AggregateImpl<KMeansState> {
    const name = 'STREAMING_KMEANS';
    if (args.length < 2 || args.length > 3 || !isVector(args[0]!.type) || args[0]!.isConstant || !isNumeric(args[1]!.type) || (args[2] && !isNumeric(args[2].type))) throw bad(name, args);
    const k = literal(name, args, 1, 'k')!;
    const decay = literal(name, args, 2, 'decay') ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new Error(`${name}: k must be a positive integer, but was ${k}.`);
    if (!(decay >= 0 && decay <= 1)) throw new Error(`${name}: decay must be between 0 and 1, but was ${decay}.`);
    return {
      intermediate: 'STRUCT',
      returnType: KMEANS_TYPE,
      stateDescription: 'STRUCT<CENTERS ARRAY<ARRAY<DOUBLE>>, WEIGHTS ARRAY<DOUBLE>>',
      init: () => ({ c: [], w: [] }),
      add(s, a) {
        const x = vector(a[0] ?? null);
        if (typeof x === 'string') return (skip(settings, name, x), s);
        if (s.c.length > 0 && x.length !== s.c[0]!.length) return (skip(settings, name, `a vector of ${x.length} features, the model has ${s.c[0]!.length}`), s);
        if (s.c.length < k) return { c: [...s.c, x], w: [...s.w, 1] };
        const j = nearest(s.c, x);
        const w = s.w.map((n) => n * decay);
        const n = w[j]!;
        const updated = n + 1;
        // Spark: lambda = count / max(updatedWeight, 1e-16); c = (1 - lambda)·c + lambda·mean.
        const lambda = 1 / Math.max(updated, 1e-16);
        const c = s.c.slice();
        c[j] = c[j]!.map((v, i) => (1 - lambda) * v + lambda * x[i]!);
        w[j] = updated;
        return { c, w };
      },
      result: (s) => ({ CENTERS: s.c.map((c) => c.slice()), WEIGHTS: s.w.slice() }) as Struct,
      serialize: (s) => ({ c: s.c, w: s.w }),
      deserialize: (d) => {
        const o = d as KMeansState;
        return { c: o.c, w: o.w };
      },
    };
  },
};

// ---------------------------------------------------------------- SGD regressions

interface SgdState {
  /** Weights, one per feature (no intercept: add a constant 1.0 feature, as with Spark's). */
  w: number[];
  /** Records learnt from. */
  n: number;
}

const SGD_TYPE = T.struct([
  { name: 'WEIGHTS', type: T.array(T.DOUBLE) },
  { name: 'N', type: T.BIGINT },
]);

function sgd(name: string, kind: 'linear' | 'logistic'): AggregateFunction {
  return {
    name,
    description:
      kind === 'linear'
        ? "Streaming linear regression by SGD (Spark's StreamingLinearRegressionWithSGD with one iteration per record): weights start at 0 and each record moves them by −step·(w·x − label)·x. No intercept: add a constant 1.0 feature. Returns STRUCT<WEIGHTS, N>; predict with LINEAR_PREDICT."
        : "Streaming logistic regression by SGD (Spark's StreamingLogisticRegressionWithSGD with one iteration per record): labels 0 or 1; weights start at 0 and each record moves them by −step·(σ(w·x) − label)·x. No intercept: add a constant 1.0 feature. Returns STRUCT<WEIGHTS, N>; predict with LOGISTIC_PREDICT.",
    signatures: [`${name}(features ARRAY<numeric>, label numeric, step DOUBLE) → STRUCT<WEIGHTS ARRAY<DOUBLE>, N BIGINT>`],
    resolve(args, settings): AggregateImpl<SgdState> {
      if (args.length !== 3 || !isVector(args[0]!.type) || args[0]!.isConstant || !isNumeric(args[1]!.type) || args[1]!.isConstant || !isNumeric(args[2]!.type)) throw bad(name, args);
      const step = literal(name, args, 2, 'step')!;
      if (!(step > 0) || !Number.isFinite(step)) throw new Error(`${name}: step must be a positive number, but was ${step}.`);
      return {
        intermediate: 'STRUCT',
        returnType: SGD_TYPE,
        stateDescription: 'STRUCT<WEIGHTS ARRAY<DOUBLE>, N BIGINT>',
        init: () => ({ w: [], n: 0 }),
        add(s, a) {
          const x = vector(a[0] ?? null);
          if (typeof x === 'string') return (skip(settings, name, x), s);
          if (a[1] === null || a[1] === undefined) return (skip(settings, name, 'the label is NULL'), s);
          const y = num(a[1]);
          if (kind === 'logistic' && y !== 0 && y !== 1) return (skip(settings, name, `a label of ${y}: logistic regression takes 0 or 1`), s);
          const w = s.w.length ? s.w : new Array<number>(x.length).fill(0);
          if (x.length !== w.length) return (skip(settings, name, `a vector of ${x.length} features, the model has ${w.length}`), s);
          let dot = 0;
          for (let i = 0; i < x.length; i++) dot += w[i]! * x[i]!;
          const diff = kind === 'linear' ? dot - y : 1 / (1 + Math.exp(-dot)) - y;
          return { w: w.map((wi, i) => wi - step * diff * x[i]!), n: s.n + 1 };
        },
        result: (s) => ({ WEIGHTS: s.w.slice(), N: s.n }) as Struct,
        serialize: (s) => ({ w: s.w, n: s.n }),
        deserialize: (d) => {
          const o = d as SgdState;
          return { w: o.w, n: o.n };
        },
      };
    },
  };
}

export const STREAMING_LINEAR_REGRESSION = sgd('STREAMING_LINEAR_REGRESSION', 'linear');
export const STREAMING_LOGISTIC_REGRESSION = sgd('STREAMING_LOGISTIC_REGRESSION', 'logistic');
