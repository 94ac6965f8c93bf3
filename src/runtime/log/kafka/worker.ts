// The Kafka worker thread: owns the kafkajs clients (admin, a plain producer for INSERTs, one
// prefetching consumer per reader, and a group reader's transactional producers, one per task)
// and serves the engine's synchronous calls (see bridge.ts).

import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { byTopic } from './messages.js';
import { PrefetchReader } from './reader.js';
import type { BridgeApi, BridgeMethod, BridgeReply, BridgeRequest, KafkaConnection } from './wire.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

let conn: KafkaConnection | undefined;
let kafka: Kafka | undefined;
let admin: Admin | undefined;
let producer: Producer | undefined;
const readers = new Map<string, PrefetchReader>();

function client(): { kafka: Kafka; admin: Admin } {
  if (!kafka || !admin) throw new Error('not connected');
  return { kafka, admin };
}

const handlers: { [M in BridgeMethod]: (arg: BridgeApi[M][0]) => Promise<BridgeApi[M][1]> } = {
  async connect(c) {
    conn = c;
    kafka = new Kafka({
      clientId: c.clientId ?? 'eddy',
      brokers: c.brokers.split(',').map((b) => b.trim()),
      logLevel: process.env.EDDY_KAFKA_LOG ? logLevel.INFO : logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 100 },
    });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  },
  async topics() {
    const meta = await client().admin.fetchTopicMetadata();
    return meta.topics.filter((t) => !t.name.startsWith('__')).map((t) => ({ name: t.name, partitions: t.partitions.length }));
  },
  async createTopic({ name, partitions }) {
    await client().admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: -1 }], waitForLeaders: true });
  },
  async deleteTopic(name) {
    await client().admin.deleteTopics({ topics: [name] });
  },
  async endOffsets(topic) {
    const offsets = await client().admin.fetchTopicOffsets(topic);
    const out: number[] = [];
    for (const o of offsets) out[o.partition] = Number(o.high);
    return out;
  },
  async produce(records) {
    const meta = await producer!.sendBatch({ topicMessages: byTopic(records), acks: -1 });
    return meta.map((m) => ({ partition: m.partition, offset: Number(m.baseOffset ?? -1) }));
  },
  async openReader({ id, topics, group }) {
    const { kafka: k, admin: a } = client();
    readers.set(id, new PrefetchReader(k, a, topics, group, id, conn?.transactionTimeoutMs ?? 10_000));
  },
  async poll({ id, positions, max, peek }) {
    const r = readers.get(id);
    if (!r) throw new Error(`no reader ${id}`);
    return r.poll(positions, max, peek);
  },
  async closeReader(id) {
    const r = readers.get(id);
    readers.delete(id);
    await r?.close();
  },
  async deliver({ id, tasks }) {
    const r = readers.get(id);
    if (!r) throw new Error(`no reader ${id}`);
    return r.deliver(tasks);
  },
  async close() {
    await Promise.allSettled([...readers.values()].map((r) => r.close()));
    readers.clear();
    await producer?.disconnect().catch(() => {});
    await admin?.disconnect().catch(() => {});
  },
};

port.on('message', (req: BridgeRequest) => {
  const handler = handlers[req.method] as (arg: unknown) => Promise<unknown>;
  handler(req.arg).then(
    (value): BridgeReply => ({ seq: req.seq, ok: true, value }),
    (e: unknown): BridgeReply => ({ seq: req.seq, ok: false, error: e instanceof Error ? e.message : String(e) }),
  ).then((reply) => {
    port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
