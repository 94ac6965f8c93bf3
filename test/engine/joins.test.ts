import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

/** Delete an INT-keyed table row through its topic. */
function tombstone(e: Eddy, topicName: string, key: number, ts: number): void {
  const k = Buffer.alloc(4);
  k.writeInt32BE(key);
  e.produce(topicName, [{ timestamp: ts, key: k, value: null }]);
  e.runUntilIdle();
}

const ORDERS = "CREATE STREAM ORDERS (ID INT KEY, USER_ID INT, AMOUNT DOUBLE) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";
const PREFS = "CREATE TABLE PREFS (ID INT PRIMARY KEY, LANG STRING) WITH (kafka_topic='prefs', value_format='JSON', partitions=1);";
const USERS = "CREATE TABLE USERS (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);";

describe('stream–table join', () => {
  it('looks up the table as of each stream record; LEFT JOIN keeps misses with NULLs', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute('CREATE STREAM ENRICHED AS SELECT O.USER_ID, O.AMOUNT, U.NAME FROM ORDERS O LEFT JOIN USERS U ON O.USER_ID = U.ID;');
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '1, 7, 1.0', 1);
    insert(eddy, 'USERS', 'ID, NAME', "7, 'ada'", 2);
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '2, 7, 2.0', 3);
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '3, NULL, 3.0', 4);
    expect(topic(eddy, 'ENRICHED').map((r) => [r.key, r.value])).toEqual([
      [7, { AMOUNT: 1, NAME: null }],
      [7, { AMOUNT: 2, NAME: 'ada' }],
      [null, { AMOUNT: 3, NAME: null }],
    ]);
  });

  it('INNER JOIN drops misses and NULL keys', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute('CREATE STREAM ENRICHED AS SELECT O.USER_ID, U.NAME FROM ORDERS O JOIN USERS U ON O.USER_ID = U.ID;');
    insert(eddy, 'USERS', 'ID, NAME', "7, 'ada'", 1);
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '1, 8, 1.0', 2);
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '2, NULL, 1.0', 3);
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '3, 7, 1.0', 4);
    expect(topic(eddy, 'ENRICHED').map((r) => r.value)).toEqual([{ NAME: 'ada' }]);
  });
});

describe('stream–table join in larger batches', () => {
  it('a table change and a stream record with the same timestamp: the stream record sees the change', () => {
    eddy = engine(100);
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute('CREATE STREAM ENRICHED AS SELECT O.USER_ID, U.NAME FROM ORDERS O JOIN USERS U ON O.USER_ID = U.ID;');
    // Both records wait in their topics and are read in one batch; the stream topic is listed first.
    eddy.execute('INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (5, 1, 7, 1.0);');
    eddy.execute("INSERT INTO USERS (ROWTIME, ID, NAME) VALUES (5, 7, 'ada');");
    eddy.runUntilIdle();
    expect(topic(eddy, 'ENRICHED').map((r) => r.value)).toEqual([{ NAME: 'ada' }]);
  });
});

describe('stream–stream join', () => {
  it('joins records within the window, in both directions', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT L.ID, L.A, R.B FROM L JOIN R WITHIN 10 SECONDS ON L.ID = R.ID;');
    insert(eddy, 'L', 'ID, A', "1, 'l1'", 0);
    insert(eddy, 'R', 'ID, B', "1, 'r1'", 5000);
    insert(eddy, 'R', 'ID, B', "1, 'r2'", 20000); // outside the window of l1
    insert(eddy, 'L', 'ID, A', "1, 'l2'", 15000); // joins r1 (10s before) and r2 (5s after)
    expect(topic(eddy, 'J').map((r) => [r.key, r.value, r.ts])).toEqual([
      [1, { A: 'l1', B: 'r1' }, 5000],
      [1, { A: 'l2', B: 'r1' }, 15000],
      [1, { A: 'l2', B: 'r2' }, 20000],
    ]);
  });

  it('LEFT JOIN without GRACE emits unmatched left records at once with NULLs', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT L.ID, L.A, R.B FROM L LEFT JOIN R WITHIN 1 SECOND ON L.ID = R.ID;');
    insert(eddy, 'L', 'ID, A', "1, 'l1'", 0);
    insert(eddy, 'R', 'ID, B', "1, 'r1'", 500);
    expect(topic(eddy, 'J').map((r) => r.value)).toEqual([
      { A: 'l1', B: null },
      { A: 'l1', B: 'r1' },
    ]);
  });
});

