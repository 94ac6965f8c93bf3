// Kafka → filter → Kafka, exactly-once, beside a hand-written transactional kafkajs loop over the
// same records on the same broker: the figure issue 22 sets a target for (Eddy ≥ 0.9× the loop).
//
// Both read the same input topic from the beginning in their own consumer group and write the
// records that pass `AMOUNT >= 50` (half of them) to their own output topic, each batch in one
// Kafka transaction that also commits the group's offsets. Each run is timed from its start (group
// join included) until its group's committed offsets reach the input's end, and each output is
// then read back as a read_committed consumer and checked: exactly the expected records, none twice.

import { Kafka, logLevel, type Admin, type Producer } from '../kafkajs-mended.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../engine-api.js';

export interface KafkaFilterOptions {
  readonly brokers: string;
  readonly records: number;
  readonly partitions: number;
  /** Eddy's batch size (max records per micro-batch). */
  readonly batch: number;
  /** Runs of each, alternating (loop, Eddy, loop, Eddy, …): under a shared machine's load, compare like with like. */
  readonly rounds: number;
  /** Run only one of the two (profiling). */
  readonly only?: KafkaRun['who'];
  /** Called with each run's figure as it is measured. */
  readonly onRun?: (run: KafkaRun) => void;
}

export interface KafkaRun {
  readonly who: 'kafkajs-loop' | 'eddy';
  readonly ms: number;
  /** Records per second from start (group join included) to the input's end committed. */
  readonly perSec: number;
  /** Records per second after the first commit (start-up and group join left out): the steady rate. */
  readonly steadyPerSec: number;
  /** Records the output topic holds (read_committed), and whether they are exactly the expected ones. */
  readonly out: number;
  readonly correct: boolean;
  /** Transactions (Kafka batches) the run committed, for the loop; Eddy's batches. */
  readonly batches: number;
}

export interface KafkaFilterResult {
  readonly records: number;
  readonly partitions: number;
  readonly expectedOut: number;
  readonly runs: readonly KafkaRun[];
  /** Best Eddy rate over the best loop rate, from start. */
  readonly ratio: number;
  /** The same, of the steady rates. */
  readonly steadyRatio: number;
}

const PASS = 50;

function value(n: number): string {
  return JSON.stringify({ ID: n, AMOUNT: n % 100, NAME: `user${n % 1000}` });
}

/** Records whose AMOUNT passes the filter among 0…records-1, and the sum of their IDs. */
function expected(records: number): { count: number; idSum: number } {
  let count = 0;
  let idSum = 0;
  for (let n = 0; n < records; n++) if (n % 100 >= PASS) count++, (idSum += n);
  return { count, idSum };
}

async function createTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: '-1' }] }], waitForLeaders: false });
  for (const end = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 100))) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    if (meta?.topics[0]?.partitions.length === partitions && meta.topics[0].partitions.every((p) => p.leader >= 0)) return;
    if (Date.now() > end) throw new Error(`topic ${topic} has no leader`);
  }
}

async function produceInput(kafka: Kafka, topic: string, records: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const base = 1_700_000_000_000;
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < records; i += 10_000) {
    const messages = Array.from({ length: Math.min(10_000, records - i) }, (_, j) => ({ key: `k${i + j}`, value: value(i + j), timestamp: String(base + i + j) }));
    sends.push(producer.send({ topic, messages, acks: -1 }));
    if (sends.length >= 8) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  await producer.disconnect();
}

/**
 * Wait until the group's committed offsets on `topic` add up to `records` (the input's end): the
 * run's time from `started`, and from its first commit (start-up and group join left out).
 */
async function committedAll(admin: Admin, group: string, topic: string, records: number, started: number, timeoutMs: number): Promise<{ ms: number; steadyMs: number; firstAt: number }> {
  let first: { at: number; sum: number } | undefined;
  for (;;) {
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    let sum = 0;
    for (const t of offsets) for (const p of t.partitions) sum += Math.max(0, Number(p.offset));
    const now = performance.now();
    if (sum > 0 && !first) first = { at: now, sum };
    if (sum >= records) return { ms: now - started, steadyMs: now - first!.at, firstAt: first!.sum };
    if (now - started > timeoutMs) throw new Error(`group ${group} committed ${sum} of ${records} records within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Read the output as a read_committed consumer: how many records, and whether they are exactly the expected ones, each once. */
async function checkOutput(kafka: Kafka, topic: string, want: { count: number; idSum: number }): Promise<{ out: number; correct: boolean }> {
  const consumer = kafka.consumer({ groupId: `check-${topic}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set<number>();
  let out = 0;
  let idSum = 0;
  let wrong = 0;
  let last = performance.now();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        out++;
        const v = JSON.parse(m.value!.toString()) as { ID: number; AMOUNT: number; NAME: string };
        if (v.AMOUNT < PASS || seen.has(v.ID) || m.key?.toString() !== `k${v.ID}` || v.NAME !== `user${v.ID % 1000}`) wrong++;
        seen.add(v.ID);
        idSum += v.ID;
      }
      last = performance.now();
    },
  });
  // Done once the expected count arrived and nothing more came for a while (a duplicate would show).
  while (!(out >= want.count && performance.now() - last > 1_000) && performance.now() - last < 15_000) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return { out, correct: wrong === 0 && out === want.count && idSum === want.idSum };
}

