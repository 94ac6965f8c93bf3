// BIGINT is exact end to end (a number while safe, a bigint past 2^53; src/planner/long.ts):
// decoded from and encoded to every format as key and value, through SQL literals, arithmetic
// (wrapping as Java's long does), CAST, functions, aggregations, windows, tables, pull queries,
// the SQLite state that survives a restart, and the library.

import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import type { StatementResult } from '../../src/runtime/results.js';
import { engine, perTest, rows } from './helpers.js';

const MIN = -9223372036854775808n;
const MAX = 9223372036854775807n;
const BIG = 998877665544332211n;
const EXTREMES = [MIN, MAX, BIG];

const scratch = perTest('bigint');
let eddy: Eddy | undefined;

function produce(e: Eddy, topic: string, key: Buffer | null, value: Buffer | null, ts = 0): void {
  e.produce(topic, [{ timestamp: ts, key, value, headers: [] }], 1);
}

function long8(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
}

/** The bytes a format writes for one BIGINT, and for the value {V: v}. */
const FORMATS = {
  JSON: { key: (v: bigint) => Buffer.from(`${v}`), value: (v: bigint) => Buffer.from(`{"V":${v}}`) },
  DELIMITED: { key: (v: bigint) => Buffer.from(`${v}`), value: (v: bigint) => Buffer.from(`${v}`) },
  KAFKA: { key: long8, value: long8 },
} as const;

describe('BIGINT through the formats', () => {
  for (const [format, bytes] of Object.entries(FORMATS)) {
    it(`${format} key and value keep every digit, in and out`, () => {
      eddy = scratch.use(engine());
      const e = eddy;
      const t = format.toLowerCase();
      e.execute(`CREATE STREAM S (K BIGINT KEY, V BIGINT) WITH (kafka_topic='${t}_in', format='${format}', partitions=1);`);
      e.execute(`CREATE STREAM O WITH (kafka_topic='${t}_out') AS SELECT K, V FROM S;`);
      for (const v of EXTREMES) produce(e, `${t}_in`, bytes.key(v), bytes.value(v));
      // A safe value stays a plain number.
      produce(e, `${t}_in`, bytes.key(5n), bytes.value(-7n));
      e.runUntilIdle();
      const out = e.readTopic(`${t}_out`);
      expect(out.map((r) => r.key)).toEqual([...EXTREMES, 5n].map(bytes.key));
      expect(out.map((r) => r.value)).toEqual([...EXTREMES, -7n].map(bytes.value));
      expect(rows(e, 'SELECT K, V FROM O;')).toEqual([...EXTREMES.map((v) => [v, v]), [5, -7]]);
    });
  }

  it('a JSON number past 2^53 is read exactly, whether the fast or the lossless decoder sees it', () => {
    eddy = scratch.use(engine());
    const e = eddy;
    e.execute("CREATE STREAM S (K BIGINT KEY, V BIGINT, D DOUBLE, X STRING) WITH (kafka_topic='s', format='JSON', partitions=1);");
    e.execute('CREATE STREAM O AS SELECT * FROM S;');
    // Exact name (the native JSON.parse path) and a differently cased one (the lossless path).
    produce(e, 's', Buffer.from('9007199254740993'), Buffer.from('{"V":9007199254740993,"D":1.5,"X":"a"}'));
    produce(e, 's', Buffer.from('"9007199254740995"'), Buffer.from('{"v":"-9007199254740995","d":2,"x":"b"}'));
    produce(e, 's', Buffer.from('1'), Buffer.from('{"V":9223372036854775808,"D":0,"X":"c"}'));
    e.runUntilIdle();
    expect(rows(e, 'SELECT K, V, D FROM S;')).toEqual([
      [9007199254740993n, 9007199254740993n, 1.5],
      [9007199254740995n, -9007199254740995n, 2],
    ]);
    // One past the long range is refused, not wrapped or rounded.
    expect(
      e
        .processingLog()
        .map((x) => x.reason)
        .join('\n'),
    ).toMatch(/9223372036854775808 is out of range/);
    expect(e.readTopic('O').map((r) => String(r.value))).toEqual(['{"V":9007199254740993,"D":1.5,"X":"a"}', '{"V":-9007199254740995,"D":2.0,"X":"b"}']);
  });
});

