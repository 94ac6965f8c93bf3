// The worker side of a query's reading: one kafkajs consumer that prefetches into a bounded
// buffer per partition (pausing the partition when the buffer is full). A group reader shares
// its topics' partitions with other Eddy instances running the same query (one consumer group
// per persistent query), owns a partition once its task is acquired (tasks.ts) and delivers the
// task's output; a private reader owns every partition and only ever seeks.
//
// Under read_committed, offsets taken by aborted records and transaction markers never come back
// as records: offsets are not contiguous, and a fetch may hold no record at all. kafkajs then
// moves past it without calling eachBatch, telling only its instrumentation event.

import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Header } from '../../../planner/record.js';
import { taskAssignor } from './assignor.js';
import { TaskProducers } from './tasks.js';
import type { DeliverOutcome, PolledPartition, Position, TaskDelivery, WireRecord } from './wire.js';

const HIGH_WATER = 20_000;
/** A seek still unanswered after this long was lost (kafkajs drops seeks of unassigned partitions, a rebalance resets positions): repeat it. */
const RESEEK_MS = 1_000;

interface PartitionBuffer {
  records: WireRecord[];
  /** The offset the engine reads next; a poll at any other offset seeks there. */
  cursor: number | undefined;
  /** Offset the next fetched record must reach (drops stale in-flight fetches after a seek). */
  fetchNext: number;
  paused: boolean;
  /** Sought backwards: in-flight fetches from further on must not be taken for the new position. */
  rewound: boolean;
  /** When the last seek was asked for. */
  soughtAt: number;
}

