import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { SqlError } from '../../src/parser/errors.js';
import { engine, insert, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const ORDERS = "CREATE STREAM ORDERS (ID INT KEY, ITEM STRING, QTY INT, PRICE DOUBLE) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";

describe('statements', () => {
  it('CREATE STREAM registers a source and its topic', () => {
    eddy = engine();
    expect(eddy.execute(ORDERS)[0]).toMatchObject({ kind: 'message', message: 'Stream created' });
    expect(rows(eddy, 'SHOW STREAMS;').map((r) => r[0])).toEqual(['ORDERS']);
    expect(rows(eddy, 'SHOW TOPICS;').map((r) => r[0])).toContain('orders');
    expect(rows(eddy, 'DESCRIBE ORDERS;')).toEqual([
      ['ID', 'INTEGER (key)'],
      ['ITEM', 'STRING'],
      ['QTY', 'INTEGER'],
      ['PRICE', 'DOUBLE'],
    ]);
  });

  it('CREATE STREAM AS SELECT filters and projects into a new topic', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute('CREATE STREAM BIG AS SELECT ID, ITEM, QTY * PRICE AS TOTAL FROM ORDERS WHERE QTY > 1;');
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "1, 'apple', 3, 0.5", 1000);
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "2, 'pear', 1, 2.0", 2000);
    expect(topic(eddy, 'BIG')).toEqual([{ key: 1, value: { ITEM: 'apple', TOTAL: 1.5 }, ts: 1000 }]);
    expect(rows(eddy, 'SHOW QUERIES;').map((r) => r[0])).toEqual(['CSAS_BIG_0']);
  });

  it('CREATE TABLE AS SELECT aggregates and answers pull queries', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute('CREATE TABLE QTY_BY_ITEM AS SELECT ITEM, SUM(QTY) AS QTY, COUNT(*) AS N FROM ORDERS GROUP BY ITEM;');
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "1, 'apple', 3, 0.5", 1000);
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "2, 'apple', 2, 0.5", 2000);
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "3, 'pear', 1, 2.0", 3000);
    expect(topic(eddy, 'QTY_BY_ITEM').map((r) => [r.key, r.value])).toEqual([
      ['apple', { QTY: 3, N: 1 }],
      ['apple', { QTY: 5, N: 2 }],
      ['pear', { QTY: 1, N: 1 }],
    ]);
    expect(rows(eddy, "SELECT * FROM QTY_BY_ITEM WHERE ITEM = 'apple';")).toEqual([['apple', 5, 2]]);
  });

  it('INSERT INTO … SELECT merges a stream into another', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute("CREATE STREAM MORE (ID INT KEY, ITEM STRING, QTY INT, PRICE DOUBLE) WITH (kafka_topic='more', value_format='JSON', partitions=1);");
    eddy.execute('INSERT INTO ORDERS SELECT * FROM MORE;');
    insert(eddy, 'MORE', 'ID, ITEM, QTY, PRICE', "7, 'fig', 1, 1.0", 5000);
    expect(topic(eddy, 'orders')).toEqual([{ key: 7, value: { ITEM: 'fig', QTY: 1, PRICE: 1 }, ts: 5000 }]);
  });

  it('pull query on a stream scans the retained log; LIMIT stops it', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    for (let i = 1; i <= 5; i++) insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', `${i}, 'x', ${i}, 1.0`, i * 1000);
    expect(rows(eddy, 'SELECT ID, QTY FROM ORDERS WHERE QTY >= 2 LIMIT 3;')).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('push query streams changes until LIMIT', async () => {
    eddy = engine();
    eddy.execute(ORDERS);
    const q = eddy.query('SELECT ID, ITEM FROM ORDERS EMIT CHANGES LIMIT 2;');
    for (let i = 1; i <= 3; i++) insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', `${i}, 'i${i}', 1, 1.0`, i);
    const got = [];
    for await (const r of q) got.push(r.values);
    expect(got).toEqual([
      [1, 'i1'],
      [2, 'i2'],
    ]);
  });

  it('TERMINATE stops a query and DROP removes a source', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute('CREATE STREAM COPY1 AS SELECT * FROM ORDERS;');
    expect(() => eddy.execute('DROP STREAM ORDERS;')).toThrow(/read from this source/);
    eddy.execute('TERMINATE CSAS_COPY1_0;');
    expect(rows(eddy, 'SHOW QUERIES;')).toEqual([]);
    eddy.execute('DROP STREAM COPY1;');
    eddy.execute('DROP STREAM ORDERS DELETE TOPIC;');
    expect(rows(eddy, 'SHOW STREAMS;')).toEqual([]);
    expect(rows(eddy, 'SHOW TOPICS;').map((r) => r[0])).not.toContain('orders');
    expect(eddy.execute('DROP STREAM IF EXISTS ORDERS;')[0]).toMatchObject({ kind: 'message' });
  });

  it('SET and UNSET change session properties', () => {
    eddy = engine();
    eddy.execute("SET 'auto.offset.reset' = 'latest';");
    expect(rows(eddy, 'SHOW PROPERTIES;')).toContainEqual(['auto.offset.reset', 'latest']);
    eddy.execute("UNSET 'auto.offset.reset';");
    expect(rows(eddy, 'SHOW PROPERTIES;').map((r) => r[0])).not.toContain('auto.offset.reset');
  });

  it('EXPLAIN of a windowed join prints the micro-batch plan', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute("CREATE STREAM SHIPMENTS (ID INT KEY, CARRIER STRING) WITH (kafka_topic='ship', value_format='JSON', partitions=1);");
    const r = eddy.execute('EXPLAIN SELECT O.ID, COUNT(*) AS N FROM ORDERS O JOIN SHIPMENTS S WITHIN 1 HOUR ON O.ID = S.ID WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY O.ID EMIT CHANGES;')[0]!;
    expect(r.kind).toBe('explain');
    if (r.kind !== 'explain') return;
    expect(r.lines.map((l) => l.operator)).toEqual(['PushSink', 'Project', 'WindowAggregate', 'StreamStreamJoin', 'StreamSource', 'StreamSource']);
    expect(r.text).toContain('WINDOW TUMBLING(size 60000ms');
    expect(r.text).toContain('WITHIN (3600000ms before, 3600000ms after');
  });

  it('static tables: INSERT, UPDATE, DELETE, COPY and a stream–static join', async () => {
    eddy = engine();
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    eddy.execute('CREATE TABLE ITEMS (NAME STRING PRIMARY KEY, CATEGORY STRING, COST DOUBLE);');
    eddy.execute("INSERT INTO ITEMS (NAME, CATEGORY, COST) VALUES ('apple', 'fruit', 0.4);");
    const dir = mkdtempSync(join(tmpdir(), 'eddy-copy-'));
    writeFileSync(join(dir, 'items.csv'), 'NAME,CATEGORY,COST\npear,fruit,0.9\nkale,veg,1.5\n');
    expect(eddy.execute(`COPY ITEMS FROM '${join(dir, 'items.csv')}';`)[0]).toMatchObject({ message: 'Copied 2 rows into ITEMS.' });
    eddy.execute("UPDATE ITEMS SET COST = COST * 2 WHERE CATEGORY = 'fruit';");
    eddy.execute("DELETE FROM ITEMS WHERE NAME = 'kale';");
    expect(rows(eddy, 'SELECT NAME, COST FROM ITEMS;').sort()).toEqual([
      ['apple', 0.8],
      ['pear', 1.8],
    ]);
    eddy.execute(ORDERS);
    eddy.execute('CREATE STREAM PRICED AS SELECT O.ID, O.ITEM, I.COST FROM ORDERS O LEFT JOIN ITEMS I ON O.ITEM = I.NAME;');
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "1, 'pear', 1, 1.0", 1);
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "2, 'plum', 1, 1.0", 2);
    // The join column in the projection becomes the key, as in ksqlDB.
    expect(topic(eddy, 'PRICED').map((r) => [r.key, r.value])).toEqual([
      ['pear', { ID: 1, COST: 1.8 }],
      ['plum', { ID: 2, COST: null }],
    ]);
  });
});