interface Timed {
  ms: number;
  steadyMs: number;
  /** Records committed by the first commit (left out of the steady rate). */
  firstAt: number;
  batches: number;
}

/** The reference: consume a batch, filter, produce the passing records and commit the batch's offsets, in one transaction per batch. */
async function runLoop(kafka: Kafka, admin: Admin, input: string, output: string, records: number, tag: string): Promise<Timed> {
  const group = `loop-${tag}`;
  const producer: Producer = kafka.producer({ transactionalId: `loop-${tag}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: group, readUncommitted: false, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let batches = 0;
  const started = performance.now();
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const messages = [];
      for (const m of batch.messages) {
        const v = JSON.parse(m.value!.toString()) as { AMOUNT: number };
        if (v.AMOUNT >= PASS) messages.push({ key: m.key, value: JSON.stringify(v), timestamp: m.timestamp });
      }
      const txn = await producer.transaction();
      try {
        if (messages.length) await txn.send({ topic: output, messages, acks: -1 });
        await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] }] });
        await txn.commit();
        batches++;
      } catch (e) {
        await txn.abort();
        throw e;
      }
    },
  });
  const t = await committedAll(admin, group, input, records, started, 600_000);
  await consumer.disconnect();
  await producer.disconnect();
  return { ...t, batches };
}

async function runEddy(brokers: string, admin: Admin, input: string, output: string, records: number, batch: number, tag: string): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-filter-'));
  const serviceId = `bench-${tag}`;
  const eddy = Eddy.open({ dataDir: dir, kafka: { brokers, serviceId }, batch: { maxRecords: batch, intervalMs: 5 }, properties: { 'auto.offset.reset': 'earliest' } });
  try {
    const started = performance.now();
    eddy.execute(`
      CREATE STREAM ORDERS (K STRING KEY, ID BIGINT, AMOUNT INT, NAME STRING) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE STREAM BIG WITH (kafka_topic='${output}', value_format='JSON') AS SELECT * FROM ORDERS WHERE AMOUNT >= ${PASS};
    `);
    const id = eddy.queries().find((q) => q.type === 'PERSISTENT')!.id;
    const t = await committedAll(admin, `${serviceId}-${id}`, input, records, started, 600_000);
    return { ...t, batches: eddy.progress(id)?.batches ?? 0 };
  } finally {
    eddy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runKafkaFilter(o: KafkaFilterOptions): Promise<KafkaFilterResult> {
  const kafka = new Kafka({ clientId: 'eddy-kafka-filter-bench', brokers: o.brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const input = `kfilter_in_${tag}`;
  try {
    await createTopic(admin, input, o.partitions);
    await produceInput(kafka, input, o.records);
    const want = expected(o.records);
    const runs: KafkaRun[] = [];
    for (let round = 0; round < o.rounds; round++) {
      for (const who of ['kafkajs-loop', 'eddy'] as const) {
        if (o.only && o.only !== who) continue;
        const output = `kfilter_out_${tag}_${who === 'eddy' ? 'eddy' : 'loop'}_${round}`;
        await createTopic(admin, output, o.partitions);
        const runTag = `${tag}-${round}`;
        const r = who === 'eddy' ? await runEddy(o.brokers, admin, input, output, o.records, o.batch, runTag) : await runLoop(kafka, admin, input, output, o.records, runTag);
        const check = await checkOutput(kafka, output, want);
        const run: KafkaRun = {
          who,
          ms: Math.round(r.ms),
          perSec: Math.round(o.records / (r.ms / 1000)),
          steadyPerSec: Math.round((o.records - r.firstAt) / (r.steadyMs / 1000)),
          batches: r.batches,
          ...check,
        };
        runs.push(run);
        o.onRun?.(run);
      }
    }
    const best = (who: KafkaRun['who'], f: (r: KafkaRun) => number) => Math.max(0, ...runs.filter((r) => r.who === who).map(f));
    const ratio = (f: (r: KafkaRun) => number) => best('eddy', f) / best('kafkajs-loop', f);
    return { records: o.records, partitions: o.partitions, expectedOut: want.count, runs, ratio: ratio((r) => r.perSec), steadyRatio: ratio((r) => r.steadyPerSec) };
  } finally {
    await admin.disconnect();
  }
}
