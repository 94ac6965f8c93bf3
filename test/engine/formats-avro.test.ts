// AVRO keys and values against the embedded schema registry: the Confluent wire format byte for
// byte, ksqlDB's generated schemas, every type through a round trip, schema inference from a
// registered subject, and the errors of a bad schema.

import avro from 'avsc';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { Decimal } from '../../src/planner/values.js';
import { engine, topic } from './helpers.js';

describe('AVRO format', () => {
  it('writes the Confluent wire format with ksqlDB’s generated schema, byte for byte', () => {
    const eddy = engine();
    eddy.execute(`CREATE STREAM S (K INT KEY, I INT) WITH (kafka_topic='s', format='AVRO');`);
    eddy.execute(`INSERT INTO S (K, I) VALUES (3, 1);`);
    const [rec] = eddy.readTopic('s');
    const value = eddy.state.registry.latest('s-value')!;
    const key = eddy.state.registry.latest('s-key')!;
    // Magic byte 0, the 4-byte big-endian id, then the Avro binary: union branch 1 (zig-zag 2), int 1 (zig-zag 2).
    expect([...rec!.value!]).toEqual([0, ...int32(value.id), 2, 2]);
    // A single key column is written bare: zig-zag 3 = 6.
    expect([...rec!.key!]).toEqual([0, ...int32(key.id), 6]);
    expect(JSON.parse(value.schema)).toMatchObject({
      type: 'record',
      name: 'KsqlDataSourceSchema',
      namespace: 'io.confluent.ksql.avro_schemas',
      fields: [{ name: 'I', type: ['null', 'int'], default: null }],
    });
    expect(JSON.parse(key.schema)).toBe('int');
    eddy.close();
  });

  it('carries every type through a persistent query and back, readable by avsc alone', () => {
    const eddy = engine();
    eddy.execute(`CREATE STREAM S (K STRING KEY, I INT, B BIGINT, D DOUBLE, S STRING, F BOOLEAN, DEC DECIMAL(5, 2), DT DATE, TM TIME, TS TIMESTAMP, BS BYTES,
      A ARRAY<INT>, M MAP<STRING, DOUBLE>, ST STRUCT<X INT, NEST STRUCT<Y STRING>>) WITH (kafka_topic='s', format='AVRO');`);
    eddy.execute(`CREATE STREAM OUT AS SELECT * FROM S;`);
    eddy.execute(`INSERT INTO S (K, I, B, D, S, F, DEC, DT, TM, TS, BS, A, M, ST) VALUES ('k', -7, 9007199254740000, 1.5, 'héllo', true, 123.45,
      '2024-02-29', '13:14:15.016', '2024-02-29T13:14:15.016', TO_BYTES('AQID', 'base64'), ARRAY[1, NULL, 3], MAP('a' := 0.5), STRUCT(X := 1, NEST := STRUCT(Y := 'y')));`);
    eddy.execute(`INSERT INTO S (K, I) VALUES ('n', NULL);`);
    eddy.runUntilIdle();
    const out = topic(eddy, 'OUT');
    expect(out).toHaveLength(2);
    const v = out[0]!.value as Record<string, unknown>;
    expect(out[0]!.key).toBe('k');
    expect(v.I).toBe(-7);
    expect(v.B).toBe(9007199254740000);
    expect(v.D).toBe(1.5);
    expect(v.S).toBe('héllo');
    expect(v.F).toBe(true);
    expect((v.DEC as Decimal).toString()).toBe('123.45');
    expect(v.DT).toBe(19782);
    expect(v.TM).toBe(47655016);
    expect(v.TS).toBe(Date.UTC(2024, 1, 29, 13, 14, 15, 16));
    expect([...(v.BS as Uint8Array)]).toEqual([1, 2, 3]);
    expect(v.A).toEqual([1, null, 3]);
    expect(v.M).toEqual(new Map([['a', 0.5]]));
    expect(v.ST).toEqual({ X: 1, NEST: { Y: 'y' } });
    expect(Object.values(out[1]!.value as object).every((x) => x === null)).toBe(true);

    // The sink's registered schema names nested records by path, as ksqlDB does, and avsc reads the bytes with it alone.
    const reg = eddy.state.registry.latest('OUT-value')!;
    const schema = JSON.parse(reg.schema) as { fields: { name: string; type: unknown }[] };
    expect(schema.fields.find((f) => f.name === 'ST')!.type).toMatchObject(['null', { type: 'record', name: 'KsqlDataSourceSchema_ST' }]);
    expect(schema.fields.find((f) => f.name === 'DEC')!.type).toMatchObject(['null', { type: 'bytes', logicalType: 'decimal', precision: 5, scale: 2 }]);
    const bytes = eddy.readTopic('OUT')[0]!.value!;
    expect(bytes.readInt32BE(1)).toBe(reg.id);
    const plain = avro.Type.forSchema(JSON.parse(reg.schema) as avro.Schema, { wrapUnions: 'auto' }).fromBuffer(bytes.subarray(5)) as Record<string, unknown>;
    expect(plain.S).toBe('héllo');
    expect(plain.A).toEqual([1, null, 3]);
    eddy.close();
  });

  it('infers columns from the latest registered subject and reads records another writer encoded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-avro-'));
    try {
      let eddy = Eddy.open({ dataDir: dir, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
      const schema = {
        type: 'record',
        name: 'Reading',
        namespace: 'com.example',
        fields: [
          { name: 'sensor', type: 'string' },
          { name: 'level', type: { type: 'enum', name: 'Level', symbols: ['LOW', 'HIGH'] } },
          { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'tags', type: ['null', { type: 'array', items: 'string' }], default: null },
          { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 3 } },
        ],
      };
      const id = eddy.state.registry.register('readings-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) });
      eddy.execute(`CREATE STREAM R WITH (kafka_topic='readings', value_format='AVRO');`);
      expect(eddy.state.catalog.get('R')!.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['SENSOR STRING', 'LEVEL STRING', 'AT TIMESTAMP', 'TAGS ARRAY', 'PRICE DECIMAL']);
      // A record encoded by avsc directly (unions unwrapped, decimal as its two's-complement bytes).
      const t = avro.Type.forSchema(schema as avro.Schema);
      const payload = t.toBuffer({ sensor: 's1', level: 'HIGH', at: 1000, tags: ['x'], price: Buffer.from([0xff, 0x85]) }); // -123 → -0.123
      eddy.produce('readings', [{ timestamp: 1, key: null, value: Buffer.concat([Buffer.from([0, ...int32(id)]), payload]), headers: [] }]);
      eddy.close();
      // The registry lives in the data directory: after a restart the stream still reads.
      eddy = Eddy.open({ dataDir: dir, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
      eddy.execute(`CREATE STREAM J WITH (value_format='JSON') AS SELECT SENSOR, LEVEL, AT, TAGS, PRICE FROM R;`);
      eddy.runUntilIdle();
      expect(eddy.readTopic('J').map((r) => r.value!.toString())).toEqual(['{"SENSOR":"s1","LEVEL":"HIGH","AT":1000,"TAGS":["x"],"PRICE":-0.123}']);
      expect(eddy.state.registry.subjects()).toEqual(['readings-value']);
      eddy.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives ksqlDB’s errors: no subject, bad names, non-string map keys, an incompatible sink schema', () => {
    const eddy = engine();
    expect(() => eddy.execute(`CREATE STREAM X WITH (kafka_topic='none', value_format='AVRO');`)).toThrow(
      /Schema for message values on topic 'none' does not exist in the Schema Registry.\nSubject: none-value/,
    );
    expect(() => eddy.execute("CREATE STREAM X (`1a` INT) WITH (kafka_topic='x', value_format='AVRO');")).toThrow('Schema is not compatible with Avro: Illegal initial character: 1a');
    expect(() => eddy.execute(`CREATE STREAM X (M MAP<INT, INT>) WITH (kafka_topic='x', value_format='AVRO');`)).toThrow('Avro only supports MAPs with STRING keys');
    expect(() => eddy.execute(`CREATE STREAM X (A INT) WITH (kafka_topic='x', value_format='JSON', VALUE_AVRO_SCHEMA_FULL_NAME='a.b');`)).toThrow(
      'JSON does not support the following configs: [fullSchemaName]',
    );
    eddy.state.registry.register('bad-value', { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'B', fields: [{ name: 'A', type: 'int' }] }) });
    eddy.execute(`CREATE STREAM S (A STRING) WITH (kafka_topic='s', value_format='AVRO');`);
    expect(() => eddy.execute(`CREATE STREAM BAD WITH (kafka_topic='bad') AS SELECT * FROM S;`)).toThrow(
      /Could not register schema for topic: Schema being registered is incompatible with an earlier schema for subject "bad-value"/,
    );
    // A record whose id the registry does not know goes to the processing log, and the query goes on.
    eddy.execute(`CREATE STREAM OK AS SELECT * FROM S;`);
    eddy.produce('s', [{ timestamp: 1, key: null, value: Buffer.from([0, 0, 0, 0, 99, 2, 2]), headers: [] }]);
    eddy.execute(`INSERT INTO S (A) VALUES ('fine');`);
    eddy.runUntilIdle();
    expect(topic(eddy, 'OK').map((r) => r.value)).toEqual([{ A: 'fine' }]);
    eddy.close();
  });
});

function int32(n: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return [...b];
}
