// Built-in functions at their edges, as ksqlDB's UDF classes define them: every overload, which
// arguments give NULL and which are errors, out-of-range positions, empty strings, and the words
// of a call no overload takes. Each case here is one rule read from ksqlDB's function sources.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';
import { engine, insert, rows, topic, refusalOf } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

/** A fresh engine with table ONE: one row whose NS, NI and NB columns are NULL. */
function fresh(): Eddy {
  eddy = engine();
  eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, NS STRING, NI INT, NB BYTES, W STRING);');
  eddy.execute("INSERT INTO ONE (ID, W) VALUES (1, 'Zürich 9');");
  return eddy;
}

/** Evaluates expressions over table ONE's row. */
function evaluate(...exprs: string[]): Value[] {
  return rows(fresh(), `SELECT ${exprs.join(', ')} FROM ONE;`)[0]!;
}

/** The message of the statement's refusal, on the current engine. */
const refusal = (sql: string): string => refusalOf(eddy, sql);

const hex = (v: Value) => Buffer.from(v as Uint8Array).toString('hex');

describe('masking', () => {
  it('classes characters by Unicode category, not ASCII: an accented lower-case letter is x', () => {
    expect(evaluate('MASK(W)', "MASK('ÉA-b')")).toEqual(['Xxxxxx-n', 'XX-x']);
  });

  it('takes the four mask characters, a NULL one leaving its class as it is', () => {
    expect(evaluate("MASK(W, '#', NULL, '0', '_')", "MASK_LEFT(W, 3, NULL, '*', NULL, NULL)", "MASK_KEEP_RIGHT(W, 2, 'U', 'l', 'd', 'o')", 'MASK_RIGHT(W, 20, NULL, NULL, NULL, NULL)')).toEqual([
      '#ürich_0',
      'Z**ich 9',
      'Ulllll 9',
      'Zürich 9',
    ]);
  });

  it('a mask of more than one character, or a negative count, fails the row (NULL), not the query', () => {
    expect(evaluate("MASK(W, 'XX', NULL, NULL, NULL)", 'MASK_LEFT(W, -2)', 'MASK_KEEP_LEFT(NS, -1)', 'MASK_RIGHT(NS, 2)')).toEqual([null, null, null, null]);
  });
});

