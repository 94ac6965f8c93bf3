// INSERT … VALUES, UPDATE and DELETE are planned by the planner's door (planner/plan-dml.ts):
// every error of meaning comes from planning, with nothing written, and the statement that runs
// raises the same one; a plan that passes carries the typed row or the compiled assignments.

import { afterEach, describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/parser/index.js';
import type { Delete, InsertValues, Update } from '../../src/parser/ast.js';
import { planDelete, planInsertValues, planUpdate } from '../../src/planner/plan-dml.js';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const SOURCES = `
  CREATE STREAM S (ID INT KEY, V STRING, AT TIMESTAMP) WITH (kafka_topic='s', value_format='JSON', partitions=1);
  CREATE TABLE ITEMS (NAME STRING PRIMARY KEY, COST DOUBLE, N INT);
`;

function plan(sql: string): unknown {
  const stmt = parseStatement(sql);
  const catalog = eddy.state.catalog;
  if (stmt.kind === 'InsertValues') return planInsertValues(stmt as InsertValues, catalog);
  if (stmt.kind === 'Update') return planUpdate(stmt as Update, catalog);
  if (stmt.kind === 'Delete') return planDelete(stmt as Delete, catalog);
  throw new Error(`not a data statement: ${sql}`);
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** Records in topic s and rows in ITEMS: what a statement has written. */
function written(): [number, number] {
  const rows = eddy.execute('SELECT * FROM ITEMS;')[0]!;
  return [eddy.readTopic('s').length, rows.kind === 'rows' ? rows.rows.length : -1];
}

const REFUSED: [string, RegExp][] = [
  ['INSERT INTO NOPE (ID) VALUES (1);', /unknown stream\/table: `NOPE`/],
  ['INSERT INTO S (ID, V) VALUES (1);', /Expected number columns and values to match: 2, 1/],
  ["INSERT INTO S (ID, W) VALUES (1, 'a');", /Column name W does not exist/],
  ["INSERT INTO S (ID, V) VALUES ('one', 'a');", /Expected type INTEGER for field ID but got STRING/],
  ['INSERT INTO S (ID, ROWOFFSET) VALUES (1, 2);', /Inserting into column `ROWOFFSET` is not allowed/],
  ['INSERT INTO ITEMS (COST) VALUES (1.5);', /Value for primary key column\(s\) NAME is required for tables/],
  ["UPDATE ITEMS SET NAME = 'x';", /Cannot UPDATE primary key column NAME/],
  ["UPDATE ITEMS SET COST = 'dear';", /Expected type DOUBLE for COST but got STRING/],
  ['UPDATE ITEMS SET PRICE = 1;', /Column PRICE does not exist in ITEMS/],
  ['DELETE FROM S;', /works on static tables only; S is backed by topic 's'/],
  ['DELETE FROM NOPE;', /Table NOPE does not exist/],
];

describe('data statements are planned before anything is written', () => {
  it.each(REFUSED)('%s', (sql, message) => {
    eddy = engine();
    eddy.execute(SOURCES);
    eddy.execute("INSERT INTO ITEMS (NAME, COST, N) VALUES ('kale', 2.5, 1);");
    const before = written();
    const planned = errorOf(() => plan(sql));
    expect(planned).toMatch(message);
    expect(errorOf(() => eddy.execute(sql))).toBe(planned);
    expect(written()).toEqual(before);
  });

  it('an INSERT plan holds the row typed for its columns and the given ROWTIME', () => {
    eddy = engine();
    eddy.execute(SOURCES);
    const p = plan("INSERT INTO S (ID, V, AT, ROWTIME) VALUES (7, 'x', '2024-01-02T03:04:05', 1000);");
    expect(p).toMatchObject({ kind: 'InsertValues', target: { name: 'S' }, cols: [7, 'x', Date.UTC(2024, 0, 2, 3, 4, 5)], rowtime: 1000 });
    expect(eddy.readTopic('s')).toEqual([]);
    eddy.execute("INSERT INTO S (ID, V, AT, ROWTIME) VALUES (7, 'x', '2024-01-02T03:04:05', 1000);");
    expect(eddy.readTopic('s').map((r) => r.timestamp)).toEqual([1000]);
  });

  it('UPDATE and DELETE plans run as planned', () => {
    eddy = engine();
    eddy.execute(SOURCES);
    eddy.execute("INSERT INTO ITEMS (NAME, COST, N) VALUES ('kale', 2.5, 1); INSERT INTO ITEMS (NAME, COST, N) VALUES ('fig', 4, 2);");
    expect(plan('UPDATE ITEMS SET COST = COST * 2 WHERE N = 2;')).toMatchObject({ kind: 'Update', sets: [{ index: 1 }] });
    expect(eddy.execute('UPDATE ITEMS SET COST = COST * 2 WHERE N = 2;')[0]).toMatchObject({ message: 'Updated 1 row.' });
    expect(plan("DELETE FROM ITEMS WHERE NAME = 'kale';")).toMatchObject({ kind: 'Delete', keyIndexes: [0] });
    expect(eddy.execute("DELETE FROM ITEMS WHERE NAME = 'kale';")[0]).toMatchObject({ message: 'Deleted 1 row.' });
    const rows = eddy.execute('SELECT * FROM ITEMS;')[0]!;
    expect(rows.kind === 'rows' ? rows.rows : []).toEqual([['fig', 8, 2]]);
  });
});
