// Eddy's Kafka wire details next to Kafka Streams' / ksqlDB's, checked on a real broker with
// kafkajs: a session-windowed key is key + end + start (8 bytes big-endian each), a time-windowed
// key is key + start; windowed output lands on the partition of its base key (Kafka's murmur2, as
// kafkajs' Java-compatible partitioner computes it); a windowed topic read back (WINDOW_TYPE)
// gives the base key and WINDOWSTART/WINDOWEND, from Eddy's records and from records written by
// another client; input headers pass through a stateless query to its output (KsProcessor keeps
// them).

import { describe, expect, it } from 'vitest';
// helpers.ts first: it mends kafkajs' aborted-transaction filter before kafkajs loads.
import { kafka, kafkaEngines, noBroker, readTopic, unique, KEEP_RECORDS, type SeenRecord } from './helpers.js';
import { Partitioners } from 'kafkajs';
import { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';

const eddy = kafkaEngines();

/** Every committed record of a topic once `want` holds (and a half second more, so late ones show). */
const readRaw = (topic: string, want: (seen: SeenRecord[]) => boolean, ms = 30_000): Promise<SeenRecord[]> => readTopic(topic, want, ms, 500);

/** The partition kafkajs' default (Java-compatible murmur2) partitioner gives these key bytes. */
const kafkajsPartition = (() => {
  const pick = Partitioners.DefaultPartitioner();
  return (key: Buffer, partitions: number): number =>
    pick({
      topic: 't',
      partitionMetadata: Array.from({ length: partitions }, (_, p) => ({ partitionId: p, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })),
      message: { key, value: null },
    });
})();

const be64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};

/** Recent event times: the broker's time retention never deletes them during the test. */
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);

async function produce(topic: string, messages: { key: Buffer | string; value: string; timestamp: number; headers?: Record<string, string> }[], partitions = 1): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries: KEEP_RECORDS }] });
  await admin.disconnect();
  const producer = kafka().producer();
  await producer.connect();
  await producer.send({ topic, messages: messages.map((m) => ({ ...m, timestamp: String(m.timestamp) })) });
  await producer.disconnect();
}

/** The first `n` rows of a push query. */
async function pushRows(e: Eddy, sql: string, n: number): Promise<Value[][]> {
  const r = e.execute(sql)[0]!;
  if (r.kind !== 'push') throw new Error(`expected a push query, got ${r.kind}`);
  const out: Value[][] = [];
  for await (const row of r.query) {
    out.push(row.values as Value[]);
    if (out.length >= n) break;
  }
  return out;
}