describe('strings', () => {
  it('INSTR is 0 for a NULL string or substring and for a position past either end; a negative position counts from the end', () => {
    expect(
      evaluate("INSTR(NS, 'a')", "INSTR('abc', NS)", "INSTR('abc', 'a', 4)", "INSTR('abc', 'a', -4)", "INSTR('banana', 'an', -1)", "INSTR('banana', 'an', -1, 2)", "INSTR('banana', 'ana', 1, 2)"),
    ).toEqual([0, 0, 0, 0, 4, 2, 4]);
  });

  it('LEN counts UTF-16 units as Java does; INITCAP drops leading blanks; REPLACE of an empty string fills every gap', () => {
    expect(evaluate("LEN('a😀')", "INITCAP('  two  WORDS')", "REPLACE('ab', '', '.')", "REPLACE('a$b', '$', '$$')")).toEqual([3, 'Two  Words', '.a.b.', 'a$$b']);
  });

  it('CHR of a number that is no code point is NULL; CHR of text unescapes the whole Java escape', () => {
    expect(evaluate('CHR(1114112)', 'CHR(-5)', 'CHR(128512)', "CHR('\\u0041\\u0062c')", "CHR('\\u41')", "CHR('x\\u0041')")).toEqual([null, null, '😀', 'Abc', null, null]);
  });

  it('LPAD and RPAD pad and truncate BYTES too; NULL for a negative length or empty padding', () => {
    const [l, r, cut, neg, empty] = evaluate(
      "LPAD(TO_BYTES('0102', 'hex'), 5, TO_BYTES('ab', 'hex'))",
      "RPAD(TO_BYTES('0102', 'hex'), 3, TO_BYTES('abcd', 'hex'))",
      "LPAD(TO_BYTES('010203', 'hex'), 2, TO_BYTES('ff', 'hex'))",
      "RPAD(TO_BYTES('01', 'hex'), -1, TO_BYTES('ff', 'hex'))",
      "LPAD(TO_BYTES('01', 'hex'), 3, TO_BYTES('', 'hex'))",
    );
    expect([hex(l!), hex(r!), hex(cut!), neg, empty]).toEqual(['ababab0102', '0102ab', '0102', null, null]);
  });

  it("REGEXP_REPLACE's replacement is Java's: $0 and $n insert groups, a backslash escapes, a missing group fails the row", () => {
    expect(evaluate("REGEXP_REPLACE('a1b22', '(\\d)', '<$1$0>')", "REGEXP_REPLACE('a1', '\\d', '\\$')", "REGEXP_REPLACE('a1', '(\\d)', '$2')")).toEqual(['a<11>b<22><22>', 'a$', null]);
  });

  it('SUBSTRING of BYTES reads positions as for strings: 0 is the start, a negative length is empty', () => {
    expect(
      evaluate(
        "SUBSTRING(TO_BYTES('010203', 'hex'), 0)",
        "SUBSTRING(TO_BYTES('010203', 'hex'), 0, 2)",
        "SUBSTRING(TO_BYTES('010203', 'hex'), -2, 1)",
        "SUBSTRING(TO_BYTES('010203', 'hex'), 2, -1)",
      ).map(hex),
    ).toEqual(['010203', '0102', '02', '']);
  });

  it('SPLIT_TO_MAP with the same entry and key/value delimiter is NULL; UUID of 16 bytes is their UUID text, of any other length NULL', () => {
    expect(evaluate("SPLIT_TO_MAP('a:1,b:2', ',', ',')", "UUID(TO_BYTES('000102030405060708090a0b0c0d0e0f', 'hex'))", "UUID(TO_BYTES('0001', 'hex'))")).toEqual([
      null,
      '00010203-0405-0607-0809-0a0b0c0d0e0f',
      null,
    ]);
  });
});

describe('collections', () => {
  it('SLICE: a NULL bound is the start or the end; bounds outside the array or crossed give NULL', () => {
    expect(
      evaluate(
        'SLICE(ARRAY[1, 2, 3], NI, 2)',
        'SLICE(ARRAY[1, 2, 3], 2, NI)',
        'SLICE(ARRAY[1, 2, 3], 0, 2)',
        'SLICE(ARRAY[1, 2, 3], 1, 4)',
        'SLICE(ARRAY[1, 2, 3], 3, 1)',
        'SLICE(ARRAY[1, 2, 3], 3, 2)',
      ),
    ).toEqual([[1, 2], [2, 3], null, null, null, []]);
  });

  it('ARRAY_SORT takes ASC, ASCENDING, DESC, DESCENDING in any case; another direction is NULL', () => {
    expect(evaluate("ARRAY_SORT(ARRAY[2, NULL, 1], 'Descending')", "ARRAY_SORT(ARRAY[2, 1], 'ascending')", "ARRAY_SORT(ARRAY[2, 1], 'down')")).toEqual([[2, 1, null], [1, 2], null]);
  });

  it('AS_MAP takes STRING keys only', () => {
    fresh();
    expect(refusal('SELECT AS_MAP(ARRAY[1], ARRAY[2]) FROM ONE;')).toContain("Function 'AS_MAP' does not accept parameters (ARRAY<INTEGER>, ARRAY<INTEGER>).");
  });

  it('CUBE_EXPLODE skips the combinations a NULL element would repeat, exact for BIGINTs past 2^53', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM C (K INT KEY, A ARRAY<BIGINT>) WITH (kafka_topic='c', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM CO AS SELECT K, CUBE_EXPLODE(A) AS X FROM C;');
    insert(eddy, 'C', 'K, A', '1, ARRAY[9007199254740993, NULL]', 1);
    expect(topic(eddy, 'CO').map((r) => (r.value as { X: Value }).X)).toEqual([
      [null, null],
      [9007199254740993n, null],
    ]);
  });
});