export class PrefetchReader {
  private readonly consumer: Consumer;
  private readonly buffers = new Map<string, PartitionBuffer>();
  /** A private reader's partitions (a group reader's come from its tasks). */
  private readonly all = new Set<string>();
  private readonly tasks: TaskProducers | undefined;
  private ready: Promise<void>;
  private failure: string | undefined;

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
    private readonly topics: string[],
    private readonly group: string | null,
    id: string,
    transactionTimeout: number,
  ) {
    this.tasks = group ? new TaskProducers(kafka, admin, group, transactionTimeout) : undefined;
    this.consumer = kafka.consumer({
      groupId: group ?? `eddy-reader-${id}-${process.pid}-${Date.now()}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      partitionAssigners: [taskAssignor],
    });
    this.consumer.on(this.consumer.events.START_BATCH_PROCESS, (e) => {
      // firstOffset is null when every record lay before the fetch position (compaction): nothing to learn.
      if (e.payload.batchSize === 0 && e.payload.firstOffset !== null) this.skipEmpty(e.payload.topic, e.payload.partition, Number(e.payload.firstOffset), Number(e.payload.lastOffset));
    });
    // A consumer that gave up fetches nothing ever again: say so rather than wait silently.
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.failure = `the Kafka consumer stopped: ${e.payload.error.message}`;
    });
    if (group) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => this.assign(e.payload.memberAssignment));
    }
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    if (!this.group) {
      const meta = await this.admin.fetchTopicMetadata({ topics: this.topics });
      for (const t of meta.topics) for (const p of t.partitions) this.all.add(`${t.name}:${p.partitionId}`);
    }
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: async (b) => this.take(b) });
  }

  private assign(assignment: Record<string, number[]>): void {
    this.tasks!.assign(assignment);
    const owned = new Set(Object.entries(assignment).flatMap(([topic, parts]) => parts.map((p) => `${topic}:${p}`)));
    for (const [k, buf] of this.buffers) {
      if (owned.has(k)) continue;
      this.buffers.delete(k);
      // kafkajs keeps a partition paused across rebalances; a buffer made anew must not wait on it.
      if (buf.paused) this.consumer.resume([partitionOf(k)]);
    }
  }

  /** Deliver each task's batches in its own transaction (at once: they are independent). */
  async deliver(tasks: TaskDelivery[]): Promise<DeliverOutcome[]> {
    const t = this.tasks;
    if (!t) throw new Error('a private reader delivers nothing');
    return Promise.all(tasks.map((d) => t.deliver(d.task, d.epoch, d.batches)));
  }

  private ownership(topic: string, partition: number): { epoch: number; committed: number | null } | undefined {
    if (this.tasks) return this.tasks.owned(topic, partition);
    return this.all.has(`${topic}:${partition}`) ? { epoch: 0, committed: null } : undefined;
  }

  /** A fetch that held only aborted records and markers: no record lies in [first, last]. */
  private skipEmpty(topic: string, partition: number, first: number, last: number): void {
    const buf = this.buffers.get(`${topic}:${partition}`);
    if (buf && first <= buf.fetchNext && buf.fetchNext <= last) buf.fetchNext = last + 1;
  }

  private take({ batch }: EachBatchPayload): void {
    const key = `${batch.topic}:${batch.partition}`;
    let buf = this.buffers.get(key);
    if (!buf) {
      // Buffer what the consumer fetched before the engine asked (it starts at the group's offset).
      buf = { records: [], cursor: undefined, fetchNext: Number(batch.firstOffset() ?? 0), paused: false, rewound: false, soughtAt: 0 };
      this.buffers.set(key, buf);
    }
    if (buf.rewound) {
      // kafkajs tags a batch with the offset it was fetched from; only a fetch from the new position counts.
      if (Number((batch as unknown as { fetchedOffset: string }).fetchedOffset) !== buf.fetchNext) return;
      buf.rewound = false;
    }
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (offset < buf.fetchNext) continue;
      buf.records.push({ topic: batch.topic, partition: batch.partition, offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers: headersOf(m.headers) });
      buf.fetchNext = offset + 1;
    }
    // Aborted records and markers after the last record hold nothing either.
    buf.fetchNext = Math.max(buf.fetchNext, Number(batch.lastOffset()) + 1);
    if (buf.records.length >= HIGH_WATER && !buf.paused) {
      buf.paused = true;
      this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
    }
  }

  async poll(positions: Position[], max: number, peek?: boolean[]): Promise<PolledPartition[]> {
    await this.ready;
    if (this.failure) throw new Error(this.failure);
    return positions.map(({ topic, partition, next }, n) => {
      const key = `${topic}:${partition}`;
      const own = this.ownership(topic, partition);
      if (!own) return { owned: false, groupNext: null, epoch: 0, records: [] };
      if (peek?.[n]) return { owned: true, groupNext: own.committed, epoch: own.epoch, records: [] };
      let buf = this.buffers.get(key);
      if (!buf) {
        buf = { records: [], cursor: undefined, fetchNext: next, paused: false, rewound: false, soughtAt: 0 };
        this.buffers.set(key, buf);
      }
      if (buf.cursor !== next) {
        const head = buf.records[0]?.offset ?? buf.fetchNext;
        if (next >= head && next <= buf.fetchNext) {
          while (buf.records.length && buf.records[0]!.offset < next) buf.records.shift();
        } else {
          buf.records = [];
          buf.rewound = next < buf.fetchNext;
          buf.fetchNext = next;
          this.seek(topic, partition, buf);
        }
        buf.cursor = next;
      } else if (buf.rewound && Date.now() - buf.soughtAt > RESEEK_MS) {
        this.seek(topic, partition, buf);
      }
      const records = buf.records.splice(0, max);
      if (records.length) buf.cursor = records[records.length - 1]!.offset + 1;
      if (buf.paused && buf.records.length < HIGH_WATER / 2) {
        buf.paused = false;
        this.consumer.resume([{ topic, partitions: [partition] }]);
      }
      return { owned: true, groupNext: own.committed, epoch: own.epoch, records, fetched: buf.fetchNext };
    });
  }

  /** Fetch from buf.fetchNext next. */
  private seek(topic: string, partition: number, buf: PartitionBuffer): void {
    this.consumer.seek({ topic, partition, offset: String(buf.fetchNext) });
    this.consumer.resume([{ topic, partitions: [partition] }]);
    buf.paused = false;
    buf.soughtAt = Date.now();
  }

  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await this.consumer.disconnect();
    await this.tasks?.close();
  }
}

function partitionOf(key: string): { topic: string; partitions: number[] } {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partitions: [Number(key.slice(at + 1))] };
}

function headersOf(h: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Header[] {
  const out: Header[] = [];
  for (const [key, v] of Object.entries(h ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) out.push({ key, value: one === undefined ? null : Buffer.from(one) });
  }
  return out;
}
