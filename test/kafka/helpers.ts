// Shared pieces of the Kafka suites: the broker address, unique names, a kafkajs client to check
// what reached the broker (as a read_committed consumer sees it), and polling.

// First: the tests' read_committed consumers need kafkajs's aborted-record filter mended as Eddy's do.
import '../../src/runtime/log/kafka/aborted-filter.js';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Eddy } from '../../src/runtime/engine.js';
import { afterEach, inject } from 'vitest';

export const brokers = inject('kafkaBrokers');
/** Kafka suites skip (loudly, see broker-setup.ts) when no broker could be started. */
export const noBroker = brokers === '';

/**
 * Config of every topic the tests create: no time retention. Their records are stamped in 1970 or
 * 2023, which a broker's default 7 days would delete while a test runs (scripts/kafka.sh turns
 * time retention off broker-wide too; this holds on any broker).
 */
export const KEEP_RECORDS = [{ name: 'retention.ms', value: '-1' }];

/**
 * Create topics (no time retention) and wait until each partition has a leader. kafkajs's own
 * `waitForLeaders` gives up on a broker that has only just started ("This server does not host
 * this topic-partition"): the metadata is polled here instead, as the Kafka worker does.
 */
export async function createTopics(admin: Admin, topics: { topic: string; numPartitions: number }[], ms = 30_000): Promise<void> {
  await admin.createTopics({ topics: topics.map((t) => ({ ...t, configEntries: KEEP_RECORDS })), waitForLeaders: false });
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) }).catch(() => undefined);
    if (meta && topics.every((t) => meta.topics.find((m) => m.name === t.topic)?.partitions.filter((p) => p.leader >= 0).length === t.numPartitions)) return;
    if (Date.now() > end) throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${ms} ms`);
  }
}

export function unique(prefix: string): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}

export function kafka(): Kafka {
  return new Kafka({ clientId: 'eddy-test', brokers: [brokers], logLevel: logLevel.NOTHING });
}

export interface SeenRecord {
  partition: number;
  offset: number;
  key: string | null;
  /** The key's bytes as the broker holds them (a windowed key's window bytes included). */
  keyBytes: Buffer | null;
  value: string | null;
  /** The value's bytes as the broker holds them (binary formats: Avro, Protobuf). */
  valueBytes: Buffer | null;
  timestamp: number;
  headers: Record<string, string>;
}

/** Read a topic from the beginning as a read_committed consumer, until `done` holds or the time is up (then `settleMs` longer: what arrives late shows too). */
export async function readTopic(topic: string, done: (seen: SeenRecord[]) => boolean, ms = 30_000, settleMs = 0): Promise<SeenRecord[]> {
  const consumer: Consumer = kafka().consumer({ groupId: unique('check'), readUncommitted: false, maxWaitTimeInMs: 100 });
  const seen: SeenRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message: m }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
        seen.push({
          partition,
          offset: Number(m.offset),
          key: m.key?.toString('utf8') ?? null,
          keyBytes: m.key ?? null,
          value: m.value?.toString('utf8') ?? null,
          valueBytes: m.value ?? null,
          timestamp: Number(m.timestamp),
          headers,
        });
      },
    });
    await until(() => done(seen), ms).catch(() => {});
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

export async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Engines opened on the suite's broker for one test, each with a service id of its own; closed after each test. */
export function kafkaEngines(): () => Eddy {
  const open: Eddy[] = [];
  afterEach(() => open.splice(0).forEach((e) => e.close()));
  return () => {
    const e = Eddy.open({ kafka: { brokers, serviceId: unique('svc') }, batch: { intervalMs: 20 }, properties: { 'auto.offset.reset': 'earliest' } });
    open.push(e);
    return e;
  };
}

/** Poll an admin call until `ok` holds; the broker's own errors meanwhile (a coordinator still loading) are retried. */
export async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 200))) {
    const v = await get().catch(() => undefined);
    if (v !== undefined && ok(v)) return;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
  }
}