describe('lambdas', () => {
  it('REDUCE from a NULL state is NULL, over a NULL array the state; a map TRANSFORM that makes two equal keys fails the row', () => {
    expect(
      evaluate(
        'REDUCE(ARRAY[1, 2], NI, (s, x) => s + x)',
        'REDUCE(CAST(NULL AS ARRAY<INT>), 5, (s, x) => s + x)',
        "TRANSFORM(MAP('a' := 1, 'b' := 2), (k, v) => 'same', (k, v) => v)",
        "TRANSFORM(MAP('a' := 1), (k, v) => UCASE(k), (k, v) => v * 10)",
      ),
    ).toEqual([null, 5, null, new Map([['A', 10]])]);
  });
});

describe('JSON text', () => {
  it('JSON_RECORDS gives a string value unquoted; EXTRACTJSONFIELD of a JSON null is the text null', () => {
    expect(evaluate(`JSON_RECORDS('{"s": "x", "n": 1.50, "o": {"a": null}}')`, `EXTRACTJSONFIELD('{"a": null}', '$.a')`, `EXTRACTJSONFIELD('{"a": 1}', '$.b')`)).toEqual([
      new Map([
        ['s', 'x'],
        ['n', '1.50'],
        ['o', '{"a":null}'],
      ]),
      'null',
      null,
    ]);
  });

  it('JSON_ARRAY_CONTAINS matches an element only with a value of its JSON kind', () => {
    expect(
      evaluate(
        `JSON_ARRAY_CONTAINS('[1, 2.5]', 1)`,
        `JSON_ARRAY_CONTAINS('[1, 2.5]', 1.0E0)`,
        `JSON_ARRAY_CONTAINS('[1, 2.5]', 2.5E0)`,
        `JSON_ARRAY_CONTAINS('["1"]', 1)`,
        `JSON_ARRAY_CONTAINS('[[1]]', 1)`,
        `JSON_ARRAY_CONTAINS('[9007199254740993]', 9007199254740993)`,
      ),
    ).toEqual([true, false, true, false, false, true]);
  });

  it('reads the first JSON value and ignores what follows, as Jackson does', () => {
    expect(evaluate(`IS_JSON_STRING('[1] trailing')`, `JSON_ARRAY_LENGTH('[1, 2]]')`, `JSON_KEYS('{"a": 1} {')`, `IS_JSON_STRING('')`)).toEqual([true, 2, ['a'], false]);
  });
});

describe('URLs as java.net.URI reads them', () => {
  it('keeps the case of scheme and host, states no default port, decodes path, query and fragment', () => {
    const u = "'HTTP://Example.COM/a%20b?q=%41&r#fr%20ag'";
    expect(
      evaluate(
        `URL_EXTRACT_PROTOCOL(${u})`,
        `URL_EXTRACT_HOST(${u})`,
        `URL_EXTRACT_PORT(${u})`,
        `URL_EXTRACT_PATH(${u})`,
        `URL_EXTRACT_QUERY(${u})`,
        `URL_EXTRACT_FRAGMENT(${u})`,
        `URL_EXTRACT_PARAMETER(${u}, 'r')`,
        `URL_EXTRACT_PARAMETER(${u}, 'q')`,
      ),
    ).toEqual(['HTTP', 'Example.COM', null, '/a b', 'q=A&r', 'fr ag', '', 'A']);
  });

  it('a relative reference has no scheme or host and its text is its path; an invalid one fails the row', () => {
    expect(
      evaluate("URL_EXTRACT_HOST('just/a/path')", "URL_EXTRACT_PATH('just/a/path')", "URL_EXTRACT_PROTOCOL('just/a/path')", "URL_EXTRACT_HOST('http://a b/')", "URL_EXTRACT_PORT('http://h:8080')"),
    ).toEqual([null, 'just/a/path', null, null, 8080]);
  });

  it('encodes a form parameter as Guava does: only letters, digits and -_.* stay', () => {
    expect(evaluate("URL_ENCODE_PARAM('a b~!é')", "URL_DECODE_PARAM('a+b%7E%C3%A9')")).toEqual(['a+b%7E%21%C3%A9', 'a b~é']);
  });
});

