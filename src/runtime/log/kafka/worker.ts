// The Kafka worker thread: owns the kafkajs clients (admin, a plain producer for INSERTs, one
// transactional producer per persistent query, one prefetching consumer per reader) and serves
// the engine's synchronous calls (see bridge.ts).

import { Kafka, logLevel, Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { PrefetchReader } from './reader.js';
import type { BridgeApi, BridgeMethod, BridgeReply, BridgeRequest, KafkaConnection, OutputBatch, Position, WireAppend } from './wire.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

let conn: KafkaConnection | undefined;
let kafka: Kafka | undefined;
let admin: Admin | undefined;
let producer: Producer | undefined;
const readers = new Map<string, PrefetchReader>();
const transactional = new Map<string, Producer>();

function client(): { kafka: Kafka; admin: Admin } {
  if (!kafka || !admin) throw new Error('not connected');
  return { kafka, admin };
}

function message(r: WireAppend): Message {
  return {
    key: r.key ? Buffer.from(r.key) : null,
    value: r.value ? Buffer.from(r.value) : null,
    timestamp: String(r.timestamp),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.headers?.length ? { headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value ? Buffer.from(h.value) : ''])) } : {}),
  };
}

function byTopic(records: readonly WireAppend[]): { topic: string; messages: Message[] }[] {
  const m = new Map<string, Message[]>();
  for (const r of records) {
    let list = m.get(r.topic);
    if (!list) m.set(r.topic, (list = []));
    list.push(message(r));
  }
  return [...m].map(([topic, messages]) => ({ topic, messages }));
}

async function deliver(transactionalId: string, group: string | null, batches: OutputBatch[]): Promise<void> {
  let p = transactional.get(transactionalId);
  if (!p) {
    p = client().kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: conn?.transactionTimeoutMs ?? 10_000, createPartitioner: Partitioners.DefaultPartitioner });
    await p.connect(); // InitProducerId: fences a previous incarnation and aborts its open transaction
    transactional.set(transactionalId, p);
  }
  const txn = await p.transaction();
  try {
    const topicMessages = byTopic(batches.flatMap((b) => b.records));
    if (topicMessages.length) await txn.sendBatch({ topicMessages, acks: -1 });
    if (group) {
      const last = new Map<string, Position>();
      for (const b of batches) for (const o of b.offsets) last.set(`${o.topic}:${o.partition}`, o);
      const topics = new Map<string, { partition: number; offset: string }[]>();
      for (const o of last.values()) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: String(o.next) }]);
      if (topics.size) await txn.sendOffsets({ consumerGroupId: group, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
    }
    await txn.commit();
  } catch (e) {
    await txn.abort().catch(() => {});
    transactional.delete(transactionalId);
    await p.disconnect().catch(() => {});
    throw e;
  }
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
    readers.set(id, new PrefetchReader(k, a, topics, group, id));
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
  async groupOffsets({ group, topics }) {
    const fetched = await client().admin.fetchOffsets({ groupId: group, topics });
    return fetched.flatMap((t) => t.partitions.filter((p) => Number(p.offset) >= 0).map((p) => ({ topic: t.topic, partition: p.partition, next: Number(p.offset) })));
  },
  async deliver({ transactionalId, group, batches }) {
    await deliver(transactionalId, group, batches);
  },
  async close() {
    await Promise.allSettled([...readers.values()].map((r) => r.close()));
    readers.clear();
    await Promise.allSettled([...transactional.values()].map((p) => p.disconnect()));
    transactional.clear();
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
