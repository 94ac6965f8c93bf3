// The SQL people type first, in ad-hoc queries (Eddy): SELECT without FROM, ORDER BY over static
// tables, aggregates without GROUP BY over them, and a primary-key lookup that EXPLAIN shows.
// Over ksqlDB's streams and tables, ksqlDB's refusals stand.

import { afterAll, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, rows } from './helpers.js';

function refusal(eddy: Eddy, sql: string): Error {
  try {
    eddy.execute(sql);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`not refused: ${sql}`);
}

describe('SELECT without FROM', () => {
  const eddy = engine();
  afterAll(() => eddy.close());

  it('is one row, evaluated once', () => {
    expect(rows(eddy, 'SELECT 1;')).toEqual([[1]]);
    expect(rows(eddy, "SELECT 1+2 AS x, 'a';")).toEqual([[3, 'a']]);
    expect(rows(eddy, 'SELECT ABS(-3);')).toEqual([[3]]);
    const [r] = eddy.execute("SELECT 1+2 AS x, 'a', ABS(-3.5) AS A;");
    expect(r).toMatchObject({
      kind: 'rows',
      columns: [
        { name: 'X', type: 'INTEGER' },
        { name: 'KSQL_COL_0', type: 'STRING' },
        { name: 'A', type: 'DECIMAL(2, 1)' },
      ],
    });
    // Once: a non-deterministic function gives one row, not one per anything.
    expect(rows(eddy, 'SELECT RANDOM() AS R;')).toHaveLength(1);
  });

  it('applies WHERE and LIMIT, and aggregates as one group', () => {
    expect(rows(eddy, 'SELECT 1 WHERE 1 < 2;')).toEqual([[1]]);
    expect(rows(eddy, 'SELECT 1 WHERE FALSE;')).toEqual([]);
    expect(rows(eddy, 'SELECT 1 LIMIT 0;')).toEqual([]);
    expect(rows(eddy, 'SELECT 1 LIMIT 5;')).toEqual([[1]]);
    expect(rows(eddy, 'SELECT COUNT(*) AS N;')).toEqual([[1]]);
    expect(rows(eddy, 'SELECT COUNT(*) AS N WHERE FALSE;')).toEqual([[0]]);
    expect(rows(eddy, 'SELECT 2 AS B, 1 AS A ORDER BY A DESC;')).toEqual([[2, 1]]);
  });

  it('is refused where a query needs records to arrive', () => {
    expect(refusal(eddy, 'SELECT 1 EMIT CHANGES;').message).toMatch(/^line 1:1: EMIT CHANGES needs a FROM clause/);
    expect(refusal(eddy, 'CREATE STREAM ONE AS SELECT 1 AS X;').message).toMatch(/persistent query .* needs a FROM clause/);
    expect(refusal(eddy, 'CREATE TABLE ONE AS SELECT 1 AS X;').message).toMatch(/persistent query .* needs a FROM clause/);
    expect(refusal(eddy, 'SELECT *;').message).toMatch(/^line 1:8: SELECT \* needs a FROM clause/);
    expect(eddy.state.catalog.has('ONE')).toBe(false);
  });

  it('EXPLAIN shows its single row', () => {
    const [r] = eddy.execute('EXPLAIN SELECT 1;');
    expect(r).toMatchObject({ kind: 'explain', text: expect.stringMatching(/SingleRow: one row of no columns/) });
    const [a] = eddy.execute('EXPLAIN ANALYZE SELECT 1 + 1 AS X;');
    expect(a).toMatchObject({ kind: 'explain', summary: expect.stringMatching(/over 1 input record .* 1 output row\./) });
  });
});

