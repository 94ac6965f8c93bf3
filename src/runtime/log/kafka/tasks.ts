// The tasks of one persistent query on this server (worker side). Task n is partition n of every
// input topic (see assignor.ts). Each task writes through its own transactional producer whose id
// names the query and the task — not the server — as in Kafka Streams' first exactly-once design:
// when a task moves, its new owner's InitProducerId fences the old owner (whose later commits fail)
// and aborts or completes its open transaction, and only then are the task's committed offsets
// read, so no pending transaction can be read around. Every acquisition gets a new epoch: the
// engine side re-checks its staged output against the committed offsets of that acquisition.

import type { Admin, Kafka, Producer, RecordMetadata } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { DeliverOutcome, OutputBatch, Position } from './wire.js';
import { byTopic } from './messages.js';
import { unpackRecords } from './record-pack.js';

/** After being fenced, wait this long for the group to say where the task went before taking it back. */
const FENCED_WAIT_MS = 8_000;
const RETRY_MAX_MS = 2_000;

interface Task {
  readonly epoch: number;
  producer: Producer | undefined;
  /** Committed next offset of each of the task's partitions (`topic:partition`) when it was acquired. */
  committed: Map<string, number>;
  /** The acquisition is done: the task may commit. */
  ready: boolean;
}

