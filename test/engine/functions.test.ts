// Scalar, aggregate and table functions as a user calls them: through SQL on a real engine. Each
// expectation is ksqlDB's documented or observed result for the same call.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';
import { engine, insert, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

/** Evaluates expressions over one row of a static table with columns D DOUBLE, S STRING, B BIGINT, I INT. */
function evaluate(...exprs: string[]): Value[] {
  eddy = engine();
  eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, D DOUBLE, S STRING, B BIGINT, I INT);');
  eddy.execute("INSERT INTO ONE (ID, D, S, B, I) VALUES (1, -1.5, 'a.b.', 7, 3);");
  return rows(eddy, `SELECT ${exprs.join(', ')} FROM ONE;`)[0]!;
}

function failure(sql: string): string {
  try {
    rows(eddy, sql);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('scalar functions', () => {
  it('ROUND on DOUBLE rounds half towards positive infinity', () => {
    expect(evaluate('ROUND(D)', 'ROUND(D, 0)', 'ROUND(1.25E0, 1)', 'ROUND(-1.25E0, 1)', 'ROUND(155E0, -1)')).toEqual([-1, -1, 1.3, -1.2, 160]);
  });

  it("ROUND on DECIMAL: exact at any size, a tie towards positive infinity, ksqlDB's result types", () => {
    eddy = engine();
    eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, V DECIMAL(33, 16), I INT);');
    eddy.execute('INSERT INTO ONE (ID, V, I) VALUES (1, -12345678987654321.5000000000000000, 7);');
    const sql = 'SELECT ROUND(V), ROUND(V, 0), ROUND(-V), ROUND(12345678987654321.4999999999999999), ROUND(-2.5), ROUND(2.5), ROUND(-1.25, 1), ROUND(155.0, -1), ROUND(I) FROM ONE;';
    const r = eddy.execute(sql).at(-1)!;
    if (r.kind !== 'rows') throw new Error(r.kind);
    expect(r.rows[0]!.map(String)).toEqual(['-12345678987654321', '-12345678987654321.0000000000000000', '12345678987654322', '12345678987654321', '-2', '3', '-1.20', '160.0', '7']);
    // DECIMAL(p, s) → DECIMAL(p − s, 0); with places the source's type; an INT → BIGINT (round(int) is a long).
    expect(r.columns.map((c) => c.type)).toEqual([
      'DECIMAL(17, 0)',
      'DECIMAL(33, 16)',
      'DECIMAL(17, 0)',
      'DECIMAL(17, 0)',
      'DECIMAL(1, 0)',
      'DECIMAL(1, 0)',
      'DECIMAL(3, 2)',
      'DECIMAL(4, 1)',
      'BIGINT',
    ]);
  });

  it('SPLIT keeps empty parts, splits BYTES, and an empty string is one empty part', () => {
    const [parts, empty, bytes] = evaluate("SPLIT(S, '.')", "SPLIT('', '')", "SPLIT(TO_BYTES('a,b', 'utf8'), TO_BYTES(',', 'utf8'))");
    expect(parts).toEqual(['a', 'b', '']);
    expect(empty).toEqual(['']);
    expect((bytes as Uint8Array[]).map((b) => Buffer.from(b).toString('utf8'))).toEqual(['a', 'b']);
  });

  it('REGEXP_SPLIT_TO_ARRAY does not return capture groups', () => {
    expect(evaluate("REGEXP_SPLIT_TO_ARRAY('aabcda', '(ab|cd)')")).toEqual([['a', '', 'a']]);
  });

  it('SPLIT_TO_MAP skips empty entries and entries without a key/value delimiter', () => {
    const [m, none] = evaluate("SPLIT_TO_MAP('a:1//b:2/c', '/', ':')", "SPLIT_TO_MAP('a:1', '', ':')");
    expect(m).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect(none).toBeNull();
  });

  it('GREATEST and LEAST pick one overload; mixed INT/BIGINT is ambiguous, as in ksqlDB', () => {
    expect(evaluate('GREATEST(I, 5, NULL)', 'LEAST(D, 2E0)', "GREATEST('a', 'c', 'b')")).toEqual([5, -1.5, 'c']);
    expect(failure('SELECT GREATEST(I, B) FROM ONE;')).toContain("Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).");
    expect(rows(eddy, 'SELECT GREATEST(I, B, D) FROM ONE;')[0]).toEqual([7]);
  });

  it('GEO_DISTANCE matches Java to the last digit and treats a NULL unit as km', () => {
    expect(evaluate('GEO_DISTANCE(37.4439E0, -122.1663E0, 51.5257E0, -0.1122E0)', 'GEO_DISTANCE(37.4439E0, -122.1663E0, 51.5257E0, -0.1122E0, CAST(NULL AS STRING))')).toEqual([
      8634.659796579544, 8634.659796579544,
    ]);
  });

  it('ARRAY_JOIN prints DOUBLE elements as Java does; CONCAT_WS joins BYTES', () => {
    const [joined, bytes] = evaluate("ARRAY_JOIN(ARRAY[1E0, 2.5E0, 0E0], ' ')", "CONCAT_WS(TO_BYTES('-', 'utf8'), TO_BYTES('a', 'utf8'), NULL, TO_BYTES('b', 'utf8'))");
    expect(joined).toBe('1.0 2.5 0.0');
    expect(Buffer.from(bytes as Uint8Array).toString('utf8')).toBe('a-b');
  });

  it('EXTRACTJSONFIELD reads the first JSON value and gives NULL for a negative index', () => {
    expect(evaluate(`EXTRACTJSONFIELD('{"a": [1, 2]}}', '$.a[1]')`, `EXTRACTJSONFIELD('{"a": [1, 2]}', '$.a[-1]')`)).toEqual(['2', null]);
  });

  it('TO_JSON_STRING writes a TIME as text', () => {
    expect(evaluate("TO_JSON_STRING(PARSE_TIME('16:43:40', 'HH:mm:ss'))")).toEqual(['"16:43:40"']);
  });

  it('date and time parsing ignores case; PARSE_DATE ignores trailing text', () => {
    expect(evaluate("PARSE_TIME('01:00:00 Pm', 'hh:mm:ss a')", "PARSE_DATE('2003-12-24-01-01', 'yyyy-MM-dd')", "STRINGTOTIMESTAMP('2020-05-11T21:58:33z', 'yyyy-MM-dd''T''HH:mm:ssX')")).toEqual([
      46800000, 12410, 1589234313000,
    ]);
  });

  it('TIMESTAMPTOSTRING names the zone with z', () => {
    expect(evaluate("TIMESTAMPTOSTRING(1526075913000, 'yyyy-MM-dd HH:mm:ss zzz', 'America/Los_Angeles')")).toEqual(['2018-05-11 14:58:33 PDT']);
  });

  it('constructors read literals as the type of the other elements and unite struct fields', () => {
    const [m, a] = evaluate("MAP(S := D, 'k' := '2.5')", 'ARRAY[STRUCT(X := I), STRUCT(Y := B)]');
    expect(m).toEqual(
      new Map([
        ['a.b.', -1.5],
        ['k', 2.5],
      ]),
    );
    expect(a).toEqual([{ X: 3 }, { Y: 7 }]);
  });

  it('rejects empty constructors and duplicate struct fields', () => {
    evaluate('1');
    expect(failure('SELECT ARRAY[] FROM ONE;')).toContain('Array constructor cannot be empty');
    expect(failure('SELECT STRUCT(A := 1, A := 2) FROM ONE;')).toContain('Duplicate field names found in STRUCT');
  });

  it('IN reads string literals as booleans by prefix and names the widened type in errors', () => {
    expect(evaluate("true IN ('tr', false)", "false IN ('Y')")).toEqual([true, false]);
    expect(failure('SELECT * FROM ONE WHERE D IN (10, true);')).toContain('operator does not exist: DOUBLE = BOOLEAN (true)');
  });
});

describe('aggregate and table functions', () => {
  const INPUT = "CREATE STREAM INPUT (ID INT KEY, V STRING) WITH (kafka_topic='in', value_format='JSON', partitions=1);";

  it('ATTR is the value while every row agrees, NULL after', () => {
    eddy = engine();
    eddy.execute(INPUT);
    eddy.execute('CREATE TABLE OUT AS SELECT ID, ATTR(V) AS A FROM INPUT GROUP BY ID;');
    for (const v of ["'x'", "'x'", "'y'"]) insert(eddy, 'INPUT', 'ID, V', `1, ${v}`, 1);
    expect(topic(eddy, 'OUT').map((r) => r.value)).toEqual([{ A: 'x' }, { A: 'x' }, { A: null }]);
  });

  it('COLLECT_LIST honours ksql.functions.collect_list.limit', () => {
    eddy = engine();
    eddy.execute("SET 'ksql.functions.collect_list.limit' = '2';");
    eddy.execute(INPUT);
    eddy.execute('CREATE TABLE OUT AS SELECT ID, COLLECT_LIST(V) AS L FROM INPUT GROUP BY ID;');
    for (const v of ["'a'", "'b'", "'c'"]) insert(eddy, 'INPUT', 'ID, V', `1, ${v}`, 1);
    expect(topic(eddy, 'OUT').at(-1)!.value).toEqual({ L: ['a', 'b'] });
  });

  it('an aggregation in DELIMITED cannot hold a struct or array intermediate', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM D (ID INT KEY, V INT) WITH (kafka_topic='d', value_format='DELIMITED', partitions=1);");
    expect(() => eddy.execute('CREATE TABLE OUT AS SELECT ID, AVG(V) AS A FROM D GROUP BY ID;')).toThrow('intermediate type that the value format can not handle');
    expect(() => eddy.execute('CREATE TABLE OUT2 AS SELECT ID, SUM(V) AS S FROM D GROUP BY ID;')).not.toThrow();
  });

  it('CUBE_EXPLODE starts from the all-NULL grouping set', () => {
    expect(evaluate('1')).toEqual([1]);
    eddy.close();
    eddy = engine();
    eddy.execute("CREATE STREAM C (ID INT KEY, A STRING, B STRING) WITH (kafka_topic='c', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM OUT AS SELECT ID, CUBE_EXPLODE(ARRAY[A, B]) AS G FROM C;');
    insert(eddy, 'C', 'ID, A, B', "1, 'x', 'y'", 1);
    expect(topic(eddy, 'OUT').map((r) => (r.value as { G: Value }).G)).toEqual([
      [null, null],
      [null, 'y'],
      ['x', null],
      ['x', 'y'],
    ]);
  });
});

describe('null values on streams', () => {
  it('a plain projection passes a null value on; a filter drops it', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM COPY AS SELECT * FROM S;');
    eddy.execute('CREATE STREAM SOME AS SELECT * FROM S WHERE V IS NULL;');
    const key = Buffer.alloc(4);
    key.writeInt32BE(1);
    eddy.produce('s', [{ timestamp: 1, key, value: null, headers: [] }], 1);
    eddy.runUntilIdle();
    expect(topic(eddy, 'COPY')).toEqual([{ key: 1, value: null, ts: 1 }]);
    expect(eddy.readTopic('SOME')).toEqual([]);
  });
});
