// Numbers in JSON strings read as ksqlDB's JSON deserializer reads them (Java's parseDouble /
// parseInt / parseLong): a DOUBLE written as "NaN" or "Infinity" — how the JSON serializer writes
// those values — reads back instead of sending its record to the processing log, and a string
// Java would refuse is refused with ksqlDB's wording, never altered.

import { describe, expect, it } from 'vitest';
import { engine, perTest, rows, topic } from './helpers.js';

const scratch = perTest('json-strings');

function produce(e: ReturnType<typeof engine>, value: string): void {
  e.produce('s', [{ timestamp: 0, key: null, value: Buffer.from(value, 'utf8'), headers: [] }], 1);
}

function logged(e: ReturnType<typeof engine>): string[] {
  return rows(e, 'SELECT REASON FROM PROCESSING_LOG;').map((r) => String(r[0]));
}

describe('numbers in JSON strings', () => {
  it('a NaN or an infinity written by INSERT goes through a persistent query and out again', () => {
    const e = scratch.use(engine(100));
    e.execute(`CREATE STREAM S (ID INT KEY, D DOUBLE) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM T AS SELECT ID, D FROM S;`);
    e.execute(
      "INSERT INTO S (ID, D) VALUES (1, CAST('NaN' AS DOUBLE)); INSERT INTO S (ID, D) VALUES (2, 1e308 * 10); INSERT INTO S (ID, D) VALUES (3, -1e308 * 10); INSERT INTO S (ID, D) VALUES (4, 1.5);",
    );
    e.runUntilIdle();
    expect(topic(e, 'T').map((r) => [r.key, (r.value as { D: number }).D])).toEqual([
      [1, NaN],
      [2, Infinity],
      [3, -Infinity],
      [4, 1.5],
    ]);
    expect(e.readTopic('T').map((r) => r.value!.toString())).toEqual(['{"D":"NaN"}', '{"D":"Infinity"}', '{"D":"-Infinity"}', '{"D":1.5}']);
    expect(logged(e)).toEqual([]);
  });

  it("reads what Java's parseDouble reads, and refuses the rest in ksqlDB's words", () => {
    const e = scratch.use(engine(100));
    e.execute(`CREATE STREAM S (D DOUBLE, I INT, B BIGINT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM T AS SELECT D, I, B FROM S;`);
    for (const v of ['{"D":" 2.5 ","I":"+7","B":"-9"}', '{"D":"1.5d","I":"1","B":"998877665544332211"}', '{"D":"-NaN","I":"1","B":"1"}', '{"D":".5e1F","I":"1","B":"1"}']) produce(e, v);
    // Refused: Unicode blanks (String.trim keeps them), hexadecimal, a suffix on Infinity, blanks around an INT.
    for (const v of ['{"D":"\u00a02.5","I":"1","B":"1"}', '{"D":"0x1p3","I":"1","B":"1"}', '{"D":"Infinityd","I":"1","B":"1"}', '{"D":"1","I":" 5","B":"1"}', '{"D":"1","I":"1","B":"1e3"}'])
      produce(e, v);
    e.runUntilIdle();
    const got = topic(e, 'T').map((r) => r.value as { D: number; I: number; B: number | bigint });
    expect(got).toEqual([
      { D: 2.5, I: 7, B: -9 },
      { D: 1.5, I: 1, B: 998877665544332211n },
      { D: NaN, I: 1, B: 1 },
      { D: 5, I: 1, B: 1 },
    ]);
    expect(logged(e)).toEqual([
      'Failed to deserialise value: Can\'t coerce string to type. targetType: DOUBLE, path: $.D, value: "\u00a02.5"',
      'Failed to deserialise value: Can\'t coerce string to type. targetType: DOUBLE, path: $.D, value: "0x1p3"',
      'Failed to deserialise value: Can\'t coerce string to type. targetType: DOUBLE, path: $.D, value: "Infinityd"',
      'Failed to deserialise value: Can\'t coerce string to type. targetType: INTEGER, path: $.I, value: " 5"',
      'Failed to deserialise value: Can\'t coerce string to type. targetType: BIGINT, path: $.B, value: "1e3"',
    ]);
  });
});