export class TaskProducers {
  private readonly tasks = new Map<number, Task>();
  /** The partitions (`topic:partition`) of the group's current assignment to this member. */
  private assigned = new Set<string>();
  private epochs = 0;
  private closed = false;
  /** Task → the topics its producer wrote to explicit partitions (see writtenEnds). */
  private readonly wroteTo = new Map<number, Set<string>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly group: string,
    private readonly transactionTimeout: number,
  ) {}

  /**
   * The group's new assignment: release the tasks that went, acquire those that came. Not
   * `continuous` (this member missed a generation: it was frozen, or its consumer was replaced):
   * a task kept may have had another owner meanwhile, so every task is acquired anew.
   */
  assign(assignment: Record<string, number[]>, continuous: boolean): void {
    this.assigned = new Set(Object.entries(assignment).flatMap(([topic, parts]) => parts.map((p) => `${topic}:${p}`)));
    const now = new Set(Object.values(assignment).flat());
    for (const n of [...this.tasks.keys()]) if (!now.has(n) || !continuous) this.release(n);
    for (const n of now) if (!this.tasks.has(n)) this.acquire(n);
  }

  /** The epoch and committed offset of an owned, acquired partition; undefined when not this server's. */
  owned(topic: string, partition: number): { epoch: number; committed: number | null } | undefined {
    const key = `${topic}:${partition}`;
    const t = this.tasks.get(partition);
    if (!t?.ready || !this.assigned.has(key)) return undefined;
    return { epoch: t.epoch, committed: t.committed.get(key) ?? null };
  }

  /** One transaction of task n: its output records and its partitions' offsets after the batches. */
  async deliver(n: number, epoch: number, batches: OutputBatch[]): Promise<DeliverOutcome> {
    const t = this.tasks.get(n);
    if (!t || t.epoch !== epoch || !t.ready || !t.producer) return 'lost';
    const txn = await t.producer.transaction();
    try {
      const topicMessages = byTopic(batches.flatMap((b) => unpackRecords(b.records)));
      const sent = topicMessages.length ? await txn.sendBatch({ topicMessages, acks: -1 }) : [];
      const last = new Map<string, Position>();
      for (const b of batches) for (const o of b.offsets) last.set(`${o.topic}:${o.partition}`, o);
      const topics = new Map<string, { partition: number; offset: string }[]>();
      for (const o of last.values()) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: String(o.next) }]);
      if (topics.size) await txn.sendOffsets({ consumerGroupId: this.group, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
      await txn.commit();
      let wrote = this.wroteTo.get(n);
      if (!wrote) this.wroteTo.set(n, (wrote = new Set()));
      for (const topic of noteWritten(topicMessages, sent)) wrote.add(topic);
      return 'delivered';
    } catch (e) {
      await txn.abort().catch(() => {});
      // Fenced, or the outcome unknown (broker gone, a timeout): either way the task is acquired
      // anew — InitProducerId, then its committed offsets — before it commits again. A producer
      // that only re-initialised would fence the task's new owner and write over its output.
      if (this.tasks.get(n) === t) {
        this.release(n);
        if (fenced(e)) setTimeout(() => this.reacquire(n), FENCED_WAIT_MS).unref();
        else this.reacquire(n);
      }
      return 'lost';
    }
  }

  private reacquire(n: number): void {
    if (!this.closed && !this.tasks.has(n) && [...this.assigned].some((k) => Number(k.slice(k.lastIndexOf(':') + 1)) === n)) this.acquire(n);
  }

  private acquire(n: number): void {
    const t: Task = { epoch: ++this.epochs, producer: undefined, committed: new Map(), ready: false };
    this.tasks.set(n, t);
    void this.init(n, t);
  }

  private async init(n: number, t: Task): Promise<void> {
    for (let attempt = 0; this.tasks.get(n) === t && !this.closed; attempt++) {
      const producer = this.kafka.producer({
        transactionalId: `${this.group}-${n}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: this.transactionTimeout,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: RETRY_MAX_MS },
      });
      try {
        await producer.connect();
        // The first transaction sends InitProducerId with the task's id: this is the fence.
        await (await producer.transaction()).abort();
        const committed = new Map<string, number>();
        const fetched = await this.admin.fetchOffsets({ groupId: this.group, topics: [...new Set([...this.assigned].map((k) => k.slice(0, k.lastIndexOf(':'))))] });
        for (const tp of fetched) for (const p of tp.partitions) if (p.partition === n && Number(p.offset) >= 0) committed.set(`${tp.topic}:${n}`, Number(p.offset));
        if (this.tasks.get(n) !== t || this.closed) throw new Error('released meanwhile');
        t.producer = producer;
        t.committed = committed;
        t.ready = true;
        return;
      } catch {
        await producer.disconnect().catch(() => {});
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, RETRY_MAX_MS)));
      }
    }
  }

  private release(n: number): void {
    const t = this.tasks.get(n);
    this.tasks.delete(n);
    // Whoever restores the task next fences this producer first, which makes the broker's end right.
    for (const topic of this.wroteTo.get(n) ?? []) forgetWritten(topic, n);
    this.wroteTo.delete(n);
    void t?.producer?.disconnect().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    const producers = [...this.tasks.values()].map((t) => t.producer);
    this.tasks.clear();
    await Promise.allSettled(producers.map((p) => p?.disconnect()));
  }
}

/**
 * `topic` → partition → the offset after the last record this process's task producers wrote there
 * in a committed transaction. A changelog partition is written by its task's producer alone, and
 * a restore asks how far it reaches right after that producer's last commit: the end offsets the
 * admin client lists are read_committed ones (the last stable offset), which stay before a
 * committed transaction until its markers are written — a moment after the commit returns. A task
 * kept through a rebalance restored to that end lost its last batches' state (while its input
 * position stayed after them): counts went back and records were lost. What this server wrote
 * itself is known here, exactly, so a restore reads at least that far (see worker.ts endOffsets).
 */
const written = new Map<string, number[]>();

export function writtenEnds(topic: string): readonly number[] | undefined {
  return written.get(topic);
}

/** Forget what was written to `topic` (deleted), or only to its partition n (task n left this server). */
export function forgetWritten(topic: string, n?: number): void {
  if (n === undefined) written.delete(topic);
  else {
    const ends = written.get(topic);
    if (ends) delete ends[n];
  }
}

/** Note a committed transaction's writes; the topics noted. */
function noteWritten(topicMessages: readonly { topic: string; messages: readonly { partition?: number }[] }[], sent: readonly RecordMetadata[]): string[] {
  const topics: string[] = [];
  for (const m of sent) {
    if (m.baseOffset === undefined || Number(m.baseOffset) < 0) continue;
    const count = topicMessages.find((t) => t.topic === m.topicName)?.messages.filter((x) => x.partition === m.partition).length ?? 0;
    // Only records sent to an explicit partition (changelog records) are counted; others are not needed.
    if (!count) continue;
    let ends = written.get(m.topicName);
    if (!ends) written.set(m.topicName, (ends = []));
    ends[m.partition] = Math.max(ends[m.partition] ?? 0, Number(m.baseOffset) + count);
    topics.push(m.topicName);
  }
  return topics;
}

/** The broker says another producer took the task's transactional id. */
function fenced(e: unknown): boolean {
  for (let c = e as { type?: string; cause?: unknown } | undefined, depth = 0; c && depth < 5; c = c.cause as typeof c, depth++) {
    if (c.type === 'INVALID_PRODUCER_EPOCH' || c.type === 'PRODUCER_FENCED') return true;
  }
  return false;
}
