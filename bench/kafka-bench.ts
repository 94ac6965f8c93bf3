// Records per second from a Kafka topic through a windowed aggregation (Eddy, output written back
// to Kafka transactionally), beside the raw kafkajs consume rate on the same topic in the same run.
// Start a broker first (scripts/kafka.sh start), then:
//   node --import tsx bench/kafka-bench.ts [--brokers 127.0.0.1:9092] [--records 200000] [--partitions 4] [--batch 10000]
import { Kafka, logLevel } from 'kafkajs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../src/engine-api.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const BROKERS = arg('brokers', '127.0.0.1:9092');
const RECORDS = Number(arg('records', '200000'));
const PARTITIONS = Number(arg('partitions', '4'));
const BATCH = Number(arg('batch', '10000'));
const run = Date.now().toString(36);
const topic = `bench_clicks_${run}`;
const kafka = new Kafka({ clientId: 'eddy-bench', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });

async function produce(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  // No time retention: the bench's records may carry old timestamps, which a 7-day retention would delete.
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, configEntries: [{ name: 'retention.ms', value: '-1' }] }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const base = 1_700_000_000_000;
  for (let i = 0; i < RECORDS; i += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, RECORDS - i) }, (_, j) => {
      const n = i + j;
      return { key: `user${n % 1000}`, value: JSON.stringify({ PAGE: `/p${n % 50}`, MS: n % 300 }), timestamp: String(base + n * 10) };
    });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function rawConsume(): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${run}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (!started) started = performance.now();
        for (const m of batch.messages) if (m.value) JSON.parse(m.value.toString());
        seen += batch.messages.length;
        if (seen >= RECORDS) resolve(performance.now() - started);
      },
    });
  });
  const ms = await done;
  await consumer.disconnect();
  return ms;
}

async function eddyConsume(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kbench-'));
  const eddy = Eddy.open({ dataDir: dir, kafka: { brokers: BROKERS, serviceId: `bench-${run}` }, batch: { maxRecords: BATCH, intervalMs: 5 }, properties: { 'auto.offset.reset': 'earliest' } });
  try {
    eddy.execute(`
      CREATE STREAM CLICKS (USER STRING KEY, PAGE STRING, MS INT) WITH (kafka_topic='${topic}', value_format='JSON');
      CREATE TABLE PER_MINUTE WITH (kafka_topic='${topic}_per_minute') AS
        SELECT USER, COUNT(*) AS CLICKS, AVG(MS) AS AVG_MS FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USER EMIT CHANGES;
    `);
    const id = eddy.queries().find((q) => q.type === 'PERSISTENT')!.id;
    let started = 0;
    for (;;) {
      // Records its committed batches consumed (it reads from the earliest offset).
      const n = eddy.progress(id)?.recordsIn ?? 0;
      if (n > 0 && !started) started = performance.now();
      if (n >= RECORDS) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    eddy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await produce();
const rawMs = await rawConsume();
const eddyMs = await eddyConsume();
const rate = (ms: number) => Math.round(RECORDS / (ms / 1000)).toLocaleString('en-US');
console.log(`topic ${topic}: ${RECORDS} records, ${PARTITIONS} partitions`);
console.log(`raw kafkajs consume (JSON.parse each value):        ${rate(rawMs)} records/s (${Math.round(rawMs)} ms)`);
console.log(`Eddy: windowed COUNT/AVG per user, sink to Kafka:   ${rate(eddyMs)} records/s (${Math.round(eddyMs)} ms)`);
