// The JSON value decoder's native fast path (JSON.parse) must give exactly what the lossless
// parser gives, or step aside: checked over generated objects, including the awkward numbers.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/parser/sql-type.js';
import { createSerde, nativeObject, type ColumnSchema } from '../../src/runtime/serde/formats.js';
import { jsonToValue, valueToJson } from '../../src/runtime/serde/json-coercion.js';
import type { Value } from '../../src/planner/values.js';
import { parseJson, setField, stringifyJson, type Json } from '../../src/util/lossless-json.js';

const TYPES: SqlType[] = [{ kind: 'INTEGER' }, { kind: 'BIGINT' }, { kind: 'DOUBLE' }, { kind: 'STRING' }, { kind: 'BOOLEAN' }, { kind: 'DECIMAL', precision: 10, scale: 2 }] as SqlType[];

/** What the lossless path makes of one column (formats.ts' object branch). */
function lossless(text: string, columns: readonly ColumnSchema[]): unknown {
  const obj = parseJson(text) as Record<string, unknown>;
  return columns.map((c) => (c.name in obj ? jsonToValue(obj[c.name] as never, c.type, `$.${c.name}`) : null));
}

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('-0', '0.0', '1.50', '1e3', '12345678901234567890', '9007199254740993', '-2147483649', '3.0e-2'),
);
const jsonValue = fc.oneof(
  numberText,
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '[1]', '{"a":1}', '"42"', '" 7 "', '"1.5"'),
);

describe('native JSON decoding of a record value', () => {
  it('equals the lossless decoding whenever it answers', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...TYPES), jsonValue, fc.boolean()), { minLength: 1, maxLength: 5 }), (cols) => {
        const columns: ColumnSchema[] = cols.map(([type], i) => ({ name: `C${i}`, type }));
        const text = `{${cols.flatMap(([, v, present], i) => (present ? [`"C${i}":${v}`] : [])).join(',')}}`;
        const fast = outcome(() => nativeObject(text, columns));
        if ('value' in (fast as object) && (fast as { value: unknown }).value === undefined) return; // stepped aside
        expect(fast).toEqual(outcome(() => lossless(text, columns)));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers the common case: numbers for numeric columns, strings for text', () => {
    const columns: ColumnSchema[] = [
      { name: 'WS', type: { kind: 'BIGINT' } as SqlType },
      { name: 'NUM', type: { kind: 'BIGINT' } as SqlType },
      { name: 'S', type: { kind: 'STRING' } as SqlType },
    ];
    expect(nativeObject('{"WS":1699999992000,"NUM":13,"S":"x"}', columns)).toEqual([1699999992000, 13, 'x']);
    expect(nativeObject('{"WS":1,"NUM":2,"S":3}', columns)).toBeUndefined(); // a number for a STRING keeps its text: lossless path
  });
});

describe('JSON values written field by field', () => {
  it('are the text the lossless writer makes of the same row', () => {
    const valueFor = (t: SqlType): fc.Arbitrary<unknown> => {
      switch (t.kind) {
        case 'INTEGER':
          return fc.oneof(fc.integer(), fc.constant(null));
        case 'BIGINT':
          return fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constant(null));
        case 'DOUBLE':
          return fc.oneof(fc.double(), fc.constantFrom(0, -0, 1e21, 5e-324, NaN, -Infinity), fc.constant(null));
        case 'BOOLEAN':
          return fc.oneof(fc.boolean(), fc.constant(null));
        default:
          return fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(null));
      }
    };
    const names = fc.constantFrom('A', 'b', 'with space', 'é', '"q"', 'ROWTIME');
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.tuple(names, fc.constantFrom(...TYPES.filter((t) => t.kind !== 'DECIMAL'))), { minLength: 1, maxLength: 5, selector: ([n]) => n })
          .chain((cols) => fc.tuple(fc.constant(cols), fc.tuple(...cols.map(([, t]) => valueFor(t))))),
        ([cols, values]) => {
          const columns: ColumnSchema[] = cols.map(([name, type]) => ({ name, type }));
          const o: Record<string, Json> = {};
          columns.forEach((c, i) => setField(o, c.name, valueToJson(values[i] as Value, c.type)));
          expect(
            createSerde('JSON', columns, { role: 'value' })
              .serialize(values as Value[])!
              .toString('utf8'),
          ).toBe(stringifyJson(o));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