describe('table–table join', () => {
  it('re-evaluates on changes from either side and deletes when a side goes', () => {
    eddy = engine();
    eddy.execute(USERS);
    eddy.execute(PREFS);
    eddy.execute('CREATE TABLE UP AS SELECT U.ID, U.NAME, P.LANG FROM USERS U JOIN PREFS P ON U.ID = P.ID;');
    insert(eddy, 'USERS', 'ID, NAME', "1, 'ada'", 1);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'en'", 2);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'fr'", 3);
    tombstone(eddy, 'users', 1, 4);
    expect(topic(eddy, 'UP').map((r) => [r.key, r.value])).toEqual([
      [1, { NAME: 'ada', LANG: 'en' }],
      [1, { NAME: 'ada', LANG: 'fr' }],
      [1, null],
    ]);
  });
});

describe('join result columns and key', () => {
  const columnsOf = (e: Eddy, name: string) => e.state.catalog.get(name)!.columns.map((c) => `${c.name}${c.role === 'key' ? ' KEY' : ''}`);

  it('names a qualified column after its source only when another source has a column of that name', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM A (ID INT KEY, X INT, ONLY_A INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM B (ID INT KEY, X INT, ONLY_B INT) WITH (kafka_topic='b', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT A.ID, A.X, B.X, A.ONLY_A, B.ONLY_B, B.ID AS BID FROM A JOIN B WITHIN 1 SECOND ON A.ID = B.ID;');
    expect(columnsOf(eddy, 'J')).toEqual(['A_ID KEY', 'A_X', 'B_X', 'ONLY_A', 'ONLY_B', 'BID']);
  });

  it('keys the result by the first join column the projection selects, holding the join key even when that side is missing', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    // R.ID is NULL for an unmatched left record, but as the key it carries the join value.
    eddy.execute('CREATE STREAM J AS SELECT R.ID, A, B FROM L LEFT JOIN R WITHIN 1 SECOND ON L.ID = R.ID;');
    insert(eddy, 'L', 'ID, A', "5, 'l'", 0);
    expect(columnsOf(eddy, 'J')).toEqual(['R_ID KEY', 'A', 'B']);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value])).toEqual([[5, { A: 'l', B: null }]]);
  });

  it('carries key equivalence through n-way joins and lists every viable column when none is selected', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE T (ID INT PRIMARY KEY, W INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE U (ID INT PRIMARY KEY, Z INT) WITH (kafka_topic='u', value_format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE STREAM J AS SELECT V, W, Z FROM S JOIN T ON S.ID = T.ID JOIN U ON S.ID = U.ID;')).toThrow(
      'must include the join expressions S.ID, T.ID or U.ID in its projection',
    );
    // The second join is on an expression of S, so only U.ID still equals the key.
    expect(() => eddy.execute('CREATE STREAM J AS SELECT V, W, Z FROM S JOIN T ON S.ID = T.ID JOIN U ON S.ID + 1 = U.ID;')).toThrow('must include the join expression U.ID in its projection');
    eddy.execute('CREATE STREAM J AS SELECT T.ID AS K, V, W, Z FROM S JOIN T ON S.ID = T.ID JOIN U ON S.ID = U.ID;');
    expect(columnsOf(eddy, 'J')).toEqual(['K KEY', 'V', 'W', 'Z']);
  });

  it('needs ROWKEY in the projection when the join is on expressions only', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A INT) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B INT) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE STREAM J AS SELECT A, B FROM L JOIN R WITHIN 1 SECOND ON ABS(L.ID) = ABS(R.ID);')).toThrow(
      'ROWKEY was added as a synthetic key column because the join criteria did not match any source column',
    );
    // One column side is enough for a source key.
    eddy.execute('CREATE STREAM J AS SELECT L.ID, B FROM L JOIN R WITHIN 1 SECOND ON L.ID = ABS(R.ID);');
    expect(columnsOf(eddy, 'J')).toEqual(['L_ID KEY', 'B']);
  });
});

