// Confluent's Python client (confluent-kafka from PyPI: librdkafka's producer and consumer, its
// SchemaRegistryClient, AvroSerializer on fastavro, JSONSerializer on jsonschema) against
// `eddy server --kafka` through a real broker: Python registers and produces, Eddy's queries read
// the broker's records, and Python's deserializers read what Eddy's queries wrote there. The
// Python side is test/kafka/fixtures/confluent_sr.py. Without confluent-kafka this skips loudly;
// under CI=true (.ci/run installs it) it fails instead.
//
// Not Protobuf: the Python ProtobufSerializer registers a schema as a base64 FileDescriptorProto
// and reads it back with `?format=serialized`, a form Eddy's registry does not serve yet.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as runProgram } from '../server/pgwire-clients.js';
import { runSql } from '../server/helpers.js';
import { brokers, createTopics, kafka, noBroker, unique } from './helpers.js';
import { kafkaServers } from './registry-kafka.js';

const SCRIPT = join(__dirname, 'fixtures', 'confluent_sr.py');

function pythonClient(): boolean {
  if (process.env.CI === 'true' || spawnSync('python3', ['-c', 'import confluent_kafka.schema_registry.avro, fastavro'], { stdio: 'ignore' }).status === 0) return true;
  process.stderr.write(
    `\n${'!'.repeat(78)}\n!! SKIPPED: confluent-kafka is not installed (python3 -m pip install 'confluent-kafka[avro,schemaregistry,json]'); under CI=true this fails instead\n${'!'.repeat(78)}\n`,
  );
  return false;
}

async function python(args: string[], input?: string): Promise<string[]> {
  const r = await runProgram('python3', [SCRIPT, ...args], 90_000, input);
  if (r.code !== 0) throw new Error(`confluent_sr.py ${args[0]} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean);
}

const produce = async (fmt: string, registry: string, topic: string, schema: unknown, records: unknown[]) =>
  JSON.parse((await python(['produce', fmt, brokers, registry, topic], JSON.stringify({ schema, records })))[0]!) as { id: number };
const consume = async (fmt: string, registry: string, topic: string, n: number) => (await python(['consume', fmt, brokers, registry, topic, String(n)])).map((l) => JSON.parse(l) as unknown);

async function topic(name: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await createTopics(admin, [{ topic: name, numPartitions: 1 }]).finally(() => admin.disconnect());
}

describe.skipIf(noBroker || !pythonClient())('confluent-kafka (Python) through a real broker and eddy server --kafka', { timeout: 240_000 }, () => {
  const server = kafkaServers();

  it('Avro with logical types: Python produces, Eddy infers and queries, Python consumes the output', async () => {
    const s = await server();
    const [input, output] = [unique('py_orders'), unique('py_big')];
    await topic(input);
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'item', type: 'string' },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    };
    const { id } = await produce('avro', s.http, input, schema, [
      { id: 1, item: 'pen', price: { $decimal: '1.50' }, day: { $date: '2024-05-06' }, at: { $timestamp_ms: 1_700_000_000_000 }, note: null },
      { id: 2, item: 'desk', price: { $decimal: '249.99' }, day: { $date: '2024-05-07' }, at: { $timestamp_ms: 1_700_000_001_000 }, note: 'oak' },
    ]);
    expect(id).toBeGreaterThan(0);
    await runSql(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM ORDERS WITH (kafka_topic='${input}', value_format='AVRO');
       CREATE STREAM BIG WITH (kafka_topic='${output}', value_format='AVRO') AS
         SELECT ID, UCASE(ITEM) AS ITEM, PRICE * 2 AS TWICE, DAY, AT, NOTE FROM ORDERS WHERE PRICE > 2;`,
    );
    // What fastavro decodes from Eddy's records: DECIMAL(13,2) stays a decimal, DATE a date, TIMESTAMP a datetime.
    expect(await consume('avro', s.http, output, 1)).toEqual([
      { ID: 2, ITEM: 'DESK', TWICE: { $decimal: '499.98' }, DAY: { $date: '2024-05-07' }, AT: { $timestamp_ms: 1_700_000_001_000 }, NOTE: 'oak' },
    ]);
  });

  it('JSON Schema: Python produces, Eddy queries, Python consumes (and validates) the output', async () => {
    const s = await server();
    const [input, output] = [unique('py_people'), unique('py_people_out')];
    await topic(input);
    const schema = { type: 'object', properties: { NAME: { type: 'string' }, N: { type: 'integer' }, TAGS: { type: 'array', items: { type: 'string' } } }, required: ['NAME'] };
    await produce('json', s.http, input, schema, [
      { NAME: 'ana', N: 3, TAGS: ['a'] },
      { NAME: 'bo', N: 4, TAGS: [] },
    ]);
    await runSql(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM PEOPLE WITH (kafka_topic='${input}', value_format='JSON_SR');
       CREATE STREAM DOUBLED WITH (kafka_topic='${output}', value_format='JSON_SR') AS SELECT NAME, N * 2 AS N2, TAGS FROM PEOPLE;`,
    );
    expect(await consume('json', s.http, output, 2)).toEqual([
      { NAME: 'ana', N2: 6, TAGS: ['a'] },
      { NAME: 'bo', N2: 8, TAGS: [] },
    ]);
  });
});
