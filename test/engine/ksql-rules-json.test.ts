// JSON functions as ksqlDB's UDF classes define them: TO_JSON_STRING writes dates and times as
// SqlTimeTypes' text and a struct's or map's entries in key order (a TreeMap), doubles as Java
// prints them; EXTRACTJSONFIELD reads its path with ksqlDB's JsonPathTokenizer, whose grammar
// refuses what it does not know (a single-quoted name, a negative index), failing the row.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';
import { engine, rows } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

function evaluate(...exprs: string[]): Value[] {
  eddy = engine();
  eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, J STRING);');
  eddy.execute(`INSERT INTO ONE (ID, J) VALUES (1, '{"a":{"b-c":[1,{"x":"y"}],"n":null},"l":[5,6]}');`);
  return rows(eddy, `SELECT ${exprs.join(', ')} FROM ONE;`)[0]!;
}

describe('TO_JSON_STRING', () => {
  it('writes a DATE as yyyy-MM-dd, a TIMESTAMP as yyyy-MM-ddTHH:mm:ss.SSS (UTC), a TIME as LocalTime text', () => {
    expect(
      evaluate(
        'TO_JSON_STRING(FROM_DAYS(18992))',
        'TO_JSON_STRING(FROM_UNIXTIME(1609459200123))',
        "TO_JSON_STRING(PARSE_TIME('10:15', 'HH:mm'))",
        "TO_JSON_STRING(PARSE_TIME('10:15:07', 'HH:mm:ss'))",
      ),
    ).toEqual(['"2021-12-31"', '"2021-01-01T00:00:00.123"', '"10:15"', '"10:15:07"']);
  });

  it('orders a struct’s fields and a map’s keys by name, and writes doubles as Java does', () => {
    expect(evaluate('TO_JSON_STRING(STRUCT(b := 1, a := ARRAY[FROM_DAYS(0)]))', "TO_JSON_STRING(MAP('z' := CAST(1.5e10 AS DOUBLE), 'a' := CAST(2 AS DOUBLE)))")).toEqual([
      '{"A":["1970-01-01"],"B":1}',
      '{"a":2.0,"z":1.5E10}',
    ]);
  });
});

describe('EXTRACTJSONFIELD paths', () => {
  it('takes .name, [name] and ["quoted"] steps; an array takes a name of digits as its index', () => {
    expect(
      evaluate(`EXTRACTJSONFIELD(J, '$.a["b-c"][1].x')`, "EXTRACTJSONFIELD(J, '$.l.1')", "EXTRACTJSONFIELD(J, '$[l][0]')", "EXTRACTJSONFIELD(J, '$.a.n')", "EXTRACTJSONFIELD(J, '$.l.x')"),
    ).toEqual(['y', '6', '5', 'null', null]);
  });

  it('refuses a single-quoted name, a negative index, a path without $ and a name with a dash (NULL)', () => {
    expect(evaluate("EXTRACTJSONFIELD(J, '$.a[''n'']')", "EXTRACTJSONFIELD(J, '$.l[-1]')", "EXTRACTJSONFIELD(J, 'a.n')", "EXTRACTJSONFIELD(J, '$.a.b-c')")).toEqual([null, null, null, null]);
  });
});

describe('JSON_ARRAY_CONTAINS', () => {
  it('reads the array as a stream: elements whole before the text stops being JSON still count', () => {
    expect(
      evaluate(
        "JSON_ARRAY_CONTAINS('[1, 2, oops', 2)",
        "JSON_ARRAY_CONTAINS('[1, 2, oops', 3)",
        `JSON_ARRAY_CONTAINS('["a,b", {"x": ]', 'a,b')`,
        "JSON_ARRAY_CONTAINS('[1, 2]x', 2)",
        `JSON_ARRAY_CONTAINS('{"a":1}', 1)`,
      ),
    ).toEqual([true, false, true, true, false]);
  });
});