describe('BIGINT in SQL', () => {
  it('literals are exact, and past the 64-bit range refused as ksqlDB refuses them', () => {
    eddy = scratch.use(engine());
    const e = eddy;
    e.execute("CREATE STREAM S (K BIGINT KEY, V BIGINT) WITH (kafka_topic='s', format='JSON', partitions=1);");
    e.execute('INSERT INTO S (K, V) VALUES (998877665544332211, -9223372036854775808);');
    e.execute('INSERT INTO S (K, V) VALUES (9223372036854775807, 998877665544332211);');
    e.runUntilIdle();
    expect(e.readTopic('s').map((r) => [String(r.key), String(r.value)])).toEqual([
      ['998877665544332211', '{"V":-9223372036854775808}'],
      ['9223372036854775807', '{"V":998877665544332211}'],
    ]);
    expect(rows(e, 'SELECT K FROM S WHERE K = 998877665544332211;')).toEqual([[BIG]]);
    expect(rows(e, 'SELECT V FROM S WHERE V < -9223372036854775807;')).toEqual([[MIN]]);
    expect(() => e.execute('INSERT INTO S (K, V) VALUES (9223372036854775808, 1);')).toThrow('Invalid numeric literal: 9223372036854775808');
    expect(() => e.execute('SELECT -9223372036854775809 FROM S;')).toThrow('Invalid numeric literal: -9223372036854775809');
  });

  it('arithmetic is exact and wraps at 64 bits as Java long does; CAST and functions keep the digits', () => {
    eddy = scratch.use(engine());
    const e = eddy;
    e.execute("CREATE STREAM S (K INT KEY, V BIGINT) WITH (kafka_topic='s', format='JSON', partitions=1);");
    e.execute('INSERT INTO S (K, V) VALUES (1, 998877665544332211);');
    e.execute('INSERT INTO S (K, V) VALUES (2, 9223372036854775807);');
    e.execute('INSERT INTO S (K, V) VALUES (3, -9223372036854775808);');
    e.runUntilIdle();
    const q = (sql: string) => rows(e, `SELECT ${sql} FROM S;`);
    expect(q('V + 1, V - 1, -V, V * 2, V / 10, V % 10')).toEqual([
      [998877665544332212n, 998877665544332210n, -998877665544332211n, 1997755331088664422n, 99887766554433221n, 1],
      // Java: MAX + 1 = MIN, MAX * 2 = -2, -MIN = MIN.
      [MIN, MAX - 1n, -MAX, -2, 922337203685477580n, 7],
      [MIN + 1n, MAX, MIN, 0, -922337203685477580n, -8],
    ]);
    expect(q('ABS(V), CAST(V AS STRING), CAST(V AS DECIMAL(20, 1)), CAST(V AS DOUBLE), CAST(V AS INT)')[0]).toEqual([BIG, '998877665544332211', expect.anything(), 998877665544332200, -858299469]);
    expect(String(q('CAST(V AS DECIMAL(20, 1))')[0]![0])).toBe('998877665544332211.0');
    // ABS(MIN) is MIN in Java (it overflows back).
    expect(q('ABS(V)')[2]).toEqual([MIN]);
    expect(q("CAST('998877665544332211' AS BIGINT), CAST(998877665544332211.7 AS BIGINT), V = 998877665544332211, V > 998877665544332210")[0]).toEqual([BIG, BIG, true, true]);
    expect(q("CAST('9223372036854775808' AS BIGINT)")[0]).toEqual([null]);
    // Mixed with safe numbers: the result drops back to a plain number when it fits.
    expect(q('V - 998877665544332200')[0]).toEqual([11]);
  });

  it('a table grouped by a BIGINT key sums and takes MAX exactly, windowed too, and a pull query reads it', () => {
    eddy = scratch.use(engine());
    const e = eddy;
    e.execute("CREATE STREAM S (ID INT KEY, G BIGINT, V BIGINT) WITH (kafka_topic='s', format='JSON', partitions=1);");
    e.execute('CREATE TABLE T AS SELECT G, SUM(V) AS TOTAL, MAX(V) AS TOP, MIN(V) AS BOTTOM, COUNT(*) AS N FROM S GROUP BY G;');
    e.execute('CREATE TABLE W AS SELECT G, SUM(V) AS TOTAL, MAX(V) AS TOP FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY G;');
    const ins = (id: number, g: string, v: string, ts: number) => e.execute(`INSERT INTO S (ROWTIME, ID, G, V) VALUES (${ts}, ${id}, ${g}, ${v});`);
    ins(1, '998877665544332211', '998877665544332211', 0);
    ins(2, '998877665544332211', '1', 100);
    ins(3, '-9223372036854775808', '9223372036854775807', 200);
    ins(4, '-9223372036854775808', '1', 1500); // MAX + 1 wraps to MIN, as Java's long sum
    ins(5, '5', '3', 1600);
    e.runUntilIdle();
    const table = rows(e, 'SELECT G, TOTAL, TOP, BOTTOM, N FROM T;');
    expect(new Map(table.map((r) => [r[0], r.slice(1)]))).toEqual(
      new Map<unknown, unknown[]>([
        [BIG, [BIG + 1n, BIG, 1, 2]],
        [MIN, [MIN, MAX, 1, 2]],
        [5, [3, 3, 3, 1]],
      ]),
    );
    expect(rows(e, 'SELECT G, TOTAL FROM T WHERE G = 998877665544332211;')).toEqual([[BIG, BIG + 1n]]);
    expect(rows(e, 'SELECT G, TOTAL FROM T WHERE G = -9223372036854775808;')).toEqual([[MIN, MIN]]);
    expect(rows(e, 'SELECT G, WINDOWSTART, TOTAL, TOP FROM W WHERE G = -9223372036854775808;')).toEqual([
      [MIN, 0, MAX, MAX],
      [MIN, 1000, 1, 1],
    ]);
    // The sink topic carries the digits.
    expect(e.readTopic('T').map((r) => String(r.value))).toContain(`{"TOTAL":${BIG + 1n},"TOP":${BIG},"BOTTOM":1,"N":2}`);
  });

  it('state in SQLite keeps the digits across a restart, and the library gets bigint past 2^53', () => {
    const dir = scratch.dir();
    const open = () => Eddy.open({ dataDir: dir, autoStart: false, batch: { maxRecords: 1 }, properties: { 'auto.offset.reset': 'earliest' } });
    eddy = scratch.use(open());
    eddy.execute("CREATE STREAM S (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='s', format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE T AS SELECT ID, SUM(V) AS TOTAL, LATEST_BY_OFFSET(V) AS LAST FROM S GROUP BY ID;');
    eddy.insert('S', [
      { ID: BIG, V: MAX - 1n },
      { ID: 7, V: 9007199254740991 },
    ]);
    eddy.runUntilIdle();
    eddy.close();
    eddy = scratch.use(open());
    eddy.insert('S', [
      { ID: BIG, V: 1n },
      { ID: 7, V: 1 },
    ]);
    eddy.runUntilIdle();
    const got = new Map(rows(eddy, 'SELECT ID, TOTAL, LAST FROM T;').map((r) => [r[0], r.slice(1)]));
    // 2^53 - 1 + 1 leaves the safe range: a bigint, exact.
    expect(got).toEqual(
      new Map<unknown, unknown[]>([
        [BIG, [MAX, 1]],
        [7, [9007199254740992n, 1]],
      ]),
    );
    expect(typeof got.get(7)![1]).toBe('number');
    const push = eddy.execute('SELECT ID, V * 1 AS V FROM S EMIT CHANGES;').at(-1) as StatementResult;
    if (push.kind !== 'push') throw new Error('expected a push query');
    eddy.runUntilIdle();
    expect(push.query.drain().map((r) => r.values)).toEqual([
      [BIG, MAX - 1n],
      [7, 9007199254740991],
      [BIG, 1],
      [7, 1],
    ]);
    push.query.close();
  });
});