describe('foreign-key table–table join', () => {
  it('is keyed by the left primary key and follows changes to the referenced row', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE ITEMS (ID INT PRIMARY KEY, CAT INT, NAME STRING) WITH (kafka_topic='items', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE CATS (CID INT PRIMARY KEY, LABEL STRING) WITH (kafka_topic='cats', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE J AS SELECT ID, NAME, LABEL FROM ITEMS LEFT JOIN CATS ON CAT = CID;');
    insert(eddy, 'CATS', 'CID, LABEL', "9, 'tools'", 1);
    insert(eddy, 'ITEMS', 'ID, CAT, NAME', "1, 9, 'saw'", 2);
    insert(eddy, 'ITEMS', 'ID, CAT, NAME', "2, 8, 'pen'", 3);
    insert(eddy, 'CATS', 'CID, LABEL', "9, 'hardware'", 4);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value])).toEqual([
      [1, { NAME: 'saw', LABEL: 'tools' }],
      [2, { NAME: 'pen', LABEL: null }],
      [1, { NAME: 'saw', LABEL: 'hardware' }],
    ]);
  });

  it('requires every left primary key column in the projection and equal join types', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE ITEMS (ID INT PRIMARY KEY, CAT STRING) WITH (kafka_topic='items', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE CATS (CID INT PRIMARY KEY, LABEL STRING) WITH (kafka_topic='cats', value_format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE TABLE J AS SELECT LABEL FROM ITEMS JOIN CATS ON CAST(CAT AS INT) = CID;')).toThrow('Missing column: `ID`');
    expect(() => eddy.execute('CREATE TABLE J AS SELECT ID, LABEL FROM ITEMS JOIN CATS ON CAT = CID;')).toThrow(
      "Invalid join condition: types don't match. Got ITEMS.CAT{STRING} = CATS.CID{INTEGER}.",
    );
  });
});

