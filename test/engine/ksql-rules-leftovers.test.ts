// Function rules an earlier sweep left open, each as ksqlDB's own declarations make it: the sort
// types TOPK and TOPKDISTINCT's UDAF factories declare, the STRING keys of the map UDFs, and ROUND's
// overloads (no integer-with-places form, so an integer is ambiguous between DOUBLE and DECIMAL).

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, refusalOf, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

function things(): Eddy {
  eddy = engine();
  eddy.execute(
    "CREATE STREAM THINGS (ID STRING KEY, B BOOLEAN, D DATE, TS TIMESTAMP, BS BYTES, DEC DECIMAL(4, 2), I INT, L BIGINT, S STRING, SM MAP<STRING, INT>, ARR ARRAY<INT>) WITH (kafka_topic='things', value_format='JSON', partitions=1);",
  );
  return eddy;
}

describe('TOPK and TOPKDISTINCT sort-column types', () => {
  it('TOPK takes INT, BIGINT, DOUBLE, STRING (and a DECIMAL, which widens to DOUBLE); any other sort type is refused', () => {
    things();
    for (const col of ['I', 'L', 'S', 'DEC']) eddy.execute(`CREATE TABLE T_${col} AS SELECT ID, TOPK(${col}, 2) AS TOP FROM THINGS GROUP BY ID;`);
    expect(refusalOf(eddy, 'CREATE TABLE T_B AS SELECT ID, TOPK(B, 2) AS TOP FROM THINGS GROUP BY ID;')).toContain("Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER).");
    expect(refusalOf(eddy, 'CREATE TABLE T_D AS SELECT ID, TOPK(D, S, 2) AS TOP FROM THINGS GROUP BY ID;')).toContain("Function 'TOPK' does not accept parameters (DATE, STRING, INTEGER).");
    expect(refusalOf(eddy, 'CREATE TABLE T_A AS SELECT ID, TOPK(ARR, 2) AS TOP FROM THINGS GROUP BY ID;')).toContain("Function 'TOPK' does not accept parameters (ARRAY<INTEGER>, INTEGER).");
  });

  it('TOPKDISTINCT also takes DATE, TIMESTAMP and BYTES, but not BOOLEAN or a MAP', () => {
    things();
    for (const col of ['D', 'TS', 'BS', 'DEC']) eddy.execute(`CREATE TABLE TD_${col} AS SELECT ID, TOPKDISTINCT(${col}, 2) AS TOP FROM THINGS GROUP BY ID;`);
    expect(refusalOf(eddy, 'CREATE TABLE TD_B AS SELECT ID, TOPKDISTINCT(B, 2) AS TOP FROM THINGS GROUP BY ID;')).toContain("Function 'TOPKDISTINCT' does not accept parameters (BOOLEAN, INTEGER).");
    expect(refusalOf(eddy, 'CREATE TABLE TD_M AS SELECT ID, TOPKDISTINCT(SM, 2) AS TOP FROM THINGS GROUP BY ID;')).toContain(
      "Function 'TOPKDISTINCT' does not accept parameters (MAP<STRING, INTEGER>, INTEGER).",
    );
  });
});

describe('map functions take MAP<STRING, V> only', () => {
  it('MAP_KEYS, MAP_VALUES and MAP_UNION refuse a map whose keys are not STRING (JSON columns cannot hold one: it is built)', () => {
    things();
    eddy.execute('CREATE STREAM OK AS SELECT ID, MAP_KEYS(SM) AS K, MAP_VALUES(SM) AS V, MAP_UNION(SM, SM) AS U FROM THINGS;');
    expect(refusalOf(eddy, 'CREATE STREAM K AS SELECT ID, MAP_KEYS(MAP(I := S)) AS K FROM THINGS;')).toContain("Function 'map_keys' does not accept parameters (MAP<INTEGER, STRING>).");
    expect(refusalOf(eddy, 'CREATE STREAM V AS SELECT ID, MAP_VALUES(MAP(I := S)) AS V FROM THINGS;')).toContain("Function 'map_values' does not accept parameters (MAP<INTEGER, STRING>).");
    expect(refusalOf(eddy, 'CREATE STREAM U AS SELECT ID, MAP_UNION(MAP(I := S), MAP(I := S)) AS U FROM THINGS;')).toContain(
      "Function 'map_union' does not accept parameters (MAP<INTEGER, STRING>, MAP<INTEGER, STRING>).",
    );
  });

  it('a map literal with STRING keys is accepted; one with INT keys is refused', () => {
    eddy = engine();
    eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, S STRING);');
    eddy.execute("INSERT INTO ONE (ID, S) VALUES (1, 'x');");
    expect(rows(eddy, "SELECT MAP_KEYS(MAP('a' := 1)), MAP_VALUES(MAP('a' := 1)) FROM ONE;")[0]).toEqual([['a'], [1]]);
    expect(refusalOf(eddy, "SELECT MAP_KEYS(MAP(1 := 'a')) FROM ONE;")).toContain("Function 'map_keys' does not accept parameters (MAP<INTEGER, STRING>).");
  });
});

