// Eddy.insert checks each value against its column's type, as sourceFrom does: a value that does
// not fit is an error naming the row and the column, and nothing of the call is written; values
// that fit are stored as their column's type (a DECIMAL from a number, a BIGINT from a bigint).
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { perTest, topic } from './helpers.js';

const scratch = perTest('insert');

describe('Eddy.insert', () => {
  it('refuses a value of the wrong type, naming the column; writes nothing of that call', () => {
    const e = scratch.use(Eddy.open({ autoStart: false }));
    e.execute("CREATE STREAM S (ID INT KEY, NAME STRING, N BIGINT, P DECIMAL(6, 2), OK BOOLEAN, TAGS ARRAY<STRING>) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    e.insert('S', [{ id: 1, name: 'a', n: 5n, p: 1.5, ok: true, tags: ['x'], rowtime: 1000, extra: 'ignored' }]);
    expect(() =>
      e.insert('S', [
        { ID: 2, NAME: 'b' },
        { ID: 'three', NAME: 'c' },
      ]),
    ).toThrow(/^Cannot insert into S: row 2, column ID: three \(string\), not a INTEGER$/);
    expect(() => e.insert('S', [{ ID: 4, NAME: 7 }])).toThrow(/column NAME: 7 \(number\), not a STRING/);
    expect(() => e.insert('S', [{ ID: 5, N: 1.5 }])).toThrow(/column N: 1.5 \(number\), not a BIGINT/);
    expect(() => e.insert('S', [{ ID: 6, OK: 'yes' }])).toThrow(/column OK: yes \(string\), not a BOOLEAN/);
    expect(() => e.insert('S', [{ ID: 7, TAGS: 'x' }])).toThrow(/column TAGS: x \(string\), not a ARRAY<STRING>/);
    expect(() => e.insert('S', [{ ID: 8, ROWTIME: 'noon' }])).toThrow(/ROWTIME: noon \(string\) is not a time in milliseconds/);
    const written = topic(e, 's');
    expect(written.map((r) => [r.key, { ...(r.value as object), P: String((r.value as { P: unknown }).P) }, r.ts])).toEqual([[1, { NAME: 'a', N: 5, P: '1.50', OK: true, TAGS: ['x'] }, 1000]]);
  });
});