describe('join criteria errors', () => {
  it('rejects literals, unknown sources and criteria that skip the joined source', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE T (ID INT PRIMARY KEY, W INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE U (ID INT PRIMARY KEY, Z INT) WITH (kafka_topic='u', value_format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE STREAM J AS SELECT S.ID, W FROM S JOIN T ON S.ID = 1;')).toThrow("Invalid comparison expression '1' in join '(S.ID = 1)'");
    expect(() => eddy.execute('CREATE STREAM J AS SELECT S.ID, W FROM S JOIN T ON NOPE.ID = T.ID;')).toThrow("'NOPE' is not a valid stream/table name or alias.");
    expect(() => eddy.execute('CREATE STREAM J AS SELECT S.ID FROM S JOIN T ON S.ID = T.ID JOIN U ON S.ID = T.ID;')).toThrow(
      'A join criteria is expected to reference the source (`U`) in the FROM clause, instead the right source references `T` and the left source references `S`',
    );
    expect(() => eddy.execute('CREATE STREAM J AS SELECT S.ID, W FROM S JOIN T ON V = W;')).toThrow("stream-table joins require to join on the table's primary key. Got S.V = T.W.");
    expect(() => eddy.execute('CREATE STREAM J AS SELECT S.ID, W FROM S FULL OUTER JOIN T ON S.ID = T.ID;')).toThrow('full-outer join not supported for stream-table join');
  });
});

describe('join changes over time', () => {
  it('stream–stream: a late record still probes the other side but is not stored; an unmatched late record of the outer side is emitted at once', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT R.ID, A, B FROM L RIGHT JOIN R WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON L.ID = R.ID;');
    insert(eddy, 'L', 'ID, A', "1, 'far'", 600000); // the left side's stream time leaps ahead
    insert(eddy, 'R', 'ID, B', "3, 'r3'", 60000); // right's window closed already: emitted with NULLs now
    insert(eddy, 'L', 'ID, A', "3, 'l3'", 90000); // too late to be stored, but finds r3 in the right store
    insert(eddy, 'R', 'ID, B', "3, 'again'", 95000); // l3 was never stored: no join, NULLs at once
    expect(topic(eddy, 'J').map((r) => [r.key, r.value, r.ts])).toEqual([
      [3, { A: null, B: 'r3' }, 60000],
      [3, { A: 'l3', B: 'r3' }, 90000],
      [3, { A: null, B: 'again' }, 95000],
    ]);
  });

  it('table–table RIGHT JOIN: left changes without a right row emit nothing; a right row alone is kept', () => {
    eddy = engine();
    eddy.execute(USERS);
    eddy.execute(PREFS);
    eddy.execute('CREATE TABLE UP AS SELECT P.ID, NAME, LANG FROM USERS U RIGHT JOIN PREFS P ON U.ID = P.ID;');
    insert(eddy, 'USERS', 'ID, NAME', "1, 'ada'", 1);
    insert(eddy, 'PREFS', 'ID, LANG', "2, 'en'", 2);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'fr'", 3);
    expect(topic(eddy, 'UP').map((r) => [r.key, r.value])).toEqual([
      [2, { NAME: null, LANG: 'en' }],
      [1, { NAME: 'ada', LANG: 'fr' }],
    ]);
  });

  it('foreign-key join: deleting the referenced row clears the right columns; deleting a left row always forwards a delete', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE ITEMS (ID INT PRIMARY KEY, CAT INT) WITH (kafka_topic='items', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE CATS (CID INT PRIMARY KEY, LABEL STRING) WITH (kafka_topic='cats', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE J AS SELECT ID, CID, LABEL FROM ITEMS LEFT JOIN CATS ON CAT = CID;');
    eddy.execute('CREATE TABLE K AS SELECT ID, CID, LABEL FROM ITEMS JOIN CATS ON CAT = CID;');
    insert(eddy, 'CATS', 'CID, LABEL', "9, 'tools'", 1);
    insert(eddy, 'ITEMS', 'ID, CAT', '1, 9', 2);
    tombstone(eddy, 'cats', 9, 3);
    tombstone(eddy, 'items', 1, 4);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value])).toEqual([
      [1, { CID: 9, LABEL: 'tools' }],
      [1, { CID: null, LABEL: null }],
      [1, null],
    ]);
    expect(topic(eddy, 'K').map((r) => [r.key, r.value])).toEqual([
      [1, { CID: 9, LABEL: 'tools' }],
      [1, null],
      [1, null],
    ]);
  });

  it('SELECT * carries the synthetic key of a join on expressions', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A INT) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B INT) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON L.A + 1 = ABS(R.B);');
    insert(eddy, 'L', 'ID, A', '1, 4', 0);
    insert(eddy, 'R', 'ID, B', '2, 5', 0);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value])).toEqual([[5, { L_ID: 1, L_A: 4, R_ID: 2, R_B: 5 }]]);
  });
});

describe('pseudo-columns of joined sources', () => {
  it('s.ROWTIME is each source record’s own time; the joined record takes the later one', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A INT) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B INT) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT L.ID, L.ROWTIME, R.ROWTIME, A, B FROM L JOIN R WITHIN 1 MINUTE ON L.ID = R.ID;');
    insert(eddy, 'L', 'ID, A', '1, 10', 20);
    insert(eddy, 'R', 'ID, B', '1, 30', 100);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value, r.ts])).toEqual([[1, { L_ROWTIME: 20, R_ROWTIME: 100, A: 10, B: 30 }, 100]]);
  });
});