describe('errors', () => {
  it('a syntax error names line and column and changes nothing', () => {
    eddy = engine();
    try {
      eddy.execute("CREATE STREAM S (A INT)\nWITH (kafka_topic='s', value_format='JSON');\nSELECT * FRM S;");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SqlError);
      expect((e as SqlError).position).toMatchObject({ line: 3, column: 10 });
    }
    expect(rows(eddy, 'SHOW STREAMS;')).toEqual([]);
  });

  it('unknown source, unknown column, type mismatch and aggregate misuse are positioned errors', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    const err = (sql: string) => {
      try {
        eddy.execute(sql);
      } catch (e) {
        return e as SqlError;
      }
      throw new Error(`no error for ${sql}`);
    };
    expect(err('SELECT * FROM NOPE EMIT CHANGES;').message).toMatch(/NOPE does not exist/);
    const col = err('SELECT ID,\n  NOPE FROM ORDERS EMIT CHANGES;');
    expect(col.message).toMatch(/NOPE/);
    expect(col.position).toMatchObject({ line: 2, column: 3 });
    expect(err("SELECT ID FROM ORDERS WHERE QTY = 'x' EMIT CHANGES;").position?.line).toBe(1);
    expect(err('SELECT ID FROM ORDERS WHERE COUNT(*) > 1 EMIT CHANGES;').message).toMatch(/aggregate/i);
    expect(err('CREATE TABLE T AS SELECT ITEM, QTY, COUNT(*) FROM ORDERS GROUP BY ITEM;').message).toMatch(/not part of GROUP BY/);
    expect(rows(eddy, 'SHOW TABLES;').map((r) => r[0])).toEqual(['PROCESSING_LOG']);
  });

  it('a malformed record goes to the processing log and the query goes on', () => {
    eddy = engine();
    eddy.execute(ORDERS);
    eddy.execute('CREATE STREAM OUT AS SELECT * FROM ORDERS;');
    eddy.produce('orders', [{ timestamp: 1, key: Buffer.from([0, 0, 0, 1]), value: Buffer.from('{not json') }]);
    insert(eddy, 'ORDERS', 'ID, ITEM, QTY, PRICE', "2, 'ok', 1, 1.0", 2);
    eddy.runUntilIdle();
    expect(topic(eddy, 'OUT').map((r) => r.key)).toEqual([2]);
    const log = eddy.processingLog();
    expect(log[0]).toMatchObject({ queryId: 'CSAS_OUT_0', topic: 'orders', offset: 0 });
    expect(log[0]!.reason).toMatch(/value/i);
    // …and Eddy's own SQL reads it.
    expect(rows(eddy, "SELECT QUERY_ID, TOPIC, OFFSET FROM PROCESSING_LOG WHERE QUERY_ID = 'CSAS_OUT_0';")).toEqual([['CSAS_OUT_0', 'orders', 0]]);
  });
});

describe('latest.<stream>', () => {
  it('answers ad-hoc SQL on the newest batch only', () => {
    eddy = engine(100);
    eddy.execute(ORDERS);
    eddy.execute('CREATE STREAM ALL_ORDERS AS SELECT * FROM ORDERS;');
    eddy.execute("INSERT INTO ORDERS (ID, ITEM, QTY, PRICE) VALUES (1, 'a', 1, 1.0);");
    eddy.step();
    eddy.execute("INSERT INTO ORDERS (ID, ITEM, QTY, PRICE) VALUES (2, 'b', 2, 1.0);");
    eddy.execute("INSERT INTO ORDERS (ID, ITEM, QTY, PRICE) VALUES (3, 'c', 3, 1.0);");
    eddy.step();
    expect(rows(eddy, 'SELECT ID, ITEM FROM latest.ORDERS;')).toEqual([
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(rows(eddy, 'SELECT ITEM, SUM(QTY) AS Q FROM latest.ORDERS GROUP BY ITEM;').sort()).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });
});
