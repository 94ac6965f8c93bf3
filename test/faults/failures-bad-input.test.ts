// Bad input is rejected and logged, never altered (ksqlDB's deserialisation rules: the record goes
// to the processing log with its offset and the reason, and the query goes on): integers out of
// their column's range, invalid UTF-8, prototype keys; static tables honour their primary key and
// any column name, ROWID included. Real SQLite files; records as raw bytes on the topic.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { rows, topic } from '../engine/helpers.js';

let eddy: Eddy | undefined;
let dir: string | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(): Eddy {
  dir = mkdtempSync(join(tmpdir(), 'eddy-bad-input-'));
  eddy = Eddy.open({ dataDir: join(dir, 'data'), autoStart: false, batch: { maxRecords: 100 }, properties: { 'auto.offset.reset': 'earliest' } });
  return eddy;
}

/** Produce raw value bytes (key = index) to a topic; run the queries. */
function feed(e: Eddy, t: string, values: (string | Buffer)[]): void {
  e.produce(
    t,
    values.map((v, i) => ({ timestamp: i, key: Buffer.from(String(i)), value: typeof v === 'string' ? Buffer.from(v, 'utf8') : v })),
  );
  e.runUntilIdle();
}

/** What the query logged: offset → reason. */
function rejected(e: Eddy, queryId: string): Map<number, string> {
  return new Map(
    e
      .processingLog(1000)
      .filter((r) => r.queryId === queryId && r.offset !== null)
      .map((r) => [r.offset!, r.reason]),
  );
}

const bad = (before: string, byte: number, after: string): Buffer => Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from([byte]), Buffer.from(after, 'utf8')]);