describe('windowed sources', () => {
  it('join per key and window start; each source’s bounds follow its key under SELECT *', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM A (ID INT KEY, V INT) WITH (kafka_topic='a', value_format='JSON', partitions=1, window_type='Tumbling', window_size='2 SECONDS');");
    eddy.execute("CREATE STREAM B (ID INT KEY, W INT) WITH (kafka_topic='b', value_format='JSON', partitions=1, window_type='Hopping', window_size='5 SECONDS');");
    eddy.execute('CREATE STREAM J AS SELECT * FROM A JOIN B WITHIN 1 MINUTE ON A.ID = B.ID;');
    expect(eddy.state.catalog.get('J')!.columns.map((c) => c.name)).toEqual(['A_ID', 'A_WINDOWSTART', 'A_WINDOWEND', 'A_V', 'B_ID', 'B_WINDOWSTART', 'B_WINDOWEND', 'B_W']);
    const key = Buffer.from([0, 0, 0, 1]);
    const rec = (v: object, start: number, size: number) => ({ timestamp: start, key, value: Buffer.from(JSON.stringify(v)), window: { start, end: start + size } });
    for (const [t, r] of [
      ['a', rec({ V: 1 }, 0, 2000)],
      ['b', rec({ W: 2 }, 1000, 5000)], // another window: no match
      ['b', rec({ W: 3 }, 0, 5000)],
    ] as const) {
      eddy.produce(t, [r]);
      eddy.runUntilIdle();
    }
    expect(topic(eddy, 'J').map((r) => [r.key, r.value, r.window])).toEqual([
      [1, { A_WINDOWSTART: 0, A_WINDOWEND: 2000, A_V: 1, B_ID: 1, B_WINDOWSTART: 0, B_WINDOWEND: 5000, B_W: 3 }, { start: 0, end: 2000 }],
    ]);
    expect(() => eddy.execute('CREATE STREAM K AS SELECT * FROM A JOIN B WITHIN 1 MINUTE ON A.ID = B.W;')).toThrow('Implicit repartitioning of windowed sources is not supported');
  });
});

describe('outer joins over time', () => {
  it('stream–stream with GRACE: a closed unmatched record is emitted before the joins of the record that closed it', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM J AS SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON L.ID = R.ID;');
    insert(eddy, 'L', 'ID, A', "1, 'lonely'", 0);
    insert(eddy, 'L', 'ID, A', "2, 'paired'", 900);
    expect(topic(eddy, 'J')).toEqual([]); // both may still find a partner
    insert(eddy, 'R', 'ID, B', "2, 'r'", 1500);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value, r.ts])).toEqual([
      [1, { A: 'lonely', B: null }, 0],
      [2, { A: 'paired', B: 'r' }, 1500],
    ]);
  });

  it('table–table FULL OUTER join: a deleted side shows NULLs while the other remains; the key is whichever side exists', () => {
    eddy = engine();
    eddy.execute(USERS);
    eddy.execute(PREFS);
    eddy.execute('CREATE TABLE UP AS SELECT ROWKEY AS ID, NAME, LANG FROM USERS U FULL OUTER JOIN PREFS P ON U.ID = P.ID;');
    insert(eddy, 'USERS', 'ID, NAME', "1, 'ada'", 1);
    insert(eddy, 'PREFS', 'ID, LANG', "2, 'en'", 2);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'fr'", 3);
    tombstone(eddy, 'users', 1, 4);
    tombstone(eddy, 'prefs', 1, 5);
    expect(topic(eddy, 'UP').map((r) => [r.key, r.value])).toEqual([
      [1, { NAME: 'ada', LANG: null }],
      [2, { NAME: null, LANG: 'en' }],
      [1, { NAME: 'ada', LANG: 'fr' }],
      [1, { NAME: null, LANG: 'fr' }],
      [1, null],
    ]);
  });
});

describe('pull queries and joins', () => {
  it('refuses a pull query joining two topic-backed sources, as ksqlDB does', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    expect(() => eddy.execute('SELECT * FROM ORDERS O JOIN USERS U ON O.USER_ID = U.ID;')).toThrow("Pull queries don't support JOIN clauses.");
  });
});

