// TOPK as ksqlDB's TopkKudaf: TOPK(col, k) keeps the k largest non-NULL values; TOPK(col, other…, k)
// keeps, for the k records with the largest col, a STRUCT whose `sort_col` is col and whose
// `col0`, `col1`, … are the other columns in order (any type, NULLs kept). A record whose col is
// NULL is ignored; equal values keep arrival order; TOPKDISTINCT has no other-columns form.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { formatType } from '../../src/parser/sql-type.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

function scores(format = 'JSON'): Eddy {
  eddy = engine();
  eddy.execute(`CREATE STREAM SCORES (TEAM STRING KEY, PTS DOUBLE, PLAYER STRING, ROUND INT) WITH (kafka_topic='scores', value_format='${format}', partitions=1);`);
  return eddy;
}

describe('TOPK with other columns', () => {
  it('returns ARRAY<STRUCT<sort_col, col0, col1>> ordered by sort_col, ties in arrival order, NULL sort values ignored', () => {
    scores();
    eddy.execute('CREATE TABLE BEST AS SELECT TEAM, TOPK(PTS, PLAYER, ROUND, 2) AS TOP2 FROM SCORES GROUP BY TEAM;');
    const col = eddy.state.catalog.get('BEST')!.columns.find((c) => c.name === 'TOP2')!;
    expect(formatType(col.type)).toBe('ARRAY<STRUCT<`sort_col` DOUBLE, `col0` STRING, `col1` INTEGER>>');
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'red', 7.5, 'ann', 1", 1);
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'red', NULL, 'bob', 2", 2);
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'red', 9.25, NULL, 3", 3);
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'red', 7.5, 'cid', 4", 4);
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'red', 8.0, 'dee', 5", 5);
    const out = topic(eddy, 'BEST').map((r) => (r.value as { TOP2: unknown }).TOP2);
    expect(out).toEqual([
      [{ sort_col: 7.5, col0: 'ann', col1: 1 }],
      // The NULL score changes nothing (the aggregate is emitted again, unchanged).
      [{ sort_col: 7.5, col0: 'ann', col1: 1 }],
      [
        { sort_col: 9.25, col0: null, col1: 3 },
        { sort_col: 7.5, col0: 'ann', col1: 1 },
      ],
      // An equal value does not displace the one that came first.
      [
        { sort_col: 9.25, col0: null, col1: 3 },
        { sort_col: 7.5, col0: 'ann', col1: 1 },
      ],
      [
        { sort_col: 9.25, col0: null, col1: 3 },
        { sort_col: 8, col0: 'dee', col1: 5 },
      ],
    ]);
  });

  it('keeps equal values in arrival order while there is room, and a constant other column as given', () => {
    scores();
    eddy.execute("CREATE TABLE T3 AS SELECT TEAM, TOPK(PLAYER, 'x', PTS, 3) AS T FROM SCORES GROUP BY TEAM;");
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'blue', 1.0, 'mo', 1", 1);
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'blue', 2.0, 'mo', 2", 2);
    insert(eddy, 'SCORES', 'TEAM, PTS, PLAYER, ROUND', "'blue', 3.0, 'zed', 3", 3);
    const last = topic(eddy, 'T3').at(-1)!.value as { T: unknown };
    expect(last.T).toEqual([
      { sort_col: 'zed', col0: 'x', col1: 3 },
      { sort_col: 'mo', col0: 'x', col1: 1 },
      { sort_col: 'mo', col0: 'x', col1: 2 },
    ]);
  });

  it('TOPKDISTINCT takes no other columns; a format without ARRAY cannot hold the state', () => {
    scores();
    expect(() => eddy.execute('CREATE TABLE D AS SELECT TEAM, TOPKDISTINCT(PTS, PLAYER, 2) AS T FROM SCORES GROUP BY TEAM;')).toThrow(
      "Function 'TOPKDISTINCT' does not accept parameters (DOUBLE, STRING, INTEGER).",
    );
    eddy.close();
    scores('DELIMITED');
    expect(() => eddy.execute('CREATE TABLE D AS SELECT TEAM, TOPK(PTS, PLAYER, 2) AS T FROM SCORES GROUP BY TEAM;')).toThrow(
      'One of the functions used in the statement has an intermediate type that the value format can not handle.',
    );
  });
});