describe('ROUND overloads', () => {
  it('ROUND(INT, INT) and ROUND(BIGINT, INT) are ambiguous (DOUBLE or DECIMAL); a cast picks one', () => {
    eddy = engine();
    eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, I INT, L BIGINT);');
    eddy.execute('INSERT INTO ONE (ID, I, L) VALUES (1, 15, 25);');
    expect(refusalOf(eddy, 'SELECT ROUND(I, 1) FROM ONE;')).toContain("Function 'Round' cannot be resolved due to ambiguous method parameters (INTEGER, INTEGER).");
    expect(refusalOf(eddy, 'SELECT ROUND(L, -1) FROM ONE;')).toContain("Function 'Round' cannot be resolved due to ambiguous method parameters (BIGINT, INTEGER).");
    // The one-argument forms exist for INT and BIGINT (both give a BIGINT).
    expect(rows(eddy, 'SELECT ROUND(I), ROUND(L), ROUND(CAST(I AS DOUBLE), -1), ROUND(CAST(L AS DECIMAL(4, 0)), -1) FROM ONE;')[0]).toEqual([15, 25, 20, expect.anything()]);
  });
});

describe('an invalid constant regular expression', () => {
  it('fails each row at run time, as ksqlDB compiles the pattern per call: the value is NULL and the processing log has the offset and why', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM WORDS (ID STRING KEY, W STRING) WITH (kafka_topic='words', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM OUT AS SELECT ID, REGEXP_EXTRACT('(ab', W) AS X, REGEXP_REPLACE(W, '[a', 'z') AS Y, W FROM WORDS;");
    insert(eddy, 'WORDS', 'ID, W', "'k', 'abc'", 1);
    insert(eddy, 'WORDS', 'ID, W', "'k', 'def'", 2);
    expect(topic(eddy, 'OUT').map((r) => r.value)).toEqual([
      { X: null, Y: null, W: 'abc' },
      { X: null, Y: null, W: 'def' },
    ]);
    const log = eddy.processingLog().filter((r) => /REGEXP_(EXTRACT|REPLACE): invalid or unsupported regular expression/.test(r.reason));
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((r) => typeof r.offset === 'number')).toBe(true);
  });

  it('a valid pattern RE2 cannot run (a backreference) is still refused while planning: Eddy cannot run it at all', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM WORDS (ID STRING KEY, W STRING) WITH (kafka_topic='words', value_format='JSON', partitions=1);");
    expect(refusalOf(eddy, "CREATE STREAM OUT AS SELECT ID, REGEXP_EXTRACT('(a)\\1', W) AS X FROM WORDS;")).toMatch(
      /REGEXP_EXTRACT: invalid or unsupported regular expression '\(a\)\\1'.*no backreferences or lookaround/,
    );
  });
});

describe('JSON functions over text that is not JSON', () => {
  it('fail the row as ksqlDB parseJson does (NULL, logged with the offset); blank text is no JSON value (NULL, not logged); IS_JSON_STRING and JSON_ARRAY_CONTAINS say false', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM DOCS (ID STRING KEY, J STRING) WITH (kafka_topic='docs', value_format='JSON', partitions=1);");
    eddy.execute(
      "CREATE STREAM OUT AS SELECT ID, EXTRACTJSONFIELD(J, '$.a') AS E, JSON_ARRAY_LENGTH(J) AS L, JSON_KEYS(J) AS K, JSON_RECORDS(J) AS R, JSON_CONCAT(J, '{}') AS C, JSON_ITEMS(J) AS IT, IS_JSON_STRING(J) AS OK, JSON_ARRAY_CONTAINS(J, 1) AS HAS FROM DOCS;",
    );
    insert(eddy, 'DOCS', 'ID, J', "'bad', '{\"a\": '", 1);
    insert(eddy, 'DOCS', 'ID, J', "'blank', '  '", 2);
    insert(eddy, 'DOCS', 'ID, J', "'good', '{\"a\": 1}'", 3);
    const out = topic(eddy, 'OUT').map((r) => r.value);
    const nulls = { E: null, L: null, K: null, R: null, C: null, IT: null, OK: false, HAS: false };
    expect(out[0]).toEqual(nulls);
    expect(out[1]).toEqual(nulls);
    // An object is no array: JSON_ITEMS fails its row too (ksqlDB reads the text as a list).
    expect(out[2]).toEqual({ E: '1', L: null, K: ['a'], R: new Map([['a', '1']]), C: '{"a":1}', IT: null, OK: true, HAS: false });
    const log = eddy.processingLog().filter((r) => r.reason.includes('Invalid JSON format:'));
    // The bad row: EXTRACTJSONFIELD, JSON_ARRAY_LENGTH, JSON_KEYS, JSON_RECORDS, JSON_CONCAT, JSON_ITEMS; then JSON_ITEMS of the blank and of the object.
    expect(log.length).toBe(8);
    expect(log.filter((r) => !r.reason.includes('{"a": 1}') && r.reason.includes('Invalid JSON format:{"a": ')).length, log.map((r) => r.reason).join('\n')).toBe(6);
    expect(log.every((r) => typeof r.offset === 'number')).toBe(true);
  });
});

