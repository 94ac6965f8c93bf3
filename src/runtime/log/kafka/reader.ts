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
import { advertised, taskAssignor } from './assignor.js';
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
  private consumer: Consumer;
  private readonly buffers = new Map<string, PartitionBuffer>();
  /** A private reader's partitions (a group reader's come from its tasks). */
  private readonly all = new Set<string>();
  private readonly tasks: TaskProducers | undefined;
  private ready: Promise<void>;
  /** The consumer crashed and kafkajs is restarting it (see revive). */
  private restarting = false;
  /** Consumers replaced since one last joined its group (the back-off between them). */
  private replaced = 0;
  /** The member id this reader's consumer last joined its group with. */
  private memberId: string | undefined;
  /** The address advertised when the consumer last joined (its member metadata carries it). */
  private joinedAs = '';
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topics: string[],
    private readonly group: string | null,
    private readonly id: string,
    transactionTimeout: number,
  ) {
    this.tasks = group ? new TaskProducers(kafka, admin, group, transactionTimeout) : undefined;
    this.consumer = this.makeConsumer();
    this.ready = this.start(0);
  }

  private makeConsumer(): Consumer {
    const c = this.kafka.consumer({
      groupId: this.group ?? `eddy-reader-${this.id}-${process.pid}-${Date.now()}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      partitionAssigners: [taskAssignor],
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    c.on(c.events.START_BATCH_PROCESS, (e) => {
      // firstOffset is null when every record lay before the fetch position (compaction): nothing to learn.
      if (c === this.consumer && e.payload.batchSize === 0 && e.payload.firstOffset !== null)
        this.skipEmpty(e.payload.topic, e.payload.partition, Number(e.payload.firstOffset), Number(e.payload.lastOffset));
    });
    // A consumer that gave up fetches nothing ever again: a new one takes its place.
    c.on(c.events.CRASH, (e) => {
      if (c !== this.consumer) return;
      if (e.payload.restart) this.restarting = true;
      else this.replace();
    });
    c.on(c.events.GROUP_JOIN, (e) => {
      if (c !== this.consumer) return;
      this.restarting = false;
      this.replaced = 0;
      // A member dropped from the group (frozen past the session or rebalance timeout, or a new
      // consumer) rejoins under a new member id: generations went by without it.
      const { memberId } = e.payload;
      const continuous = this.memberId === memberId;
      this.memberId = memberId;
      this.joinedAs = advertised();
      if (this.group) this.assign(e.payload.memberAssignment, continuous);
    });
    return c;
  }

  /** Connect, subscribe and run the consumer, retrying (with a new one) until it runs or the reader closes. */
  private async start(delayMs: number): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const c = this.consumer;
      try {
        await c.connect();
        await c.subscribe({ topics: this.topics, fromBeginning: true });
        if (!this.group) {
          const meta = await this.admin.fetchTopicMetadata({ topics: this.topics });
          for (const t of meta.topics) for (const p of t.partitions) this.all.add(`${t.name}:${p.partitionId}`);
        }
        await c.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: async (b) => (c === this.consumer ? this.take(b) : undefined) });
        return;
      } catch {
        await c.disconnect().catch(() => {});
        if (this.closed) return;
        this.consumer = this.makeConsumer();
        this.buffers.clear();
        delayMs = Math.min(250 * 2 ** attempt, 5_000);
      }
    }
  }

  /** kafkajs restarts a crashed consumer from a timer and never retries a failed restart: if this one was restarting, replace it. */
  revive(): void {
    if (this.restarting) this.replace();
  }

  /** The server advertised its address after this member joined: join again so the group's metadata carries it. */
  rejoinIfStale(): void {
    if (this.group && this.memberId !== undefined && this.joinedAs !== advertised()) this.replace();
  }

  private replace(): void {
    if (this.closed) return;
    const old = this.consumer;
    this.restarting = false;
    this.consumer = this.makeConsumer();
    this.buffers.clear();
    void old.disconnect().catch(() => {});
    const delay = Math.min(500 * 2 ** this.replaced++, 10_000);
    this.ready = this.ready.then(() => this.start(delay));
  }

  private assign(assignment: Record<string, number[]>, continuous: boolean): void {
    this.tasks!.assign(assignment, continuous);
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

  /** Answered from the buffers at once, whatever the broker's state (nothing is owned until the consumer runs). */
  async poll(positions: Position[], max: number, peek?: boolean[]): Promise<PolledPartition[]> {
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
    this.closed = true;
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
