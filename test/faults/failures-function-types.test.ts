// Every function call is type-checked at planning: generic parameters (T, ARRAY<T>, MAP<K, V>)
// bind one type per call, as ksqlDB's UDF index resolves them. A call that does not fit is a
// planning error with ksqlDB's wording and creates nothing — before, such a query was accepted and
// every batch of it threw.
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../src/parser/errors.js';
import { engine, rows, topic } from '../engine/helpers.js';

function setUp() {
  const e = engine(10);
  e.execute("CREATE STREAM S (ID INT KEY, C BOOLEAN, M MAP<STRING, INT>, MS MAP<STRING, STRING>, A ARRAY<INT>, B ARRAY<STRING>, BI ARRAY<BIGINT>) WITH (kafka_topic='s', value_format='JSON');");
  return e;
}

const refused: [string, string][] = [
  ['IF(C, M, A)', "Function 'if' does not accept parameters (BOOLEAN, MAP<STRING, INTEGER>, ARRAY<INTEGER>)."],
  ["IF(C, 1, 'x')", "Function 'if' does not accept parameters (BOOLEAN, INTEGER, STRING)."],
  ['ARRAY_UNION(A, B)', "Function 'array_union' does not accept parameters (ARRAY<INTEGER>, ARRAY<STRING>)."],
  ['ARRAY_CONCAT(A, B)', "Function 'array_concat' does not accept parameters (ARRAY<INTEGER>, ARRAY<STRING>)."],
  ['ARRAY_INTERSECT(B, A)', "Function 'array_intersect' does not accept parameters (ARRAY<STRING>, ARRAY<INTEGER>)."],
  ['ARRAY_EXCEPT(A, BI)', "Function 'array_except' does not accept parameters (ARRAY<INTEGER>, ARRAY<BIGINT>)."],
  ['ARRAY_CONTAINS(B, 1)', "Function 'ARRAY_CONTAINS' does not accept parameters (ARRAY<STRING>, INTEGER)."],
  ["ARRAY_REMOVE(A, 'x')", "Function 'array_remove' does not accept parameters (ARRAY<INTEGER>, STRING)."],
  ['MAP_UNION(M, MS)', "Function 'map_union' does not accept parameters (MAP<STRING, INTEGER>, MAP<STRING, STRING>)."],
];

describe('function calls are type-checked at planning', () => {
  it.each(refused)('%s is a planning error', (call, message) => {
    const e = setUp();
    let err: unknown;
    try {
      e.execute(`CREATE STREAM OUT AS SELECT ID, ${call} AS X FROM S;`);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as Error).message.split('\n')[0]).toBe(`line 1:33: ${message}`); // where the call is
    expect(rows(e, 'SHOW QUERIES;')).toEqual([]);
    expect(rows(e, 'SHOW STREAMS;').map((r) => r[0])).toEqual(['S']);
    expect(() => e.execute(`SELECT ${call} AS X FROM S EMIT CHANGES;`)).toThrow(message);
    e.close();
  });

  it('calls whose types agree plan and run, NULL literals fitting any T', () => {
    const e = setUp();
    e.execute(
      "CREATE STREAM OUT AS SELECT ID, IF(C, A, NULL) AS X, ARRAY_UNION(A, ARRAY[3, 4]) AS U, ARRAY_CONCAT(NULL, B) AS CC, ARRAY_CONTAINS(A, 2) AS H, MAP_UNION(M, MAP('z' := 9)) AS MU FROM S;",
    );
    expect(rows(e, 'DESCRIBE OUT;').map((r) => r[1])).toEqual(['INTEGER (key)', 'ARRAY<INTEGER>', 'ARRAY<INTEGER>', 'ARRAY<STRING>', 'BOOLEAN', 'MAP<STRING, INTEGER>']);
    e.execute("INSERT INTO S (ROWTIME, ID, C, M, A, B) VALUES (1, 1, true, MAP('a' := 1), ARRAY[1, 2], ARRAY['p']);");
    e.runUntilIdle();
    expect(topic(e, 'OUT').map((r) => r.value)).toEqual([
      {
        X: [1, 2],
        U: [1, 2, 3, 4],
        CC: ['p'],
        H: true,
        MU: new Map([
          ['a', 1],
          ['z', 9],
        ]),
      },
    ]);
    e.close();
  });
});