describe('numbers', () => {
  it('CEIL and FLOOR of a DECIMAL keep its type and scale; TRUNC of an INT is a BIGINT', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM N (K INT KEY, D DECIMAL(5, 2), I INT) WITH (kafka_topic='n', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM NO AS SELECT K, CEIL(D) AS C, FLOOR(D) AS F, TRUNC(I) AS T FROM N;');
    expect(rows(eddy, 'DESCRIBE NO;').map((r) => r[1])).toEqual(['INTEGER (key)', 'DECIMAL(5, 2)', 'DECIMAL(5, 2)', 'BIGINT']);
    insert(eddy, 'N', 'K, D, I', '1, -12.34, 7', 1);
    expect(topic(eddy, 'NO').map((r) => r.value)).toEqual([{ C: expect.anything(), F: expect.anything(), T: 7 }]);
    const v = topic(eddy, 'NO')[0]!.value as { C: Value; F: Value };
    expect([String(v.C), String(v.F)]).toEqual(['-12.00', '-13.00']);
  });

  it('BIGINT_FROM_BYTES is exact past 2^53; an unknown byte order is an error even for NULL bytes', () => {
    expect(
      evaluate(
        "BIGINT_FROM_BYTES(TO_BYTES('0020000000000001', 'hex'))",
        "BIGINT_FROM_BYTES(TO_BYTES('0100000000002000', 'hex'), 'little_endian')",
        "INT_FROM_BYTES(NB, 'MIDDLE')",
        'INT_FROM_BYTES(NB)',
      ),
    ).toEqual([9007199254740993n, 9007199254740993n, null, null]);
  });

  it("GEO_DISTANCE takes ksqlDB's unit names, trimmed and in any case, blank meaning km", () => {
    const [km, blank, mile, bad] = evaluate(
      'GEO_DISTANCE(0.0E0, 0.0E0, 0.0E0, 1.0E0)',
      "GEO_DISTANCE(0.0E0, 0.0E0, 0.0E0, 1.0E0, '  ')",
      "GEO_DISTANCE(0.0E0, 0.0E0, 0.0E0, 1.0E0, ' Mile ')",
      "GEO_DISTANCE(0.0E0, 0.0E0, 0.0E0, 1.0E0, 'parsec')",
    );
    expect([blank, bad]).toEqual([km, null]);
    expect((km as number) / (mile as number)).toBeCloseTo(6371 / 3959, 12);
  });
});