describe.skipIf(noBroker)('Kafka wire compatibility', () => {
  it('writes session-windowed keys as key + end + start on the base key\u2019s partition, and reads them back', async () => {
    const input = unique('clicks');
    const output = unique('sessions');
    // Two clicks per key, 5 s apart: one session [t, t + 5000] per key.
    await produce(
      input,
      KEYS.flatMap((k, i) => [0, 5_000].map((d) => ({ key: k, value: JSON.stringify({ V: 1 }), timestamp: BASE + i * 100_000 + d }))),
      3,
    );
    const e = eddy();
    e.execute(`
      CREATE STREAM CLICKS (K STRING KEY, V INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE TABLE SESSIONS WITH (kafka_topic='${output}', partitions=6) AS SELECT K, COUNT(*) AS N FROM CLICKS WINDOW SESSION (60 SECONDS) GROUP BY K;
    `);
    const final = (seen: SeenRecord[]) => seen.filter((r) => r.value && (JSON.parse(r.value) as { N: number }).N === 2);
    const seen = await readRaw(output, (s) => final(s).length >= KEYS.length);
    const done = final(seen);
    expect(done).toHaveLength(KEYS.length);
    for (const r of done) {
      const base = r.keyBytes!.subarray(0, r.keyBytes!.length - 16);
      const i = KEYS.indexOf(base.toString('utf8'));
      expect(i).toBeGreaterThanOrEqual(0);
      const start = BASE + i * 100_000;
      expect(r.keyBytes!.length).toBe(Buffer.byteLength(KEYS[i]!) + 16);
      expect(r.keyBytes!.equals(Buffer.concat([Buffer.from(KEYS[i]!), be64(start + 5_000), be64(start)]))).toBe(true);
      expect(r.partition).toBe(kafkajsPartition(base, 6));
    }
    // The base key decides: over 12 keys some windowed bytes would hash elsewhere.
    expect(done.some((r) => kafkajsPartition(r.keyBytes!, 6) !== r.partition)).toBe(true);

    // Read back as ksqlDB reads a session-windowed topic: the base key, WINDOWSTART and WINDOWEND.
    e.execute(`CREATE TABLE BACK (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='${output}', value_format='JSON', window_type='SESSION');`);
    const rows = await pushRows(e, 'SELECT K, WINDOWSTART, WINDOWEND, N FROM BACK WHERE N = 2 EMIT CHANGES;', KEYS.length);
    const got = rows.map(([k, ws, we, n]) => [k, Number(ws), Number(we), Number(n)]).sort((a, b) => Number(a[1]) - Number(b[1]));
    expect(got).toEqual(KEYS.map((k, i) => [k, BASE + i * 100_000, BASE + i * 100_000 + 5_000, 2]));
  });

  it('writes time-windowed keys as key + start on the base key\u2019s partition, and reads them back with WINDOW_SIZE', async () => {
    const input = unique('clicks');
    const output = unique('tumbling');
    await produce(
      input,
      KEYS.map((k, i) => ({ key: k, value: JSON.stringify({ V: 1 }), timestamp: BASE + i * 10_000 + 1_234 })),
      3,
    );
    const e = eddy();
    e.execute(`
      CREATE STREAM CLICKS (K STRING KEY, V INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE TABLE PER10 WITH (kafka_topic='${output}', partitions=6) AS SELECT K, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY K;
    `);
    const seen = await readRaw(output, (s) => s.length >= KEYS.length);
    expect(seen).toHaveLength(KEYS.length);
    for (const r of seen) {
      const base = r.keyBytes!.subarray(0, r.keyBytes!.length - 8);
      const i = KEYS.indexOf(base.toString('utf8'));
      expect(i).toBeGreaterThanOrEqual(0);
      expect(r.keyBytes!.equals(Buffer.concat([Buffer.from(KEYS[i]!), be64(BASE + i * 10_000)]))).toBe(true);
      expect(r.partition).toBe(kafkajsPartition(base, 6));
    }
    expect(seen.some((r) => kafkajsPartition(r.keyBytes!, 6) !== r.partition)).toBe(true);

    e.execute(`CREATE TABLE BACK (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='${output}', value_format='JSON', window_type='TUMBLING', window_size='10 SECONDS');`);
    const rows = await pushRows(e, 'SELECT K, WINDOWSTART, WINDOWEND, N FROM BACK EMIT CHANGES;', KEYS.length);
    const got = rows.map(([k, ws, we, n]) => [k, Number(ws), Number(we), Number(n)]).sort((a, b) => Number(a[1]) - Number(b[1]));
    expect(got).toEqual(KEYS.map((k, i) => [k, BASE + i * 10_000, BASE + i * 10_000 + 10_000, 1]));
  });

  it('reads session-windowed records another client wrote in Kafka Streams\u2019 layout', async () => {
    const topic = unique('foreign');
    await produce(topic, [
      { key: Buffer.concat([Buffer.from('ab'), be64(BASE + 9_000), be64(BASE + 1_000)]), value: JSON.stringify({ N: 7 }), timestamp: BASE + 9_000 },
      { key: Buffer.from('x'), value: JSON.stringify({ N: 8 }), timestamp: BASE + 9_500 }, // too short for a window: processing log
      { key: Buffer.concat([Buffer.from('cd'), be64(BASE + 4_000), be64(BASE + 2_000)]), value: JSON.stringify({ N: 3 }), timestamp: BASE + 10_000 },
    ]);
    const e = eddy();
    e.execute(`CREATE TABLE F (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='${topic}', value_format='JSON', window_type='SESSION');`);
    const rows = await pushRows(e, 'SELECT K, WINDOWSTART, WINDOWEND, N FROM F EMIT CHANGES;', 2);
    expect(rows.map(([k, ws, we, n]) => [k, Number(ws), Number(we), Number(n)])).toEqual([
      ['ab', BASE + 1_000, BASE + 9_000, 7],
      ['cd', BASE + 2_000, BASE + 4_000, 3],
    ]);
  });

  it('passes the input records\u2019 headers through a filter and projection to the output', async () => {
    const input = unique('events');
    const output = unique('kept');
    await produce(
      input,
      Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ V: i }), timestamp: BASE + i, headers: { trace: `t${i}`, src: 'wire' } })),
    );
    const e = eddy();
    e.execute(`
      CREATE STREAM EVENTS (K STRING KEY, V INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE STREAM KEPT WITH (kafka_topic='${output}', partitions=1) AS SELECT K, V * 10 AS W FROM EVENTS WHERE V % 2 = 0;
    `);
    const seen = await readRaw(output, (s) => s.length >= 3);
    expect(seen.map((r) => [r.key, r.value, r.headers])).toEqual([0, 2, 4].map((i) => [`k${i}`, JSON.stringify({ W: i * 10 }), { trace: `t${i}`, src: 'wire' }]));
  });

  it('gives an aggregate\u2019s output the headers of the record that last changed it', async () => {
    const input = unique('events');
    const output = unique('counted');
    await produce(input, [
      { key: 'a', value: JSON.stringify({ V: 1 }), timestamp: BASE, headers: { trace: 'first' } },
      { key: 'a', value: JSON.stringify({ V: 2 }), timestamp: BASE + 1, headers: { trace: 'second' } },
    ]);
    const e = eddy();
    e.execute(`
      CREATE STREAM EVENTS (K STRING KEY, V INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE TABLE COUNTED WITH (kafka_topic='${output}', partitions=1) AS SELECT K, COUNT(*) AS N FROM EVENTS GROUP BY K;
      CREATE TABLE PER_MINUTE WITH (kafka_topic='${output}-w', partitions=1) AS SELECT K, COUNT(*) AS N FROM EVENTS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;
    `);
    for (const t of [output, `${output}-w`]) {
      const seen = await readRaw(t, (s) => s.some((r) => r.value === JSON.stringify({ N: 2 })));
      expect(seen.at(-1)!.value).toBe(JSON.stringify({ N: 2 }));
      expect(seen.map((r) => r.headers.trace)).toEqual(seen.length === 1 ? ['second'] : ['first', 'second']);
    }
  });
});