describe('n-way table joins', () => {
  it('a later join finds left rows by the join key even when the first table is missing', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE A (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='a', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE B (ID INT PRIMARY KEY, Y STRING) WITH (kafka_topic='b', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE C (ID INT PRIMARY KEY, Z STRING) WITH (kafka_topic='c', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE J AS SELECT B.ID, X, Y, Z FROM A RIGHT JOIN B ON A.ID = B.ID JOIN C ON B.ID = C.ID;');
    insert(eddy, 'B', 'ID, Y', "1, 'y'", 1); // A has no row 1: the first join's row has A.ID NULL
    insert(eddy, 'C', 'ID, Z', "1, 'z'", 2);
    expect(topic(eddy, 'J').map((r) => [r.key, r.value])).toEqual([[1, { X: null, Y: 'y', Z: 'z' }]]);
  });

  it('reports an unknown source in the criteria before an ambiguous column', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE A (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='a', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE B (ID INT PRIMARY KEY, Y STRING) WITH (kafka_topic='b', value_format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE TABLE J AS SELECT A.ID, X, Y FROM A JOIN B ON ID = NOPE.ID;')).toThrow("'NOPE' is not a valid stream/table name or alias.");
    expect(() => eddy.execute('CREATE TABLE J AS SELECT A.ID, X, Y FROM A JOIN B ON ID = ID;')).toThrow("Column 'ID' is ambiguous");
  });
});

describe('aggregations over table–table joins', () => {
  const last = (e: Eddy, t: string) => {
    const m = new Map<string, unknown>();
    for (const r of topic(e, t)) m.set(JSON.stringify(r.key), r.value);
    return Object.fromEntries(m);
  };

  it('a right-side change moves the joined row between groups (the old row is taken out first)', () => {
    eddy = engine();
    eddy.execute(USERS);
    eddy.execute(PREFS);
    eddy.execute('CREATE TABLE BY_LANG AS SELECT LANG, COUNT(*) AS N FROM USERS U LEFT JOIN PREFS P ON U.ID = P.ID GROUP BY LANG;');
    insert(eddy, 'USERS', 'ID, NAME', "1, 'ada'", 1);
    insert(eddy, 'USERS', 'ID, NAME', "2, 'bob'", 2);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'en'", 3);
    insert(eddy, 'PREFS', 'ID, LANG', "2, 'en'", 4);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'fr'", 5);
    tombstone(eddy, 'prefs', 2, 6);
    // en: ada, then bob (2); ada leaves for fr (1); bob's preference is deleted (0).
    expect(
      topic(eddy, 'BY_LANG')
        .filter((r) => r.key === 'en')
        .map((r) => r.value),
    ).toEqual([{ N: 1 }, { N: 2 }, { N: 1 }, { N: 0 }]);
    expect(last(eddy, 'BY_LANG')).toMatchObject({ '"fr"': { N: 1 } });
  });

  it('over a foreign-key join: a changed label and a changed reference both move the row', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE ITEMS (ID INT PRIMARY KEY, CAT INT, PRICE INT) WITH (kafka_topic='items', value_format='JSON', partitions=1);");
    eddy.execute("CREATE TABLE CATS (CID INT PRIMARY KEY, LABEL STRING) WITH (kafka_topic='cats', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE BY_LABEL AS SELECT LABEL, SUM(PRICE) AS TOTAL FROM ITEMS JOIN CATS ON CAT = CID GROUP BY LABEL;');
    insert(eddy, 'CATS', 'CID, LABEL', "9, 'tools'", 1);
    insert(eddy, 'CATS', 'CID, LABEL', "8, 'office'", 2);
    insert(eddy, 'ITEMS', 'ID, CAT, PRICE', '1, 9, 10', 3);
    insert(eddy, 'ITEMS', 'ID, CAT, PRICE', '2, 9, 5', 4);
    insert(eddy, 'CATS', 'CID, LABEL', "9, 'hardware'", 5);
    insert(eddy, 'ITEMS', 'ID, CAT, PRICE', '2, 8, 7', 6);
    expect(last(eddy, 'BY_LABEL')).toEqual({ '"tools"': { TOTAL: 0 }, '"hardware"': { TOTAL: 10 }, '"office"': { TOTAL: 7 } });
  });
});