describe('aggregates', () => {
  it('SUM_LIST sums the non-NULL elements of every array, a NULL array adding nothing', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (K INT KEY, A ARRAY<INT>, D ARRAY<DOUBLE>) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE LO AS SELECT K, SUM_LIST(A) AS SA, SUM_LIST(D) AS SD FROM L GROUP BY K;');
    insert(eddy, 'L', 'K, A, D', '1, ARRAY[1, NULL, 2], ARRAY[0.5E0]', 1);
    insert(eddy, 'L', 'K, A, D', '1, NULL, ARRAY[1.0E0, NULL]', 2);
    expect(topic(eddy, 'LO').map((r) => r.value)).toEqual([
      { SA: 3, SD: 0.5 },
      { SA: 3, SD: 1.5 },
    ]);
  });

  it('AVG of a DECIMAL is a DOUBLE, and 0.0 while no non-NULL value has come; HISTOGRAM takes STRINGs only', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM A (K INT KEY, D DECIMAL(4, 1), I INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE AO AS SELECT K, AVG(D) AS AD, AVG(I) AS AI FROM A GROUP BY K;');
    expect(rows(eddy, 'DESCRIBE AO;').map((r) => r[1])).toEqual(['INTEGER (primary key)', 'DOUBLE', 'DOUBLE']);
    insert(eddy, 'A', 'K, D, I', '1, 2.5, NULL', 1);
    insert(eddy, 'A', 'K, D, I', '1, 3.5, NULL', 2);
    expect(topic(eddy, 'AO').map((r) => r.value)).toEqual([
      { AD: 2.5, AI: 0 },
      { AD: 3, AI: 0 },
    ]);
    expect(refusal('CREATE TABLE H AS SELECT K, HISTOGRAM(I) AS H FROM A GROUP BY K;')).toContain("Function 'histogram' does not accept parameters (INTEGER).");
  });

  it('LATEST_BY_OFFSET and EARLIEST_BY_OFFSET refuse N below 1', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (K INT KEY, A INT) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    expect(refusal('CREATE TABLE X AS SELECT K, LATEST_BY_OFFSET(A, 0) AS L FROM L GROUP BY K;')).toContain('latestN must be 1 or greater');
    expect(refusal('CREATE TABLE X AS SELECT K, EARLIEST_BY_OFFSET(A, -1, false) AS L FROM L GROUP BY K;')).toContain('earliestN must be 1 or greater');
  });
});

describe('calls no overload takes', () => {
  it('name the function as ksqlDB declares it, an untyped NULL as null, then the valid alternatives', () => {
    fresh();
    const lpad = refusal('SELECT LPAD(1, 2, NULL) FROM ONE;');
    expect(lpad.split('\n')[0]).toBe("line 1:8: Function 'LPad' does not accept parameters (INTEGER, INTEGER, null).");
    expect(lpad).toContain('\nValid alternatives are:\n');
    expect(lpad).toContain('For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;');
    expect(refusal('SELECT SUBSTRING(ID) FROM ONE;')).toContain("Function 'substring' does not accept parameters (INTEGER).");
    expect(refusal('SELECT ARRAY_LENGTH(ID) FROM ONE;')).toContain("Function 'ARRAY_LENGTH' does not accept parameters (INTEGER).");
  });

  it('an aggregate or table function no overload takes is refused at its call with its declared name', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM G (K INT KEY, S STRING) WITH (kafka_topic='g', value_format='JSON', partitions=1);");
    expect(refusal('CREATE TABLE X AS SELECT K, SUM(S) AS T FROM G GROUP BY K;')).toContain("Function 'SUM' does not accept parameters (STRING).");
    expect(refusal('CREATE TABLE X AS SELECT K, COLLECT_LIST() AS T FROM G GROUP BY K;')).toContain("Function 'collect_list' does not accept parameters ().");
    expect(refusal('CREATE TABLE X AS SELECT K, COUNT(K, S) AS T FROM G GROUP BY K;')).toContain("Function 'COUNT' does not accept parameters (INTEGER, STRING).");
    expect(refusal("CREATE TABLE X AS SELECT K, EARLIEST_BY_OFFSET(S, 2, 'yes') AS T FROM G GROUP BY K;")).toContain(
      "Function 'EARLIEST_BY_OFFSET' does not accept parameters (STRING, INTEGER, STRING).",
    );
    expect(refusal('CREATE TABLE X AS SELECT K, LATEST_BY_OFFSET(S, true, 3) AS T FROM G GROUP BY K;')).toContain("Function 'LATEST_BY_OFFSET' does not accept parameters (STRING, BOOLEAN, INTEGER).");
    expect(refusal('CREATE STREAM X AS SELECT K, EXPLODE(S) AS T FROM G;')).toMatch(/^line 1:30: Function 'explode' does not accept parameters \(STRING\)\./);
  });
});
