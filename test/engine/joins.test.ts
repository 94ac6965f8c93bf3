import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const ORDERS = "CREATE STREAM ORDERS (ID INT KEY, USER_ID INT, AMOUNT DOUBLE) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";
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
      [7, { O_AMOUNT: 1, U_NAME: null }],
      [7, { O_AMOUNT: 2, U_NAME: 'ada' }],
      [null, { O_AMOUNT: 3, U_NAME: null }],
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
    expect(topic(eddy, 'ENRICHED').map((r) => r.value)).toEqual([{ U_NAME: 'ada' }]);
  });
});

describe('stream–table join in larger batches', () => {
  it('a table change and a stream record with the same timestamp: the stream record sees the change', () => {
    eddy = engine(100);
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute('CREATE STREAM ENRICHED AS SELECT O.USER_ID, U.NAME FROM ORDERS O JOIN USERS U ON O.USER_ID = U.ID;');
    // Both records wait in their topics and are read in one batch; the stream topic is listed first.
    eddy.execute("INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (5, 1, 7, 1.0);");
    eddy.execute("INSERT INTO USERS (ROWTIME, ID, NAME) VALUES (5, 7, 'ada');");
    eddy.runUntilIdle();
    expect(topic(eddy, 'ENRICHED').map((r) => r.value)).toEqual([{ U_NAME: 'ada' }]);
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
      [1, { L_A: 'l1', R_B: 'r1' }, 5000],
      [1, { L_A: 'l2', R_B: 'r1' }, 15000],
      [1, { L_A: 'l2', R_B: 'r2' }, 20000],
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
      { L_A: 'l1', R_B: null },
      { L_A: 'l1', R_B: 'r1' },
    ]);
  });
});

describe('table–table join', () => {
  it('re-evaluates on changes from either side and deletes when a side goes', () => {
    eddy = engine();
    eddy.execute(USERS);
    eddy.execute("CREATE TABLE PREFS (ID INT PRIMARY KEY, LANG STRING) WITH (kafka_topic='prefs', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE UP AS SELECT U.ID, U.NAME, P.LANG FROM USERS U JOIN PREFS P ON U.ID = P.ID;');
    insert(eddy, 'USERS', 'ID, NAME', "1, 'ada'", 1);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'en'", 2);
    insert(eddy, 'PREFS', 'ID, LANG', "1, 'fr'", 3);
    eddy.produce('users', [{ timestamp: 4, key: Buffer.from([0, 0, 0, 1]), value: null }]);
    eddy.runUntilIdle();
    expect(topic(eddy, 'UP').map((r) => [r.key, r.value])).toEqual([
      [1, { U_NAME: 'ada', P_LANG: 'en' }],
      [1, { U_NAME: 'ada', P_LANG: 'fr' }],
      [1, null],
    ]);
  });
});
