// The JSON value decoder that builds only the columns a query reads (json-projection.ts) must
// answer only records the whole decode accepts, with the same values in the read columns, and
// leave every other record to the whole decode (so errors and their reasons do not change).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/parser/sql-type.js';
import { createSerde, type ColumnSchema } from '../../src/runtime/serde/formats.js';
import { projectingJsonDecoder } from '../../src/runtime/serde/json-projection.js';

const TYPES: SqlType[] = [{ kind: 'INTEGER' }, { kind: 'BIGINT' }, { kind: 'DOUBLE' }, { kind: 'STRING' }, { kind: 'BOOLEAN' }] as SqlType[];

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.maxSafeInteger().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('-0', '0.0', '1.50', '1e3', '1E+400', '12345678901234567890', '9007199254740993', '999999999999999', '-2147483649', '2147483647', '999999999', '3.0e-2', '01', '+1', '.5', '-'),
);
const stringText = fc.oneof(
  fc.string().map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a\\"b"', '"\\u00e9"', '"\\ud800"', '"\\x"', '"tab\there"', '"unterminated', '"\\/"', '""'),
);
const jsonValue = fc.oneof(numberText, stringText, fc.constantFrom('true', 'false', 'null', 'TRUE', '[1]', '{"a":1}', '"42"', '" 7 "', '"true"', 'nul'));
const space = fc.constantFrom('', ' ', '\n', '\t ', '\u00a0', '\r\n');

describe('projected JSON decoding of a record value', () => {
  it('equals the whole decoding in the read columns whenever it answers, and answers the plain case', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...TYPES), jsonValue, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        space,
        fc.constantFrom('', ',"X":1', ',"C0":1'),
        (cols, ws, extra) => {
          const columns: ColumnSchema[] = cols.map(([type], i) => ({ name: `C${i}`, type }));
          const read = cols.map(([, , , r]) => r);
          const text = `${ws}{${cols.flatMap(([, v, present], i) => (present ? [`${ws}"C${i}"${ws}:${ws}${v}${ws}`] : [])).join(',')}${extra}}${ws}`;
          const whole = createSerde('JSON', columns, { role: 'value' });
          const expected = outcome(() => whole.deserialize(Buffer.from(text, 'utf8')));
          const decode = projectingJsonDecoder(columns, read);
          if (!decode) return;
          const got = decode(text);
          if (got === undefined) return; // stepped aside: the whole decode answers
          expect('value' in (expected as object)).toBe(true);
          const full = (expected as { value: unknown[] }).value;
          expect(got.map((v, i) => (read[i] ? v : null))).toEqual(full.map((v, i) => (read[i] ? v : null)));
          for (let i = 0; i < got.length; i++) if (read[i]) expect(Object.is(got[i], full[i])).toBe(true); // -0 too
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('answers a Nexmark bid, through the value serde, with only the read columns built', () => {
    const columns: ColumnSchema[] = [
      ['AUCTION', 'BIGINT'],
      ['BIDDER', 'BIGINT'],
      ['PRICE', 'BIGINT'],
      ['CHANNEL', 'STRING'],
      ['URL', 'STRING'],
      ['DATETIME', 'BIGINT'],
      ['EXTRA', 'STRING'],
    ].map(([name, kind]) => ({ name: name!, type: { kind } as SqlType }));
    const serde = createSerde('JSON', columns, { role: 'value', readColumns: [0, 5] });
    const line = '{"AUCTION":1000,"BIDDER":1008,"PRICE":73448807,"CHANNEL":"channel-5191","URL":"https://x/?a=1&b=\\"2\\"","DATETIME":1700000000000,"EXTRA":"tao"}';
    expect(serde.deserialize(Buffer.from(line))).toEqual([1000, null, null, null, null, 1700000000000, null]);
    // Another order is left to the whole decode, which builds every column.
    const reordered = '{"BIDDER":1008,"AUCTION":1000,"PRICE":1,"CHANNEL":"c","URL":"u","DATETIME":5,"EXTRA":"e"}';
    expect(serde.deserialize(Buffer.from(reordered))).toEqual([1000, 1008, 1, 'c', 'u', 5, 'e']);
    // A bad value in a column the query does not read is still the record's error.
    const bad = '{"AUCTION":1000,"BIDDER":"x","PRICE":1,"CHANNEL":"c","URL":"u","DATETIME":5,"EXTRA":"e"}';
    expect(outcome(() => serde.deserialize(Buffer.from(bad)))).toEqual(outcome(() => createSerde('JSON', columns, { role: 'value' }).deserialize(Buffer.from(bad))));
    expect(outcome(() => serde.deserialize(Buffer.from(bad)))).toHaveProperty('error');
  });
});
