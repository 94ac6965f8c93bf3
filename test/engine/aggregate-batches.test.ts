// Aggregations emit in update mode: one change per (group, window) changed in a micro-batch, with
// the group's result at the end of the batch, in the order the groups were first changed. With one
// record per batch that is every change.
import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, topic } from './helpers.js';

let eddy: Eddy | undefined;
afterEach(() => eddy?.close());

const S = "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);";

/** Insert stream records (key, value, rowtime) and run until idle: one batch when the batch is large. */
function feed(e: Eddy, records: [string, number, number][]): void {
  for (const [k, v, ts] of records) e.execute(`INSERT INTO S (ROWTIME, K, V) VALUES (${ts}, '${k}', ${v});`);
  e.runUntilIdle();
}

describe('aggregation changes collapse per micro-batch', () => {
  it('five records of one key in one batch: one change with the final count', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY K;');
    feed(eddy, [1, 2, 3, 4, 5].map((v) => ['a', v, v]));
    expect(topic(eddy, 'T').map((r) => [r.key, r.value, r.ts])).toEqual([['a', { N: 5, TOTAL: 15 }, 5]]);
  });

  it('two keys in one batch: two changes, in the order the keys first changed', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;');
    feed(eddy, [['b', 1, 1], ['a', 1, 2], ['b', 1, 3], ['a', 1, 4], ['b', 1, 5]]);
    feed(eddy, [['a', 1, 6]]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.value])).toEqual([
      ['b', { N: 3 }],
      ['a', { N: 2 }],
      ['a', { N: 3 }],
    ]);
  });

  it('one record per batch still gives every change', () => {
    eddy = engine(1);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;');
    feed(eddy, [['a', 1, 1], ['b', 1, 2], ['a', 1, 3], ['a', 1, 4]]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.value])).toEqual([
      ['a', { N: 1 }],
      ['b', { N: 1 }],
      ['a', { N: 2 }],
      ['a', { N: 3 }],
    ]);
  });

  it('hopping windows: one change per (key, window) the batch touched', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 1 SECOND) GROUP BY K;');
    feed(eddy, [['a', 1, 500], ['a', 1, 1500], ['a', 1, 1600]]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.window?.start, r.value])).toEqual([
      ['a', 0, { N: 3 }],
      ['a', 1000, { N: 2 }],
    ]);
  });

  it('a table input: undo and redo in one batch net out; HAVING deletes an emptied group and hides one never seen', () => {
    for (const batch of [1, 100]) {
      const e = engine(batch);
      e.execute("CREATE TABLE U (ID INT PRIMARY KEY, G STRING) WITH (kafka_topic='u', value_format='JSON', partitions=1);");
      e.execute('CREATE TABLE PER_G AS SELECT G, COUNT(*) AS N FROM U GROUP BY G HAVING COUNT(*) > 0;');
      e.execute("INSERT INTO U (ID, G) VALUES (1, 'x');");
      e.runUntilIdle();
      // Row 1 moves x → y (x empties); row 2 appears in z, then moves to y (z appears and empties).
      for (const [id, g] of [[1, 'y'], [2, 'z'], [2, 'y']] as const) e.execute(`INSERT INTO U (ID, G) VALUES (${id}, '${g}');`);
      e.runUntilIdle();
      const changes = topic(e, 'PER_G').map((r) => [r.key, r.value]);
      if (batch === 1) {
        expect(changes).toEqual([
          ['x', { N: 1 }],
          ['x', null],
          ['y', { N: 1 }],
          ['z', { N: 1 }],
          ['z', null],
          ['y', { N: 2 }],
        ]);
      } else {
        expect(changes).toEqual([
          ['x', { N: 1 }],
          ['x', null],
          ['y', { N: 2 }],
        ]);
      }
      e.close();
    }
  });

  it('EMIT FINAL: a window closed within a larger batch is emitted once, with its final result', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY K EMIT FINAL;');
    feed(eddy, [['a', 1, 100], ['a', 1, 200], ['b', 1, 300], ['a', 1, 1100], ['a', 1, 2100]]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.window?.start, r.value])).toEqual([
      ['a', 0, { N: 2 }],
      ['b', 0, { N: 1 }],
      ['a', 1000, { N: 1 }],
    ]);
  });
});