describe('bad input is rejected and logged, never altered', () => {
  it('integers out of their column range (JSON and DELIMITED)', () => {
    const e = open();
    e.execute("CREATE STREAM J (ID STRING KEY, V INT, B BIGINT) WITH (kafka_topic='j', value_format='JSON');");
    e.execute('CREATE STREAM JO AS SELECT ID, V, B FROM J;');
    feed(e, 'j', [
      '{"V": 99999999999}',
      '{"V": "99999999999"}',
      '{"V": 5}',
      '{"B": 1e20}',
      '{"V": 2147483647, "B": -9007199254740991}',
      '{"V": -2147483648}',
      '{"V": 2147483648}',
      '{"V": -2147483649, "B": 1}',
      '{"V": 7.9}',
    ]);
    expect(topic(e, 'JO').map((r) => [r.key, r.value])).toEqual([
      ['2', { V: 5, B: null }],
      ['4', { V: 2147483647, B: -9007199254740991 }],
      ['5', { V: -2147483648, B: null }],
      ['8', { V: 7, B: null }], // a fraction truncates, as ksqlDB reads a number into INT
    ]);
    const log = rejected(e, 'CSAS_JO_0');
    expect([...log.keys()].sort()).toEqual([0, 1, 3, 6, 7]);
    expect(log.get(0)).toBe("Failed to deserialise value: Can't convert type. sourceType: LongNode, requiredType: INTEGER, path: $.V, value: 99999999999 is out of range");
    expect(log.get(1)).toBe('Failed to deserialise value: Can\'t coerce string to type. targetType: INTEGER, path: $.V, value: "99999999999" is out of range');
    expect(log.get(3)).toMatch(/requiredType: BIGINT, path: \$\.B, value: 1e20 is out of range/);

    e.execute("CREATE STREAM D (ID STRING KEY, V INT) WITH (kafka_topic='d', value_format='DELIMITED');");
    e.execute('CREATE STREAM DO AS SELECT ID, V FROM D;');
    feed(e, 'd', ['99999999999', '12', '-2147483649']);
    expect(topic(e, 'DO').map((r) => r.value)).toEqual([{ V: 12 }]);
    expect([...rejected(e, 'CSAS_DO_1').keys()].sort()).toEqual([0, 2]);
  });

  it('invalid UTF-8 in JSON, DELIMITED and KAFKA values', () => {
    const e = open();
    e.execute("CREATE STREAM J (ID STRING KEY, S STRING) WITH (kafka_topic='j', value_format='JSON');");
    e.execute('CREATE STREAM JO AS SELECT ID, S FROM J;');
    e.execute("CREATE STREAM D (ID STRING KEY, S STRING, N INT) WITH (kafka_topic='d', value_format='DELIMITED');");
    e.execute('CREATE STREAM DO AS SELECT ID, S, N FROM D;');
    e.execute("CREATE STREAM K (ID STRING KEY, S STRING) WITH (kafka_topic='k', value_format='KAFKA');");
    e.execute('CREATE STREAM KO AS SELECT ID, S FROM K;');
    feed(e, 'j', [bad('{"S":"a', 0xff, '"}'), '{"S":"é✓😀"}', bad('{"S":"', 0xc3, '"}'), bad('{"S":"ab', 0x80, '"}')]);
    feed(e, 'd', [bad('a', 0xfe, ',1'), 'ü,2']);
    feed(e, 'k', [bad('x', 0xed, '\u00a0'), 'plain ✓']);
    expect(topic(e, 'JO').map((r) => r.value)).toEqual([{ S: 'é✓😀' }]);
    expect(topic(e, 'DO').map((r) => r.value)).toEqual([{ S: 'ü', N: 2 }]);
    expect(topic(e, 'KO').map((r) => r.value)).toEqual([{ S: 'plain ✓' }]);
    const j = rejected(e, 'CSAS_JO_0');
    expect([...j.keys()].sort()).toEqual([0, 2, 3]);
    expect(j.get(0)).toBe('Failed to deserialise value: Failed to deserialize value as JSON: Invalid UTF-8 byte sequence at byte 7');
    expect(j.get(3)).toMatch(/Invalid UTF-8 byte sequence at byte 8$/);
    expect([...rejected(e, 'CSAS_DO_1')]).toEqual([[0, 'Failed to deserialise value: Invalid UTF-8 byte sequence at byte 1']]);
    expect([...rejected(e, 'CSAS_KO_2').keys()]).toEqual([0]);
    // Nothing anywhere was turned into U+FFFD.
    expect(JSON.stringify([topic(e, 'JO'), topic(e, 'DO'), topic(e, 'KO')])).not.toContain('\ufffd');
  });

  it('a __proto__ key is a key like any other: no phantom fields, and a column of that name reads it', () => {
    const e = open();
    // DECIMAL and MAP columns take the lossless JSON path, the one that assigned __proto__ as a prototype.
    e.execute("CREATE STREAM P (ID STRING KEY, V INT, D DECIMAL(4, 2), M MAP<STRING, INT>, `constructor` STRING, `__proto__` INT) WITH (kafka_topic='p', value_format='JSON');");
    e.execute('CREATE STREAM PO AS SELECT ID, V, D, M, `constructor`, `__proto__` FROM P;');
    e.execute("CREATE STREAM N (ID STRING KEY, V INT, S STRING) WITH (kafka_topic='n', value_format='JSON');");
    e.execute('CREATE STREAM NO AS SELECT ID, V, S FROM N;');
    feed(e, 'p', ['{"__proto__": 4, "M": {"__proto__": 3, "a": 1}}', '{"V": 1, "__proto__": 9}', '{"__proto__": {"V": 7, "D": 1.5}}']);
    feed(e, 'n', ['{"__proto__": {"V": 7, "S": "phantom"}}', '{"S": "x", "constructor": 1}']);
    const p = topic(e, 'PO').map((r) => r.value as Record<string, unknown>);
    expect(p.map((v) => [v.V, v.D, v.constructor, v.__proto__])).toEqual([
      [null, null, null, 4],
      [1, null, null, 9],
    ]);
    // An object for the INT column `__proto__`: a conversion error like any other.
    expect(rejected(e, 'CSAS_PO_0').get(2)).toMatch(/requiredType: INTEGER, path: \$\.__proto__/);
    expect(p[0]!.M).toEqual(
      new Map([
        ['__proto__', 3],
        ['a', 1],
      ]),
    );
    expect(e.readTopic('PO')[0]!.value!.toString()).toContain('"M":{"__proto__":3,"a":1}');
    expect(topic(e, 'NO').map((r) => r.value)).toEqual([
      { V: null, S: null },
      { V: null, S: 'x' },
    ]);
  });

  it('a STRUCT field named __proto__ is an ordinary field: from JSON input, a STRUCT literal, CAST and a static table', () => {
    const e = open();
    e.execute("CREATE STREAM SP (ID STRING KEY, S STRUCT<`__proto__` STRING, A INT>, T STRUCT<A INT>) WITH (kafka_topic='sp', value_format='JSON');");
    e.execute("CREATE STREAM SPO AS SELECT ID, S->`__proto__` AS P, S->A AS A, STRUCT(`__proto__` := 'lit', B := 2) AS L, CAST(S AS STRUCT<`__proto__` STRING>) AS C, T FROM SP;");
    feed(e, 'sp', ['{"S": {"__proto__": "x", "A": 1}, "T": {"A": 5}}', '{"S": {"A": 2}}']);
    const out = topic(e, 'SPO').map((r) => r.value as Record<string, Record<string, unknown> | unknown>);
    expect(out.map((v) => [v.P, v.A])).toEqual([
      ['x', 1],
      [null, 2],
    ]); // an absent __proto__ field is null, not the prototype
    const lit = out[0]!.L as Record<string, unknown>;
    expect(Object.getPrototypeOf(lit)).toBe(Object.prototype);
    expect(Object.keys(lit)).toEqual(['__proto__', 'B']);
    expect(Object.keys(out[0]!.C as object)).toEqual(['__proto__']);
    expect(e.readTopic('SPO')[0]!.value!.toString()).toContain('"L":{"__proto__":"lit","B":2}');
    expect(e.readTopic('SPO')[1]!.value!.toString()).toContain('"C":{"__proto__":null}');
    // Static tables store structs as tagged JSON: the field survives the round trip.
    e.execute('CREATE TABLE STP (ID INT PRIMARY KEY, S STRUCT<`__proto__` STRING, A INT>);');
    e.execute("INSERT INTO STP (ID, S) VALUES (1, STRUCT(`__proto__` := 'kept', A := 3));");
    expect(rows(e, 'SELECT ID, S->`__proto__`, S->A FROM STP;')).toEqual([[1, 'kept', 3]]);
  });

  it('static tables: a row without its primary key is refused, never given an invented one', () => {
    const e = open();
    e.execute('CREATE TABLE ST (ID INT PRIMARY KEY, NAME STRING);');
    const path = join(dir!, 'rows.csv');
    writeFileSync(path, 'ID,NAME\n1,one\n,nokey\n2,two\n');
    const result = e.execute(`COPY ST FROM '${path}';`)[0]!;
    expect(result).toMatchObject({ kind: 'message' });
    expect((result as { message: string }).message).toBe(
      "Copied 2 rows into ST. 1 line rejected (see the processing log), first: line 3: Failed to insert values into 'ST'. Value for primary key column(s) ID is required for tables",
    );
    expect(rows(e, 'SELECT * FROM ST;').sort()).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(() => e.execute("INSERT INTO ST (NAME) VALUES ('x');")).toThrow("Failed to insert values into 'ST'. Value for primary key column(s) ID is required for tables");
    expect(() => e.execute("INSERT INTO ST (ID, NAME) VALUES (NULL, 'x');")).toThrow('is required for tables');
    expect(rows(e, 'SELECT * FROM ST;')).toHaveLength(2);
    expect(e.processingLog().some((r) => r.offset === 3 && /primary key column\(s\) ID is required/.test(r.reason))).toBe(true);
  });

  it('a static table with a ROWID column joins like any other', () => {
    const e = open();
    e.execute('CREATE TABLE R (K STRING PRIMARY KEY, ROWID INT, V STRING);');
    e.execute("INSERT INTO R (K, V) VALUES ('a', 'A');");
    e.execute("INSERT INTO R (K, ROWID, V) VALUES ('b', 7, 'B');");
    e.execute("INSERT INTO R (K, ROWID) VALUES ('c', NULL);");
    e.execute("CREATE STREAM S (ID INT KEY, K STRING) WITH (kafka_topic='s', value_format='JSON');");
    e.execute('CREATE STREAM J AS SELECT S.ID, S.K, R.ROWID AS RID, R.V FROM S JOIN R ON S.K = R.K;');
    e.execute('CREATE STREAM LJ AS SELECT S.ID, R.K AS RK, R.V FROM S LEFT JOIN R ON S.K = R.K;');
    for (const [i, k] of ['a', 'b', 'c', 'z'].entries()) e.execute(`INSERT INTO S (ROWTIME, ID, K) VALUES (${i}, ${i}, '${k}');`);
    e.runUntilIdle();
    expect(topic(e, 'J').map((r) => r.value)).toEqual([
      { ID: 0, RID: null, V: 'A' },
      { ID: 1, RID: 7, V: 'B' },
      { ID: 2, RID: null, V: null },
    ]);
    expect(topic(e, 'LJ').map((r) => [r.key, r.value])).toEqual([
      ['a', { ID: 0, V: 'A' }],
      ['b', { ID: 1, V: 'B' }],
      ['c', { ID: 2, V: null }],
      ['z', { ID: 3, V: null }],
    ]);
  });
});