describe('WITH-clause properties of CREATE', () => {
  const base = "kafka_topic='s', value_format='JSON', partitions=1";

  it('an unknown property is refused with ksqlDB words at its value (as every property error points); CREATE … AS SELECT takes no WINDOW_TYPE', () => {
    eddy = engine();
    expect(refusalOf(eddy, `CREATE STREAM S (K STRING KEY, V INT) WITH (${base}, foo='x');`)).toBe('line 1:101: Invalid config variable(s) in the WITH clause: FOO');
    expect(refusalOf(eddy, `CREATE STREAM S (K STRING KEY, V INT) WITH (${base}, Foo='x', bar=1);`)).toContain('Invalid config variable(s) in the WITH clause: FOO,BAR');
    eddy.execute(`CREATE STREAM S (K STRING KEY, V INT) WITH (${base}, replicas=1, retention_ms=1000, timestamp_format='yyyy');`);
    expect(refusalOf(eddy, "CREATE STREAM T WITH (window_type='TUMBLING') AS SELECT * FROM S;")).toContain('Invalid config variable(s) in the WITH clause: WINDOW_TYPE');
    eddy.execute("CREATE STREAM T WITH (kafka_topic='t', partitions=1, key_format='JSON') AS SELECT * FROM S;");
  });

  it('TIMESTAMP: a BIGINT or TIMESTAMP column as is, a STRING only with TIMESTAMP_FORMAT, TIMESTAMP_FORMAT only for a STRING', () => {
    eddy = engine();
    const cols = '(K STRING KEY, L BIGINT, TS TIMESTAMP, S STRING, I INT)';
    eddy.execute(`CREATE STREAM A ${cols} WITH (${base}, timestamp='L');`);
    eddy.execute(`CREATE STREAM B ${cols} WITH (kafka_topic='b', value_format='JSON', partitions=1, timestamp='TS');`);
    eddy.execute(`CREATE STREAM C ${cols} WITH (kafka_topic='c', value_format='JSON', partitions=1, timestamp='S', timestamp_format='yyyy-MM-dd');`);
    expect(refusalOf(eddy, `CREATE STREAM D ${cols} WITH (kafka_topic='d', value_format='JSON', partitions=1, timestamp='S');`)).toContain(
      'A String timestamp field has been specified without also specifying the timestamp_format',
    );
    expect(refusalOf(eddy, `CREATE STREAM D ${cols} WITH (kafka_topic='d', value_format='JSON', partitions=1, timestamp='L', timestamp_format='yyyy');`)).toContain(
      "'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.",
    );
    expect(refusalOf(eddy, `CREATE STREAM D ${cols} WITH (kafka_topic='d', value_format='JSON', partitions=1, timestamp='I');`)).toContain(
      'Timestamp column, `I`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.',
    );
    // The same rule for the sink of a CREATE … AS SELECT.
    expect(refusalOf(eddy, "CREATE STREAM E WITH (kafka_topic='e', timestamp='I') AS SELECT * FROM A;")).toContain('Timestamp column, `I`, should be LONG(INT64)');
  });
});

describe('integer WITH properties given as strings', () => {
  it("a quoted number is read as the number; anything else is Kafka ConfigDef's 'Not a number of type', checked before the names", () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions='2', replicas=' 1');");
    expect(eddy.state.catalog.get('S')!.partitions).toBe(2);
    expect(refusalOf(eddy, "CREATE STREAM T (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON', partitions='abc', foo=1);")).toContain(
      'Invalid value abc for property PARTITIONS: Not a number of type INT',
    );
    expect(refusalOf(eddy, "CREATE STREAM T WITH (replicas='x') AS SELECT * FROM S;")).toContain('Invalid value x for property REPLICAS: Not a number of type SHORT');
  });
});

describe('TIMESTAMP_FORMAT', () => {
  it("must be a pattern java.time takes: ksqlDB's 'Invalid datetime format for config:TIMESTAMP_FORMAT, reason:…'", () => {
    eddy = engine();
    const cols = '(K STRING KEY, S STRING)';
    expect(refusalOf(eddy, `CREATE STREAM A ${cols} WITH (kafka_topic='a', value_format='JSON', partitions=1, timestamp='S', timestamp_format='yyyy-bb');`)).toContain(
      'Invalid datetime format for config:TIMESTAMP_FORMAT, reason:Unknown pattern letter: b',
    );
    expect(refusalOf(eddy, `CREATE STREAM A ${cols} WITH (kafka_topic='a', value_format='JSON', partitions=1, timestamp='S', timestamp_format='yyyy''T');`)).toContain(
      "reason:Pattern ends with an incomplete string literal: yyyy'T",
    );
    eddy.execute(`CREATE STREAM A ${cols} WITH (kafka_topic='a', value_format='JSON', partitions=1, timestamp='S', timestamp_format='yyyy-MM-dd''T''HH:mm');`);
  });
});
