// How aggregations emit changes within a micro-batch. Without a window every change goes out as it
// happens, except that a change of the same group at the same time right after another is folded
// into it (a table reader, which takes a table's change before a stream record of the same time,
// cannot tell): the changes a stream–table join sees are those of one record per batch. Windowed
// aggregations collapse per batch: one change per (group, window) changed, with its result at the
// end of the batch, in the order the windows were first changed.
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

describe('aggregation changes within a micro-batch', () => {
  it('one key in one batch: a change per new time, changes at the same time (or older) folded into one', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY K;');
    feed(eddy, [
      ['a', 1, 1],
      ['a', 2, 2],
      ['a', 3, 2],
      ['a', 4, 1],
      ['a', 5, 5],
    ]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.value, r.ts])).toEqual([
      ['a', { N: 1, TOTAL: 1 }, 1],
      ['a', { N: 4, TOTAL: 10 }, 2],
      ['a', { N: 5, TOTAL: 15 }, 5],
    ]);
  });

  it('two keys interleaved in one batch: every change, in order (folding is only of adjacent changes)', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;');
    feed(eddy, [
      ['b', 1, 1],
      ['a', 1, 1],
      ['b', 1, 1],
      ['a', 1, 1],
      ['a', 1, 1],
    ]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.value])).toEqual([
      ['b', { N: 1 }],
      ['a', { N: 1 }],
      ['b', { N: 2 }],
      ['a', { N: 3 }],
    ]);
  });

  it('one record per batch still gives every change', () => {
    eddy = engine(1);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;');
    feed(eddy, [
      ['a', 1, 1],
      ['b', 1, 2],
      ['a', 1, 3],
      ['a', 1, 4],
    ]);
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
    feed(eddy, [
      ['a', 1, 500],
      ['a', 1, 1500],
      ['a', 1, 1600],
    ]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.window?.start, r.value])).toEqual([
      ['a', 0, { N: 3 }],
      ['a', 1000, { N: 2 }],
    ]);
  });

  it('a table input: a row moving between groups retracts and adds, at every batch size; HAVING deletes an emptied group', () => {
    for (const batch of [1, 100]) {
      const e = engine(batch);
      e.execute("CREATE TABLE U (ID INT PRIMARY KEY, G STRING) WITH (kafka_topic='u', value_format='JSON', partitions=1);");
      e.execute('CREATE TABLE PER_G AS SELECT G, COUNT(*) AS N FROM U GROUP BY G HAVING COUNT(*) > 0;');
      e.execute("INSERT INTO U (ROWTIME, ID, G) VALUES (1, 1, 'x');");
      e.runUntilIdle();
      // Row 1 moves x → y (x empties); row 2 appears in z, then moves to y (z appears and empties).
      // Each at its own time: changes of one group at one time would fold into one.
      for (const [ts, id, g] of [
        [2, 1, 'y'],
        [3, 2, 'z'],
        [4, 2, 'y'],
      ] as const)
        e.execute(`INSERT INTO U (ROWTIME, ID, G) VALUES (${ts}, ${id}, '${g}');`);
      e.runUntilIdle();
      expect(topic(e, 'PER_G').map((r) => [r.key, r.value])).toEqual([
        ['x', { N: 1 }],
        ['x', null],
        ['y', { N: 1 }],
        ['z', { N: 1 }],
        ['z', null],
        ['y', { N: 2 }],
      ]);
      e.close();
    }
  });

  it('EMIT FINAL: a window closed within a larger batch is emitted once, with its final result', () => {
    eddy = engine(100);
    eddy.execute(S);
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY K EMIT FINAL;');
    feed(eddy, [
      ['a', 1, 100],
      ['a', 1, 200],
      ['b', 1, 300],
      ['a', 1, 1100],
      ['a', 1, 2100],
    ]);
    expect(topic(eddy, 'T').map((r) => [r.key, r.window?.start, r.value])).toEqual([
      ['a', 0, { N: 2 }],
      ['b', 0, { N: 1 }],
      ['a', 1000, { N: 1 }],
    ]);
  });
});
