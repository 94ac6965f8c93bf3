// Streaming ML in SQL: STREAMING_KMEANS and the SGD regressions learn as aggregates (the model is
// a table's value), KMEANS_PREDICT / LINEAR_PREDICT / LOGISTIC_PREDICT score with them. The
// numbers are checked against Spark MLlib's own implementations, run by scripts/ml-reference.py
// with each record its own mini-batch (fixtures/streaming-ml.json says which pyspark made it),
// at several of Eddy's batch sizes: a model depends on the records, not on how they were batched.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import type { Value } from '../../src/planner/values.js';
import { perTest, rows } from '../engine/helpers.js';

interface Fixture {
  made_by: string;
  kmeans: { k: number; points: number[][]; by_decay: Record<string, { centers: number[][]; weights: number[]; predictions: number[] }> };
  regression: { records: { x: number[]; y: number; c: number }[]; linear: { step: number; weights: number[] }; logistic: { step: number; weights: number[] } };
}

const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'streaming-ml.json'), 'utf8')) as Fixture;
const t = perTest('ml');

const TOL = 1e-9;
function close(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `element ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(expected[i]!))));
}

const arr = (xs: readonly number[]) => `ARRAY[${xs.map((x) => (Number.isInteger(x) ? `${x}.0` : String(x))).join(', ')}]`;

function open(maxRecords: number, dataDir?: string): Eddy {
  return t.use(Eddy.open({ ...(dataDir ? { dataDir } : {}), autoStart: false, batch: { maxRecords }, properties: { 'auto.offset.reset': 'earliest' } }));
}

function drain(e: Eddy): void {
  while (e.step() > 0) {
    // one micro-batch per step, until every query has read everything
  }
}

function loadPoints(e: Eddy): void {
  e.execute("CREATE STREAM POINTS (G INT KEY, X ARRAY<DOUBLE>) WITH (kafka_topic='points', value_format='JSON', partitions=1);");
  const values = fx.kmeans.points.map((p) => `(1, ${arr(p)})`);
  for (const v of values) e.execute(`INSERT INTO POINTS (G, X) VALUES ${v};`);
}

function loadRegression(e: Eddy): void {
  e.execute("CREATE STREAM OBS (G INT KEY, X ARRAY<DOUBLE>, Y DOUBLE, C INT) WITH (kafka_topic='obs', value_format='JSON', partitions=1);");
  for (const r of fx.regression.records) e.execute(`INSERT INTO OBS (G, X, Y, C) VALUES (1, ${arr(r.x)}, ${r.y}, ${r.c});`);
}

type Model = Record<string, Value>;

describe(`streaming ML against Spark MLlib (${fx.made_by})`, () => {
  for (const batch of [1, 7, 10_000]) {
    it(`STREAMING_KMEANS equals Spark's StreamingKMeans, decay 1 and 0.95, at ${batch} records per batch`, () => {
      const e = open(batch);
      loadPoints(e);
      e.execute(`CREATE TABLE CLUSTERS AS SELECT G, STREAMING_KMEANS(X, ${fx.kmeans.k}) AS M1, STREAMING_KMEANS(X, ${fx.kmeans.k}, 0.95) AS M95 FROM POINTS GROUP BY G;`);
      drain(e);
      const [[, m1, m95]] = rows(e, 'SELECT * FROM CLUSTERS;') as [[Value, Model, Model]];
      for (const [m, ref] of [
        [m1, fx.kmeans.by_decay['1.0']!],
        [m95, fx.kmeans.by_decay['0.95']!],
      ] as const) {
        (m['CENTERS'] as number[][]).forEach((c, j) => close(c, ref.centers[j]!));
        close(m['WEIGHTS'] as number[], ref.weights);
      }
    });

    it(`STREAMING_LINEAR_REGRESSION and STREAMING_LOGISTIC_REGRESSION equal Spark's SGD at ${batch} records per batch`, () => {
      const e = open(batch);
      loadRegression(e);
      e.execute(
        `CREATE TABLE MODELS AS SELECT G, STREAMING_LINEAR_REGRESSION(X, Y, ${fx.regression.linear.step}) AS LIN, STREAMING_LOGISTIC_REGRESSION(X, C, ${fx.regression.logistic.step}) AS LOGIT FROM OBS GROUP BY G;`,
      );
      drain(e);
      const [[, lin, logit]] = rows(e, 'SELECT * FROM MODELS;') as [[Value, Model, Model]];
      close(lin['WEIGHTS'] as number[], fx.regression.linear.weights);
      close(logit['WEIGHTS'] as number[], fx.regression.logistic.weights);
      expect(lin['N']).toBe(fx.regression.records.length);
    });
  }

  it('scores a stream online with the learnt model (a stream–table join), as Spark predicts', () => {
    const e = open(50);
    loadPoints(e);
    e.execute(`CREATE TABLE CLUSTERS AS SELECT G, STREAMING_KMEANS(X, ${fx.kmeans.k}) AS M FROM POINTS GROUP BY G;`);
    drain(e);
    // New points, scored against the finished model.
    e.execute("CREATE STREAM FRESH (G INT KEY, N INT, X ARRAY<DOUBLE>) WITH (kafka_topic='fresh', value_format='JSON', partitions=1);");
    e.execute('CREATE STREAM SCORED AS SELECT F.G, F.N, KMEANS_PREDICT(C.M, F.X) AS CLUSTER FROM FRESH F JOIN CLUSTERS C ON F.G = C.G;');
    fx.kmeans.points.slice(0, 20).forEach((p, i) => e.execute(`INSERT INTO FRESH (G, N, X) VALUES (1, ${i}, ${arr(p)});`));
    drain(e);
    const scored = rows(e, 'SELECT N, CLUSTER FROM SCORED;') as [number, number][];
    const byN = new Map(scored.map(([n, c]) => [n, c]));
    expect([...Array(20).keys()].map((i) => byN.get(i))).toEqual(fx.kmeans.by_decay['1.0']!.predictions);
  });

  it('trains offline from a static table with one bounded query and predicts with the result', () => {
    const e = open(1000);
    e.execute('CREATE TABLE TRAIN (ID INT PRIMARY KEY, X ARRAY<DOUBLE>, Y DOUBLE);');
    fx.regression.records.forEach((r, i) => e.execute(`INSERT INTO TRAIN (ID, X, Y) VALUES (${i}, ${arr(r.x)}, ${r.y});`));
    const [[model]] = rows(e, `SELECT STREAMING_LINEAR_REGRESSION(X, Y, ${fx.regression.linear.step}) AS M FROM TRAIN;`) as [[Model]];
    // A static table's rows are read in key order, which is the fixture's order.
    close(model['WEIGHTS'] as number[], fx.regression.linear.weights);
    const w = fx.regression.linear.weights;
    const [[p]] = rows(e, `SELECT LINEAR_PREDICT(STRUCT(WEIGHTS := ${arr(w)}), ARRAY[0.5, -0.5, 1.0]) AS P;`) as [[number]];
    expect(Math.abs(p - (0.5 * w[0]! - 0.5 * w[1]! + w[2]!))).toBeLessThan(1e-12);
  });

  it('the model survives a restart and keeps learning from where it was', () => {
    const dir = t.dir();
    const first = open(10, dir);
    loadRegression(first);
    first.execute(`CREATE TABLE MODELS AS SELECT G, STREAMING_LINEAR_REGRESSION(X, Y, ${fx.regression.linear.step}) AS LIN FROM OBS GROUP BY G;`);
    // Half the records learnt, then the process goes away.
    for (let i = 0; i < 8; i++) first.step();
    first.close();
    const again = open(10, dir);
    drain(again);
    const [[, lin]] = rows(again, 'SELECT * FROM MODELS;') as [[Value, Model]];
    close(lin['WEIGHTS'] as number[], fx.regression.linear.weights);
  });

  it('refuses what it cannot learn from at planning time, and logs a row it must skip', () => {
    const e = open(100);
    loadRegression(e);
    expect(() => e.execute('SELECT G, STREAMING_KMEANS(X, 0) FROM OBS GROUP BY G EMIT CHANGES;')).toThrow(/k must be a positive integer/);
    expect(() => e.execute('SELECT G, STREAMING_KMEANS(X, 3, 1.5) FROM OBS GROUP BY G EMIT CHANGES;')).toThrow(/decay must be between 0 and 1/);
    expect(() => e.execute('SELECT G, STREAMING_KMEANS(Y, 3) FROM OBS GROUP BY G EMIT CHANGES;')).toThrow(/does not accept parameters \(DOUBLE, INTEGER\)/);
    expect(() => e.execute('SELECT G, STREAMING_LINEAR_REGRESSION(X, Y, C) FROM OBS GROUP BY G EMIT CHANGES;')).toThrow(/must be a literal constant/);
    expect(() => e.execute('SELECT KMEANS_PREDICT(X, X) FROM OBS EMIT CHANGES;')).toThrow(/takes a model made by STREAMING_KMEANS/);
    e.execute('CREATE TABLE M AS SELECT G, STREAMING_LOGISTIC_REGRESSION(X, Y, 0.1) AS LOGIT FROM OBS GROUP BY G;');
    drain(e);
    // Y is not a 0/1 label: every row is skipped, each logged.
    const [[, logit]] = rows(e, 'SELECT * FROM M;') as [[Value, Model]];
    expect(logit['N']).toBe(0);
    const log = rows(e, "SELECT REASON FROM PROCESSING_LOG WHERE REASON LIKE '%STREAMING_LOGISTIC_REGRESSION%';");
    expect(log.length).toBeGreaterThan(0);
    expect(String(log[0]![0])).toMatch(/row skipped: a label of .*: logistic regression takes 0 or 1/);
  });
});
