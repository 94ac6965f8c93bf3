// The Kafka worker thread: owns the kafkajs clients (admin, a plain producer for INSERTs, one
// prefetching consumer per reader, and a group reader's transactional producers, one per task)
// and serves the engine's synchronous calls (see bridge.ts).

// First: it mends kafkajs's read_committed filter before kafkajs loads (see aborted-filter.ts).
import './aborted-filter.js';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { advertise, groupOwner } from './assignor.js';
import { CommandWriter } from './command-writer.js';
import { byTopic } from './messages.js';
import { PrefetchReader } from './reader.js';
import { Refreshed } from './refreshed.js';
import { forgetWritten, writtenEnds } from './tasks.js';
import { topicEnds } from './topic-ends.js';
import type { BridgeApi, BridgeMethod, BridgeReply, BridgeRequest, KafkaConnection } from './wire.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

let conn: KafkaConnection | undefined;
let kafka: Kafka | undefined;
let admin: Admin | undefined;
let producer: Producer | undefined;
const readers = new Map<string, PrefetchReader>();
/** Each command topic's writer (one per service, see command-writer.ts). */
const commandWriters = new Map<string, CommandWriter>();
/** Topic metadata and end offsets, kept so the engine's every-cycle questions never wait on the broker. */
let topicList: Refreshed<{ name: string; partitions: number }[]> | undefined;
const ends = new Map<string, Refreshed<number[]>>();
/** How old a kept answer may be before a background refresh is started. */
const MAX_AGE_MS = 200;

function endsOf(topic: string): Refreshed<number[]> {
  let r = ends.get(topic);
  if (!r) {
    r = new Refreshed(() => topicEnds(client().admin, topic), MAX_AGE_MS);
    ends.set(topic, r);
  }
  return r;
}

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
    const a = admin;
    topicList = new Refreshed(async () => {
      const meta = await a.fetchTopicMetadata();
      return meta.topics.filter((t) => !t.name.startsWith('__')).map((t) => ({ name: t.name, partitions: t.partitions.length }));
    }, MAX_AGE_MS);
  },
  async topics({ fresh }) {
    if (!topicList) throw new Error('not connected');
    return fresh ? topicList.refresh() : topicList.get();
  },
  async createTopic({ name, partitions, configs }) {
    const a = client().admin;
    const configEntries = Object.entries(configs ?? {}).map(([k, value]) => ({ name: k, value }));
    // A topic that exists already (another server created the changelog first) is no error: kafkajs answers false.
    const created = await a.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: -1, ...(configEntries.length ? { configEntries } : {}) }], waitForLeaders: false });
    // kafkajs's own wait for leaders gives up on a slow broker ("does not host this topic-partition"): wait here instead.
    for (const end = Date.now() + 8_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const meta = await a.fetchTopicMetadata({ topics: [name] }).catch(() => undefined);
      // A topic that existed already keeps its own partition count: wait for its leaders, not for ours.
      const parts = meta?.topics[0]?.partitions;
      if (parts && parts.length > 0 && (!created || parts.length === partitions) && parts.every((p) => p.leader >= 0)) break;
      if (Date.now() > end) throw new Error(`topic '${name}' was created but has no leader yet`);
    }
    topicList?.invalidate();
  },
  async deleteTopic(name) {
    await client().admin.deleteTopics({ topics: [name] });
    topicList?.invalidate();
    ends.delete(name);
    forgetWritten(name);
  },
  async endOffsets({ topic, fresh, ownWrites }) {
    if (!fresh) return endsOf(topic).get();
    const listed = await endsOf(topic).refresh();
    // A changelog restore's: at least as far as this server's own committed writes reach (see tasks.ts writtenEnds).
    const own = ownWrites ? writtenEnds(topic) : undefined;
    return own ? listed.map((end, p) => Math.max(end, own[p] ?? 0)) : listed;
  },
  async produce(records) {
    for (const r of records) ends.get(r.topic)?.invalidate();
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
    // Leaving the group needs the broker: the engine does not wait for it.
    r?.close().catch(() => {});
  },
  async deliver({ id, tasks }) {
    const r = readers.get(id);
    if (!r) throw new Error(`no reader ${id}`);
    return r.deliver(tasks);
  },
  async commandBegin({ topic, transactionalId }) {
    let w = commandWriters.get(topic);
    if (!w) {
      const { kafka: k, admin: a } = client();
      commandWriters.set(topic, (w = new CommandWriter(k, a, topic, transactionalId)));
    }
    return w.begin();
  },
  async commandAppend({ topic, values }) {
    const w = commandWriters.get(topic);
    if (!w) throw new Error(`command topic ${topic}: append without begin`);
    return w.append(values);
  },
  async advertise(hostPort) {
    advertise(hostPort);
    for (const r of readers.values()) r.rejoinIfStale();
  },
  async partitionOwner({ group, topic, partition }) {
    return groupOwner(client().admin, group, topic, partition);
  },
  async close() {
    await Promise.allSettled([...commandWriters.values()].map((w) => w.close()));
    commandWriters.clear();
    await Promise.allSettled([...readers.values()].map((r) => r.close()));
    readers.clear();
    await producer?.disconnect().catch(() => {});
    await admin?.disconnect().catch(() => {});
  },
};

// kafkajs restarts a crashed consumer from a timer and leaves that promise unhandled: during a broker
// outage the restart's own failure lands here. Left alone it would end this thread (and the server
// with it); each reader whose consumer was restarting makes a new one instead.
process.on('unhandledRejection', (e) => {
  if (process.env.EDDY_KAFKA_LOG) process.stderr.write(`eddy: Kafka worker: ${e instanceof Error ? e.message : String(e)}\n`);
  for (const r of readers.values()) r.revive();
});

port.on('message', (req: BridgeRequest) => {
  const handler = handlers[req.method] as (arg: unknown) => Promise<unknown>;
  // The reply's own failure (postMessage) must not go unhandled: `void` says it is seen to.
  void handler(req.arg)
    .then(
      (value): BridgeReply => ({ seq: req.seq, ok: true, value }),
      (e: unknown): BridgeReply => ({ seq: req.seq, ok: false, error: e instanceof Error ? e.message : String(e) }),
    )
    .then((reply) => {
      port.postMessage(reply);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
