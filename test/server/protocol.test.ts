// The wire format on its own: request parsing (JSON and the nc shorthand) and the JSON
// encoding of SQL values, both ways.

import { describe, expect, it } from 'vitest';
import type { SourceDef } from '../../src/planner/catalog.js';
import { Decimal } from '../../src/planner/values.js';
import { parseRequest, rowFrame, wireRowToValues } from '../../src/server/protocol.js';
import { JsonNumber } from '../../src/util/lossless-json.js';

describe('parseRequest', () => {
  it('reads the text shorthand', () => {
    expect(parseRequest('q1 SELECT * FROM clicks EMIT CHANGES;')).toEqual({ ok: true, request: { kind: 'sql', id: 'q1', sql: 'SELECT * FROM clicks EMIT CHANGES;' } });
    expect(parseRequest('q1 cancel')).toEqual({ ok: true, request: { kind: 'cancel', id: 'q1' } });
    expect(parseRequest('AUTH s3cret\r')).toEqual({ ok: true, request: { kind: 'auth', token: 's3cret' } });
    expect(parseRequest('lonely')).toMatchObject({ ok: false });
  });

  it('reads JSON requests, numbers as ids, and keeps insert numbers exact', () => {
    expect(parseRequest('{"id":"q1","sql":"SHOW STREAMS;"}')).toEqual({ ok: true, request: { kind: 'sql', id: 'q1', sql: 'SHOW STREAMS;' } });
    expect(parseRequest('{"id":7,"cancel":true}')).toEqual({ ok: true, request: { kind: 'cancel', id: '7' } });
    expect(parseRequest('{"auth":"t"}')).toEqual({ ok: true, request: { kind: 'auth', token: 't' } });
    const ins = parseRequest('{"id":"i","insert":"S","rows":[{"D":1.10000000000000000001}]}');
    expect(ins.ok && ins.request.kind === 'insert' && (ins.request.rows[0]!.D as JsonNumber).text).toBe('1.10000000000000000001');
  });

  it('explains what is wrong with a bad request', () => {
    expect(parseRequest('{"id":1,')).toMatchObject({ ok: false, message: expect.stringMatching(/malformed JSON/) });
    expect(parseRequest('[1,2]')).toMatchObject({ ok: false });
    expect(parseRequest('{"sql":"x"}')).toMatchObject({ ok: false, message: expect.stringMatching(/needs an "id"/) });
    expect(parseRequest('{"id":"a"}')).toMatchObject({ ok: false, id: 'a' });
    expect(parseRequest('{"id":"a","insert":"S","rows":[1]}')).toMatchObject({ ok: false, id: 'a', message: expect.stringMatching(/array of objects/) });
  });
});

describe('value encoding', () => {
  it('writes DECIMAL digits exactly, BYTES as base64, MAP and STRUCT as objects', () => {
    const row = [new Decimal(123456789012345678901234n, 20), new Uint8Array([1, 2, 3]), new Map([['a', 1]]), [{ X: 2 }], null, Number.NaN, true];
    const line = rowFrame('q', row, { window: { start: 0, end: 60000 } });
    expect(line).toBe('{"id":"q","type":"row","values":[1234.56789012345678901234,"AQID",{"a":1},[{"X":2}],null,"NaN",true],"window":{"start":0,"end":60000}}\n');
    // Valid JSON whatever the strings hold.
    const odd = ['quote " backslash \\ newline \n tab \t', '\u2028', -0, 1e21, -Infinity];
    expect(JSON.parse(rowFrame('x"y', odd))).toEqual({ id: 'x"y', type: 'row', values: ['quote " backslash \\ newline \n tab \t', '\u2028', 0, 1e21, '-Infinity'] });
  });

  it('reads insert rows by column type, the inverse of the output encoding', () => {
    const def = {
      name: 'S',
      columns: [
        { name: 'K', type: { kind: 'STRING' }, role: 'key' },
        { name: 'D', type: { kind: 'DECIMAL', precision: 30, scale: 20 }, role: 'value' },
        { name: 'B', type: { kind: 'BYTES' }, role: 'value' },
        { name: 'M', type: { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'INTEGER' } }, role: 'value' },
      ],
    } as unknown as SourceDef;
    const out = wireRowToValues(def, { k: 'a', D: new JsonNumber('1.10000000000000000001'), B: 'AQID', M: { x: new JsonNumber('1') }, ROWTIME: new JsonNumber('5') });
    expect(String(out.D)).toBe('1.10000000000000000001');
    expect([...(out.B as Uint8Array)]).toEqual([1, 2, 3]);
    expect(out.M).toEqual(new Map([['x', 1]]));
    expect(out).toMatchObject({ K: 'a', ROWTIME: 5 });
    expect(() => wireRowToValues(def, { NOPE: 1 as unknown as JsonNumber })).toThrow(/no column NOPE/);
    expect(() => wireRowToValues(def, { M: 'x' })).toThrow();
  });
});