describe('ORDER BY and aggregates over static tables', () => {
  const eddy = engine();
  afterAll(() => eddy.close());
  eddy.execute('CREATE TABLE U (ID INT PRIMARY KEY, N INT, S STRING, TAGS ARRAY<STRING>);');
  // Inserted out of key order, with NULLs and ties, so that neither key order nor insertion order is the answer.
  for (const [id, n, s] of [
    [4, '20', "'b'"],
    [2, 'NULL', "'a'"],
    [5, '10', "'b'"],
    [1, '20', "'a'"],
    [3, '30', 'NULL'],
  ] as const) {
    eddy.execute(`INSERT INTO U (ID, N, S) VALUES (${id}, ${n}, ${s});`);
  }
  eddy.execute("CREATE STREAM EVENTS (ID INT KEY, V INT) WITH (kafka_topic='events', value_format='JSON', partitions=1);");
  eddy.execute('CREATE TABLE EVENT_COUNTS AS SELECT ID, COUNT(*) AS C FROM EVENTS GROUP BY ID;');

  it('sorts after projection, by name, alias, position or expression, with LIMIT after the sort', () => {
    expect(rows(eddy, 'SELECT ID, N FROM U ORDER BY ID;')).toEqual([
      [1, 20],
      [2, null],
      [3, 30],
      [4, 20],
      [5, 10],
    ]);
    expect(rows(eddy, 'SELECT ID FROM U ORDER BY ID DESC LIMIT 2;')).toEqual([[5], [4]]);
    expect(rows(eddy, 'SELECT ID AS K, N FROM U ORDER BY K DESC LIMIT 1;')).toEqual([[5, 10]]);
    expect(rows(eddy, 'SELECT N, ID FROM U ORDER BY 2 LIMIT 3;')).toEqual([
      [20, 1],
      [null, 2],
      [30, 3],
    ]);
    // An expression of the input that is not selected: computed to sort by, not shown.
    expect(rows(eddy, 'SELECT ID FROM U ORDER BY ID % 3, ID;')).toEqual([[3], [1], [4], [2], [5]]);
    const [r] = eddy.execute('SELECT ID FROM U ORDER BY N * 2 LIMIT 1;');
    expect(r).toMatchObject({ kind: 'rows', columns: [{ name: 'ID' }], rows: [[5]] });
    // Sorting is stable: ties keep the order the rows were read in (the table's key order).
    expect(rows(eddy, 'SELECT ID, S FROM U ORDER BY S;')).toEqual([
      [1, 'a'],
      [2, 'a'],
      [4, 'b'],
      [5, 'b'],
      [3, null],
    ]);
    expect(rows(eddy, 'SELECT * FROM U WHERE N >= 20 ORDER BY N DESC, ID;')).toEqual([
      [3, 30, null, null],
      [1, 20, 'a', null],
      [4, 20, 'b', null],
    ]);
  });

  it('places NULLs as PostgreSQL does: last ascending, first descending, unless told', () => {
    expect(rows(eddy, 'SELECT ID FROM U ORDER BY N, ID;').flat()).toEqual([5, 1, 4, 3, 2]);
    expect(rows(eddy, 'SELECT ID FROM U ORDER BY N DESC, ID;').flat()).toEqual([2, 3, 1, 4, 5]);
    expect(rows(eddy, 'SELECT ID FROM U ORDER BY N ASC NULLS FIRST, ID;').flat()).toEqual([2, 5, 1, 4, 3]);
    expect(rows(eddy, 'SELECT ID FROM U ORDER BY N DESC NULLS LAST, ID DESC;').flat()).toEqual([3, 4, 1, 5, 2]);
  });

  it('aggregates without GROUP BY as one row, also over no rows', () => {
    expect(rows(eddy, 'SELECT COUNT(*) FROM U;')).toEqual([[5]]);
    expect(rows(eddy, 'SELECT COUNT(*) AS C, COUNT(N) AS CN, SUM(N) AS S, MIN(N) AS LO, MAX(N) AS HI, AVG(N) AS A FROM U;')).toEqual([[5, 4, 80, 10, 30, 20]]);
    expect(rows(eddy, 'SELECT COUNT(*), MAX(S) FROM U WHERE ID > 3;')).toEqual([[2, 'b']]);
    // No rows: COUNT is 0; MIN and MAX have nothing to report; SUM and AVG keep ksqlDB's start
    // (SUM 0; AVG maps a zero count to 0.0).
    expect(rows(eddy, 'SELECT COUNT(*), SUM(N), MIN(N), MAX(N), AVG(N) FROM U WHERE ID > 99;')).toEqual([[0, 0, null, null, 0]]);
  });

  it('sorts a GROUP BY by its select columns', () => {
    expect(rows(eddy, 'SELECT S, COUNT(*) AS C FROM U GROUP BY S ORDER BY C DESC, S;')).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    expect(rows(eddy, 'SELECT S, MIN(N) FROM U GROUP BY S ORDER BY MIN(N) DESC;')).toEqual([
      ['a', 20],
      ['b', 10],
    ]);
    expect(refusal(eddy, 'SELECT S, COUNT(*) FROM U GROUP BY S ORDER BY MAX(N);').message).toMatch(/ORDER BY MAX\(N\): an aggregation sorts by a column of its select list/);
  });

  it('refuses what has no order, and positions past the select list', () => {
    expect(refusal(eddy, 'SELECT ID FROM U ORDER BY 2;').message).toMatch(/^line 1:27: ORDER BY position 2 is not in select list/);
    expect(refusal(eddy, 'SELECT ID, TAGS FROM U ORDER BY TAGS;').message).toMatch(/values of type ARRAY have no order/);
  });

  it("keeps ksqlDB's refusal over its streams and tables, pull or push, and in persistent queries", () => {
    // ksqlDB's syntax error (an empty detail line, the statement), then Eddy's advice.
    const syntax = /^line 1:(\d+): Syntax Error\n\n(Statement: .*\n)?ksqlDB SQL has no ORDER BY/;
    // ksqlDB reads `EVENTS ORDER` as an alias and fails at BY: column 28.
    expect(refusal(eddy, 'SELECT * FROM EVENTS ORDER BY ID DESC;').message).toMatch(/^line 1:28: Syntax Error/);
    expect(refusal(eddy, 'SELECT * FROM EVENT_COUNTS ORDER BY C;').message).toMatch(syntax);
    expect(refusal(eddy, 'SELECT * FROM EVENT_COUNTS ORDER BY C;').message).toMatch(/^line 1:34: Syntax Error\n\nStatement: SELECT \* FROM EVENT_COUNTS ORDER BY C;\n/);
    expect(refusal(eddy, 'SELECT * FROM EVENTS ORDER BY ID EMIT CHANGES;').message).toMatch(syntax);
    // A static table followed as it changes has no end either.
    expect(refusal(eddy, 'SELECT * FROM U ORDER BY ID EMIT CHANGES;').message).toMatch(syntax);
    expect(refusal(eddy, 'SELECT * FROM latest.EVENTS ORDER BY ID;').message).toMatch(syntax);
    expect(refusal(eddy, 'SELECT E.ID, U.S FROM EVENTS E JOIN U ON E.ID = U.ID ORDER BY U.S EMIT CHANGES;').message).toMatch(syntax);
    expect(refusal(eddy, 'CREATE TABLE SORTED AS SELECT * FROM U ORDER BY ID;').message).toMatch(syntax);
    expect(refusal(eddy, 'CREATE STREAM SORTED AS SELECT * FROM EVENTS ORDER BY ID;').message).toMatch(syntax);
    expect(eddy.state.catalog.has('SORTED')).toBe(false);
    // And an aggregate without GROUP BY over them.
    expect(refusal(eddy, 'SELECT COUNT(*) FROM EVENTS;').message).toMatch(/Aggregate functions require a GROUP BY clause/);
    expect(refusal(eddy, 'SELECT COUNT(*) FROM U EMIT CHANGES;').message).toMatch(/Aggregate functions require a GROUP BY clause/);
  });
});
