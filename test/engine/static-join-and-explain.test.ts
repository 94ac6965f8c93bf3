import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { StatementResult } from '../../src/runtime/results.js';
import { engine, insert, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const ORDERS = "CREATE STREAM ORDERS (ID INT KEY, USER_ID INT, AMOUNT DOUBLE) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";
const USERS = 'CREATE TABLE USERS (ID INT PRIMARY KEY, NAME STRING, TIER STRING);';

function explainOf(sql: string): Extract<StatementResult, { kind: 'explain' }> {
  const r = eddy.execute(sql).at(-1)!;
  if (r.kind !== 'explain') throw new Error(`expected explain, got ${r.kind}`);
  return r;
}

describe('stream–static join (SQL join of the batch table with the static table)', () => {
  it('LEFT JOIN keeps misses and NULL keys with NULLs; an UPDATE is seen from the next batch', () => {
    eddy = engine(10);
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute("INSERT INTO USERS (ID, NAME, TIER) VALUES (7, 'ada', NULL);");
    eddy.execute('CREATE STREAM ENRICHED AS SELECT O.ID, O.USER_ID, U.NAME, U.TIER FROM ORDERS O LEFT JOIN USERS U ON O.USER_ID = U.ID;');
    // One batch of three: a hit whose static row has a NULL column, a miss, a NULL key.
    eddy.execute('INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (1, 1, 7, 1.0);');
    eddy.execute('INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (2, 2, 8, 1.0);');
    eddy.execute('INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (3, 3, NULL, 1.0);');
    eddy.runUntilIdle();
    eddy.execute("UPDATE USERS SET NAME = 'Ada' WHERE ID = 7;");
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '4, 7, 1.0', 4);
    expect(topic(eddy, 'ENRICHED').map((r) => [r.key, r.value])).toEqual([
      // ksqlDB keys a join's result by the join column; unambiguous names stay bare.
      [7, { O_ID: 1, NAME: 'ada', TIER: null }],
      [8, { O_ID: 2, NAME: null, TIER: null }],
      [null, { O_ID: 3, NAME: null, TIER: null }],
      [7, { O_ID: 4, NAME: 'Ada', TIER: null }],
    ]);
    // The batch really went through SQLite: its temp table exists, and is empty between batches.
    expect(eddy.state.db.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'table'").pluck().all()).toContain('batch_orders');
    expect(eddy.state.db.prepare('SELECT COUNT(*) FROM temp.batch_orders').pluck().get()).toBe(0);
  });

  it('INNER JOIN drops misses, keeps input order inside a batch, and feeds an aggregation', () => {
    eddy = engine(100);
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute("INSERT INTO USERS (ID, NAME, TIER) VALUES (1, 'a', 'gold');");
    eddy.execute("INSERT INTO USERS (ID, NAME, TIER) VALUES (2, 'b', 'gold');");
    eddy.execute("INSERT INTO USERS (ID, NAME, TIER) VALUES (3, 'c', 'tin');");
    eddy.execute('CREATE TABLE PER_TIER AS SELECT U.TIER, SUM(O.AMOUNT) AS TOTAL FROM ORDERS O JOIN USERS U ON O.USER_ID = U.ID GROUP BY U.TIER;');
    for (const [i, u] of [3, 1, 9, 2, 1].entries()) eddy.execute(`INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (${i}, ${i}, ${u}, ${i + 1}.0);`);
    eddy.runUntilIdle();
    // One batch, the changes of one record per batch (each order has its own time): the miss adds nothing.
    expect(topic(eddy, 'PER_TIER').map((r) => [r.key, r.value])).toEqual([
      ['tin', { TOTAL: 1 }],
      ['gold', { TOTAL: 2 }],
      ['gold', { TOTAL: 6 }],
      ['gold', { TOTAL: 11 }],
    ]);
  });

  it('joins the newest batch ad hoc: latest.<stream> with a static table', () => {
    eddy = engine(10);
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute("INSERT INTO USERS (ID, NAME, TIER) VALUES (7, 'ada', 'gold');");
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '1, 7, 1.0', 1);
    insert(eddy, 'ORDERS', 'ID, USER_ID, AMOUNT', '2, 8, 2.0', 2);
    eddy.step(); // the cycle that notices the newest batch
    expect(rows(eddy, 'SELECT O.ID, U.NAME FROM latest.ORDERS O LEFT JOIN USERS U ON O.USER_ID = U.ID;')).toEqual([[2, null]]);
  });
});

describe('EXPLAIN', () => {
  it('prints the micro-batch plan of a windowed join with a static lookup', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute(USERS);
    eddy.execute("CREATE STREAM PAYMENTS (ID INT KEY, ORDER_ID INT) WITH (kafka_topic='payments', value_format='JSON', partitions=1);");
    const r = explainOf('EXPLAIN SELECT O.ID, COUNT(*) AS N FROM ORDERS O JOIN PAYMENTS P WITHIN 1 MINUTE ON O.ID = P.ORDER_ID WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY O.ID EMIT CHANGES;');
    expect(r.lines.map((l) => [l.depth, l.operator])).toEqual([
      [0, 'PushSink'],
      [1, 'Project'],
      [2, 'WindowAggregate'],
      [3, 'StreamStreamJoin'],
      [4, 'StreamSource'],
      [4, 'StreamSource'],
    ]);
    expect(r.text).toContain('WINDOW TUMBLING(size 10000ms)');
    expect(r.text).toContain('WITHIN (60000ms before, 60000ms after');
    const s = explainOf('EXPLAIN SELECT O.ID, U.NAME FROM ORDERS O LEFT JOIN USERS U ON O.USER_ID = U.ID EMIT CHANGES;');
    expect(s.text).toContain('StreamStaticJoin');
    expect(s.text).toContain('LEFT JOIN of batch table temp.batch_orders with static_USERS');
  });

  it('EXPLAIN ANALYZE runs the plan over the retained input with rows and time per operator, and writes nothing', () => {
    eddy = engine(2);
    eddy.execute(ORDERS);
    for (let i = 0; i < 5; i++) eddy.execute(`INSERT INTO ORDERS (ROWTIME, ID, USER_ID, AMOUNT) VALUES (${i * 1000}, ${i}, ${i % 2}, 1.0);`);
    const before = eddy.state.db.prepare('SELECT (SELECT COUNT(*) FROM state) + (SELECT COUNT(*) FROM offsets)').pluck().get();
    const r = explainOf('EXPLAIN ANALYZE SELECT USER_ID, COUNT(*) AS N FROM ORDERS WHERE AMOUNT > 0 GROUP BY USER_ID EMIT CHANGES;');
    const byOp = Object.fromEntries(r.lines.map((l) => [l.operator, l.analyze?.rowsIn]));
    expect(byOp).toMatchObject({ StreamSource: 5, Filter: 5, PushSink: 5 });
    expect(r.lines.every((l) => l.analyze && l.analyze.ms >= 0)).toBe(true);
    expect(r.text).toMatch(/Analyzed over 5 input records in 3 batches of at most 2/);
    expect(r.text).toMatch(/\[rows in 5, \d+\.\d+ ms\]/);
    expect(eddy.state.db.prepare('SELECT (SELECT COUNT(*) FROM state) + (SELECT COUNT(*) FROM offsets)').pluck().get()).toBe(before);
    expect(eddy.state.queries.size).toBe(0);
  });
});
