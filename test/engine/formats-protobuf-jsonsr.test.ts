// PROTOBUF, PROTOBUF_NOSR and JSON_SR against the embedded registry: wire bytes (magic byte, id,
// message indexes), ksqlDB's generated schemas, proto3 defaults for nulls, inference from a
// registered .proto with well-known wrappers, and JSON_SR inference from a JSON Schema.

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { engine, topic } from './helpers.js';

function int32(n: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return [...b];
}

describe('PROTOBUF formats', () => {
  it('writes magic byte, id and message index 0 before the message, with ksqlDB’s generated .proto', () => {
    const eddy = engine();
    eddy.execute(`CREATE STREAM S (K INT KEY, I INT, S STRING, A ARRAY<BIGINT>, ST STRUCT<X INT>, TS TIMESTAMP) WITH (kafka_topic='s', format='PROTOBUF');`);
    eddy.execute(`INSERT INTO S (K, I, S, A, ST, TS) VALUES (5, 1, 'a', ARRAY[2, 3], STRUCT(X := 4), FROM_UNIXTIME(1500));`);
    eddy.execute(`INSERT INTO S (K, I) VALUES (6, NULL);`);
    const [rec, nulls] = eddy.readTopic('s');
    const value = eddy.state.registry.latest('s-value')!;
    expect(value.schemaType).toBe('PROTOBUF');
    expect(value.schema).toContain('message ConnectDefault1 {');
    // Field 1 (I) varint 1: tag 0x08, value 0x01; field 2 (S) length-delimited "a": 0x12 0x01 0x61.
    expect([...rec!.value!.subarray(0, 11)]).toEqual([0, ...int32(value.id), 0, 0x08, 0x01, 0x12, 0x01, 0x61]);
    // Protobuf keys are messages too: field 1 varint 5.
    expect([...rec!.key!]).toEqual([0, ...int32(eddy.state.registry.latest('s-key')!.id), 0, 0x08, 0x05]);
    // protobufjs, given only the registered text, reads the message.
    const t = protobuf.parse(value.schema.replace(/import "[^"]*";/g, '').replace(/google\.protobuf\.Timestamp/, 'int64'), { keepCase: true }).root.lookupType('ConnectDefault1');
    expect(t.toObject(t.decode(rec!.value!.subarray(6)), { longs: Number })).toMatchObject({ I: 1, S: 'a', A: [2, 3], ST: { X: 4 } });
    // proto3 has no null scalars: a null INT reads back as 0, as in ksqlDB.
    expect([...nulls!.value!.subarray(5)]).toEqual([0]);
    eddy.execute(`CREATE STREAM OUT AS SELECT * FROM S;`);
    eddy.runUntilIdle();
    const out = topic(eddy, 'OUT');
    expect(out[0]).toMatchObject({ key: 5, value: { I: 1, S: 'a', A: [2, 3], ST: { X: 4 }, TS: 1500 } });
    expect(out[1]).toMatchObject({ key: 6, value: { I: 0, S: '', A: [], ST: null, TS: null } });
    eddy.close();
  });

  it('infers columns from a registered .proto (wrappers, enums, nested messages) and PROTOBUF_NOSR writes the bare message', () => {
    const eddy = engine();
    const proto = `syntax = "proto3"; import "google/protobuf/wrappers.proto";
      message Reading { enum Level { LOW = 0; HIGH = 1; } message Place { string city = 1; } google.protobuf.Int32Value count = 1; Level level = 2; Place place = 3; uint32 big = 4; map<string, double> m = 5; }`;
    const id = eddy.state.registry.register('r-value', { schemaType: 'PROTOBUF', schema: proto });
    eddy.execute(`CREATE STREAM R WITH (kafka_topic='r', value_format='PROTOBUF');`);
    expect(eddy.state.catalog.get('R')!.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['COUNT INTEGER', 'LEVEL STRING', 'PLACE STRUCT', 'BIG BIGINT', 'M MAP']);
    const root = protobuf.parse(proto, { keepCase: true }).root;
    root.addJSON(protobuf.common.get('google/protobuf/wrappers.proto')!.nested!);
    const t = root.lookupType('Reading');
    const body = t.encode(t.fromObject({ count: { value: 7 }, level: 'HIGH', place: { city: 'Oslo' }, big: 4000000000, m: { a: 0.5 } })).finish();
    eddy.produce('r', [{ timestamp: 1, key: null, value: Buffer.concat([Buffer.from([0, ...int32(id), 0]), body]), headers: [] }]);
    eddy.execute(`CREATE STREAM N WITH (value_format='PROTOBUF_NOSR') AS SELECT COUNT, LEVEL, PLACE->CITY AS CITY, BIG, M FROM R;`);
    eddy.runUntilIdle();
    expect(topic(eddy, 'N').map((r) => r.value)).toEqual([{ COUNT: 7, LEVEL: 'HIGH', CITY: 'Oslo', BIG: 4000000000, M: new Map([['a', 0.5]]) }]);
    // No header: the record is the message itself, field 1 (COUNT, int32) first.
    expect(eddy.readTopic('N')[0]!.value![0]).toBe(0x08);
    expect(eddy.state.registry.latest('N-value')).toBeUndefined();
    expect(() => eddy.execute(`CREATE STREAM X (M MAP<INT, INT>) WITH (kafka_topic='x', value_format='PROTOBUF');`)).toThrow('PROTOBUF format only supports MAP types with STRING keys');
    eddy.close();
  });
});

describe('JSON_SR format', () => {
  it('frames JSON with the schema id, registers Connect’s JSON Schema, and infers from one', () => {
    const eddy = engine();
    eddy.execute(`CREATE STREAM S (K STRING KEY, I INT, D DECIMAL(4, 2)) WITH (kafka_topic='s', format='JSON_SR');`);
    eddy.execute(`INSERT INTO S (K, I, D) VALUES ('k', 3, 1.5);`);
    const rec = eddy.readTopic('s')[0]!;
    const value = eddy.state.registry.latest('s-value')!;
    expect(rec.value!.subarray(0, 5)).toEqual(Buffer.from([0, ...int32(value.id)]));
    expect(rec.value!.subarray(5).toString()).toBe('{"I":3,"D":1.50}');
    expect(JSON.parse(value.schema)).toMatchObject({ type: 'object', properties: { I: { oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int32' }] } } });
    eddy.state.registry.register('j-value', {
      schemaType: 'JSON',
      schema: JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } }),
    });
    eddy.execute(`CREATE STREAM J WITH (kafka_topic='j', value_format='JSON_SR');`);
    expect(eddy.state.catalog.get('J')!.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['NAME STRING', 'N BIGINT', 'TAGS ARRAY']);
    eddy.close();
  });
});
