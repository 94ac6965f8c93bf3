// The schema-registry formats through a real broker, with a serializer nobody here wrote:
// @kafkajs/confluent-schema-registry registers and encodes against the registry an
// `eddy server --kafka` serves on its HTTP port, kafkajs produces the bytes to the broker, Eddy's
// queries read them from there, and what Eddy's queries write to the broker is decoded by the
// same library.
//
// Protobuf goes one way only: that library writes Protobuf without the message indexes of
// Confluent's wire format (its issue #152, open), so its bytes are not what Confluent's or Eddy's
// deserializer reads — a record of it goes to the processing log, shown below; the library does
// read Eddy's (it skips leading zero bytes).

import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { runSql } from '../server/helpers.js';
import { createTopics, kafka, noBroker, readTopic, unique } from './helpers.js';
import { kafkaServers, produce, rowsSoon } from './registry-kafka.js';

const server = kafkaServers();

async function topics(...names: string[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await createTopics(
      admin,
      names.map((topic) => ({ topic, numPartitions: 1 })),
    );
  } finally {
    await admin.disconnect();
  }
}

const ride = (ns: string) => ({
  type: 'record',
  name: 'Ride',
  namespace: ns,
  fields: [
    { name: 'id', type: 'long' },
    { name: 'rider', type: 'string' },
    { name: 'km', type: 'double' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
});

describe.skipIf(noBroker)('@kafkajs/confluent-schema-registry through a real broker and eddy server --kafka', { timeout: 180_000 }, () => {
  it('Avro: library-encoded records on the broker are queried; the output topic on the broker decodes with the library', async () => {
    const s = await server();
    const lib = new SchemaRegistry({ host: s.http });
    const [input, output] = [unique('rides'), unique('long_rides')];
    await topics(input);
    const { id } = await lib.register({ type: SchemaType.AVRO, schema: JSON.stringify(ride('com.example')) }, { subject: `${input}-value` });
    const keyId = (await lib.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'K', fields: [{ name: 'car', type: 'string' }] }) }, { subject: `${input}-key` })).id;
    const rides = [
      { id: 1, rider: 'ana', km: 2.5, at: 1_700_000_000_000, tags: ['a'] },
      { id: 2, rider: 'bo', km: 0.5, at: 1_700_000_001_000, tags: [] },
      { id: 3, rider: 'cy', km: 12, at: 1_700_000_002_000, tags: ['x', 'y'] },
    ];
    await produce(input, await Promise.all(rides.map(async (r) => ({ key: await lib.encode(keyId, { car: `car-${r.id}` }), value: await lib.encode(id, r) }))));

    await runSql(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM RIDES WITH (kafka_topic='${input}', key_format='AVRO', value_format='AVRO');
       CREATE STREAM LONG_RIDES WITH (kafka_topic='${output}', key_format='AVRO', value_format='AVRO') AS
         SELECT ROWKEY, ID, UCASE(RIDER) AS RIDER, KM * 1000 AS M, AT, ARRAY_LENGTH(TAGS) AS NTAGS FROM RIDES WHERE KM > 1;`,
    );
    const out = await readTopic(output, (xs) => xs.length >= 2, 60_000, 300);
    expect(await Promise.all(out.map((r) => lib.decode(r.valueBytes!)))).toEqual([
      { ID: 1, RIDER: 'ANA', M: 2500, AT: 1_700_000_000_000, NTAGS: 1 },
      { ID: 3, RIDER: 'CY', M: 12000, AT: 1_700_000_002_000, NTAGS: 2 },
    ]);
    expect(await Promise.all(out.map((r) => lib.decode(r.keyBytes!)))).toEqual([{ CAR: 'car-1' }, { CAR: 'car-3' }]);
    // The ids on the broker are the ones the library finds under the sink's subjects.
    expect(out[0]!.valueBytes!.readInt32BE(1)).toBe(await lib.getLatestSchemaId(`${output}-value`));
    expect(out[0]!.keyBytes!.readInt32BE(1)).toBe(await lib.getLatestSchemaId(`${output}-key`));
  });

  it('Avro evolution mid-stream: records of a new compatible version are read by the running query; an incompatible version is refused, and nothing before or after it is lost', async () => {
    const s = await server();
    const lib = new SchemaRegistry({ host: s.http });
    const [input, output] = [unique('ev'), unique('ev_out')];
    await topics(input);
    const v1 = ride('com.example');
    const { id: id1 } = await lib.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject: `${input}-value` });
    await produce(input, [{ value: await lib.encode(id1, { id: 1, rider: 'old', km: 1, at: 0, tags: [] }) }]);
    await runSql(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM EV WITH (kafka_topic='${input}', value_format='AVRO');
       CREATE STREAM EV_OUT WITH (kafka_topic='${output}', value_format='AVRO') AS SELECT ID, RIDER FROM EV;`,
    );
    await readTopic(output, (xs) => xs.length >= 1, 60_000);
    // The query runs; now the producer moves on to v2 (a field with a default: BACKWARD-compatible).
    const v2 = { ...v1, fields: [...v1.fields, { name: 'city', type: 'string', default: 'nowhere' }] };
    const { id: id2 } = await lib.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, { subject: `${input}-value` });
    expect(id2).not.toBe(id1);
    // v3 drops `rider`'s type to int: the registry refuses it, the library throws the registry's message.
    const v3 = { ...v1, fields: v1.fields.map((f) => (f.name === 'rider' ? { name: 'rider', type: 'int' } : f)) };
    await expect(lib.register({ type: SchemaType.AVRO, schema: JSON.stringify(v3) }, { subject: `${input}-value` })).rejects.toThrow(/incompatible/i);
    await produce(input, [
      { value: await lib.encode(id2, { id: 2, rider: 'new', km: 2, at: 0, tags: [], city: 'Oslo' }) },
      { value: await lib.encode(id1, { id: 3, rider: 'old again', km: 3, at: 0, tags: [] }) },
    ]);
    const out = await readTopic(output, (xs) => xs.length >= 3, 60_000, 300);
    expect(await Promise.all(out.map((r) => lib.decode(r.valueBytes!)))).toEqual([
      { ID: 1, RIDER: 'old' },
      { ID: 2, RIDER: 'new' },
      { ID: 3, RIDER: 'old again' },
    ]);
    // The registry's subject still ends at v2: the refused schema left nothing behind.
    expect(await lib.getLatestSchemaId(`${input}-value`)).toBe(id2);

    // A sink whose subject already holds a schema the query's output cannot follow: the CREATE … AS
    // SELECT fails with the registry's refusal, worded as ksqlDB words it.
    const taken = unique('taken');
    const theirs = { type: 'record', name: 'Theirs', fields: [{ name: 'ID', type: 'string' }] };
    await lib.register({ type: SchemaType.AVRO, schema: JSON.stringify(theirs) }, { subject: `${taken}-value` });
    await expect(runSql(s.port, `CREATE STREAM TAKEN WITH (kafka_topic='${taken}', value_format='AVRO', partitions=1) AS SELECT ID, RIDER FROM EV;`)).rejects.toThrow(
      /Could not register schema for topic: .*incompatible/i,
    );
  });

  it('JSON Schema both ways through the broker', async () => {
    const s = await server();
    const lib = new SchemaRegistry({ host: s.http }, { [SchemaType.JSON]: { strict: false } });
    const [input, output] = [unique('people'), unique('people_out')];
    await topics(input);
    const schema = { type: 'object', properties: { NAME: { type: 'string' }, N: { type: 'integer' }, TAGS: { type: 'array', items: { type: 'string' } } } };
    const { id } = await lib.register({ type: SchemaType.JSON, schema: JSON.stringify(schema) }, { subject: `${input}-value` });
    await produce(input, [{ value: await lib.encode(id, { NAME: 'ana', N: 3, TAGS: ['a'] }) }, { value: await lib.encode(id, { NAME: 'bo', N: 4, TAGS: [] }) }]);
    await runSql(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM PEOPLE WITH (kafka_topic='${input}', value_format='JSON_SR');
       CREATE STREAM DOUBLED WITH (kafka_topic='${output}', value_format='JSON_SR') AS SELECT NAME, N * 2 AS N2, TAGS FROM PEOPLE;`,
    );
    const out = await readTopic(output, (xs) => xs.length >= 2, 60_000, 300);
    expect(await Promise.all(out.map((r) => lib.decode(r.valueBytes!)))).toEqual([
      { NAME: 'ana', N2: 6, TAGS: ['a'] },
      { NAME: 'bo', N2: 8, TAGS: [] },
    ]);
  });

  it("Protobuf: Eddy's records on the broker decode with the library; the library's own (no message indexes) go to the processing log", async () => {
    const s = await server();
    const lib = new SchemaRegistry({ host: s.http });
    const [input, output] = [unique('pin'), unique('pout')];
    await topics(input);
    const proto = `syntax = "proto3";\npackage shop;\nmessage Order {\n  int64 id = 1;\n  string item = 2;\n  repeated string tags = 3;\n}\n`;
    const { id } = await lib.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject: `${input}-value` });
    await runSql(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM ORDERS WITH (kafka_topic='${input}', value_format='PROTOBUF');
       CREATE STREAM TAGGED WITH (kafka_topic='${output}', value_format='PROTOBUF') AS SELECT ID, UCASE(ITEM) AS ITEM, TAGS FROM ORDERS;
       INSERT INTO ORDERS (ID, ITEM, TAGS) VALUES (7, 'pen', ARRAY['blue']);`,
    );
    const out = await readTopic(output, (xs) => xs.length >= 1, 60_000);
    const msg = (await lib.decode(out[0]!.valueBytes!)) as { toJSON(): unknown };
    expect(msg.toJSON()).toEqual({ ID: '7', ITEM: 'PEN', TAGS: ['blue'] });
    // The library's bytes: schema id, then the message with no indexes in front.
    await produce(input, [{ value: await lib.encode(id, { id: 8, item: 'ink', tags: [] }) }]);
    const log = await rowsSoon(s.port, `SELECT TOPIC, OFFSET, REASON FROM PROCESSING_LOG WHERE TOPIC = '${input}';`, (rows) => rows.length > 0);
    expect(log[0]!.slice(0, 2)).toEqual([input, 1]);
    expect(String(log[0]![2])).toMatch(/Failed to deserialise value: .*Protobuf/);
  });
});
