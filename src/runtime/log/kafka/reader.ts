// The worker side of a query's reading: one kafkajs consumer that prefetches into a bounded
// buffer per partition (pausing the partition when the buffer is full). A group reader shares
// its topics' partitions with other Eddy instances running the same query (one consumer group
// per persistent query); a private reader owns every partition and only ever seeks.
//
// Under read_committed, offsets taken by aborted records and transaction markers never come back
// as records: offsets are not contiguous, and a fetch may hold no record at all. kafkajs then
// moves past it without calling eachBatch, telling only its instrumentation event.

import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Header } from '../../../planner/record.js';
import type { PolledPartition, Position, WireRecord } from './wire.js';

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
  /** Owned partitions → the group's committed next offset when they were gained. */
  private owned = new Map<string, number | null>();
  private ready: Promise<void>;
  private failure: string | undefined;

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
    private readonly topics: string[],
    private readonly group: string | null,
    id: string,
  ) {
    this.consumer = kafka.consumer({
      groupId: group ?? `eddy-reader-${id}-${process.pid}-${Date.now()}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
      readUncommitted: false,
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
      this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
        void this.assign(e.payload.memberAssignment).catch((err: unknown) => (this.failure = String(err)));
      });
    }
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    if (!this.group) {
      const meta = await this.admin.fetchTopicMetadata({ topics: this.topics });
      for (const t of meta.topics) for (const p of t.partitions) this.owned.set(`${t.name}:${p.partitionId}`, null);
    }
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: async (b) => this.take(b) });
  }

  private async assign(assignment: Record<string, number[]>): Promise<void> {
    const committed = new Map<string, number>();
    const fetched = await this.admin.fetchOffsets({ groupId: this.group!, topics: Object.keys(assignment) });
    for (const t of fetched) for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    const owned = new Map<string, number | null>();
    for (const [topic, parts] of Object.entries(assignment)) for (const p of parts) owned.set(`${topic}:${p}`, this.owned.get(`${topic}:${p}`) ?? committed.get(`${topic}:${p}`) ?? null);
    for (const [k, buf] of this.buffers) {
      if (owned.has(k)) continue;
      this.buffers.delete(k);
      // kafkajs keeps a partition paused across rebalances; a buffer made anew must not wait on it.
      if (buf.paused) this.consumer.resume([partitionOf(k)]);
    }
    this.owned = owned;
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
      if (!this.owned.has(key)) return { owned: false, groupNext: null, records: [] };
      if (peek?.[n]) return { owned: true, groupNext: this.owned.get(key) ?? null, records: [] };
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
      return { owned: true, groupNext: this.owned.get(key) ?? null, records, fetched: buf.fetchNext };
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
