// A query's channel to Kafka. Reads come from the worker's prefetch buffers; a persistent query
// reads through its consumer group, stages each batch's output in the SQLite outbox (inside the
// batch transaction), one row per task (task n = partition n of each input topic), and, once that
// committed, delivers each task's rows in a Kafka transaction of the task's own producer that also
// commits the task's group offsets — so Kafka's view (read_committed) matches Eddy's state. A task
// this server (re)gains resumes where its checked rows end, or else at the group's offsets.

import type Database from 'better-sqlite3';
import type { AppendRecord, LogRecord, PartitionPosition, PolledRecords, QueryChannel, StateChange } from '../topic-log.js';
import type { KafkaBridge } from './bridge.js';
import { KafkaChangelog } from './changelog.js';
import { Outbox } from './outbox.js';
import { toWire } from './records.js';
import type { OutputBatch, Position, WireAppend } from './wire.js';

/** Batches delivered per Kafka transaction when a backlog built up. */
const DELIVER_BATCHES = 50;
/** How long one engine cycle waits for a delivery's outcome before it moves on (and asks again next cycle). */
const DELIVER_WAIT_MS = 250;
/**
 * Batches a query may stage while a delivery is in flight before it waits for it: the next batches
 * are read and processed while Kafka commits the last ones (they go out together in the next
 * transaction). Exactly-once is the outbox's: each task's rows are delivered in order, one
 * transaction at a time, each with the offsets after its batches — a batch's output is committed
 * no later than its successor's offsets, and whatever a crash leaves staged is checked against the
 * group's offsets when the task is gained again. Measured on Kafka → filter → Kafka (1M records,
 * docs/benchmarks.md): waiting for each commit before the next batch left the engine idle ~70 %.
 */
const PIPELINE_AHEAD = 4;
/** Polls are answered from the worker's buffers: they never wait on the broker. */
const POLL_MS = 2_000;

export class KafkaChannel implements QueryChannel {
  /** Records are prefetched from a live consumer: re-reading a position means a seek. */
  readonly repeatable = false;
  private readonly outbox: Outbox | undefined;
  /** Task → the acquisition (epoch) whose staged rows were checked: deliveries name it. */
  private readonly epochs = new Map<number, number>();
  /** Tasks owned as of the last poll and not lost at a delivery since. */
  private readonly live = new Set<number>();
  /** `topic:partition` → where the next staged row of its task starts. */
  private readonly expected = new Map<string, number>();
  /** The delivery running in the worker, and what it carries (each task's rows up to `upTo`, under acquisition `epoch`). */
  private inFlight: { seq: number; parts: { task: number; epoch: number; upTo: number }[] } | undefined;
  /** Batches staged since the delivery in flight started (see PIPELINE_AHEAD). */
  private stagedAhead = 0;
  private closed = false;
  /** Scale-out (a --service-id): the query's state follows its tasks through changelog topics. */
  readonly changelog: KafkaChangelog | undefined;

  constructor(
    private readonly bridge: KafkaBridge,
    db: Database.Database,
    private readonly readerId: string,
    group: string | null,
    topics: readonly string[],
    owner: string,
    scaleOut: boolean,
    /** A topic's partition count: a windowed record goes to its base key's partition. */
    private readonly partitionsOf: (topic: string) => number | undefined,
  ) {
    bridge.call('openReader', { id: readerId, topics: [...topics], group });
    if (group) this.outbox = new Outbox(db, owner);
    if (group && scaleOut) this.changelog = new KafkaChangelog(bridge, group, readerId);
  }

  poll(positions: readonly PartitionPosition[], maxRecords: number, peek?: readonly boolean[]): PolledRecords[] {
    if (!positions.length) return [];
    const polled = this.bridge.call('poll', { id: this.readerId, positions: [...positions], max: maxRecords, ...(peek ? { peek: [...peek] } : {}) }, POLL_MS);
    if (!this.outbox) return polled.map((p) => ({ owned: p.owned, groupNext: p.groupNext, records: p.records.map(fromWire) }));
    // Tasks acquired anew since the last poll: check their staged rows against the committed offsets.
    const gained = new Map<number, { epoch: number; committed: Map<string, number> }>();
    positions.forEach((pos, n) => {
      const p = polled[n]!;
      if (!p.owned) {
        this.live.delete(pos.partition);
        return;
      }
      if (this.epochs.get(pos.partition) === p.epoch) return;
      let g = gained.get(pos.partition);
      if (!g) gained.set(pos.partition, (g = { epoch: p.epoch, committed: new Map() }));
      if (p.groupNext !== null) g.committed.set(`${pos.topic}:${pos.partition}`, p.groupNext);
    });
    const resume = new Map<string, number | null>();
    for (const [task, g] of gained) {
      // A stateful task's state is restored from its changelog as of the committed offsets: what
      // it staged under an earlier ownership is processed again from there, not delivered.
      if (this.changelog?.opened) this.outbox.drop(task);
      const end = this.changelog?.opened ? undefined : this.outbox.validate(task, g.committed);
      positions.forEach((pos) => {
        if (pos.partition !== task) return;
        const key = `${pos.topic}:${pos.partition}`;
        const at = end?.get(key) ?? g.committed.get(key) ?? null;
        resume.set(key, at);
        this.expected.set(key, at ?? pos.next); // null: the engine stays where it is
      });
      this.epochs.set(task, g.epoch);
    }
    return polled.map((p, n) => {
      const pos = positions[n]!;
      if (p.owned) this.live.add(pos.partition);
      const key = `${pos.topic}:${pos.partition}`;
      const records = p.records.map(fromWire);
      return resume.has(key) ? { owned: true, gained: true, groupNext: resume.get(key)!, records } : { owned: p.owned, groupNext: p.groupNext, records };
    });
  }

  stage(
    output: { readonly topic: string; readonly records: readonly AppendRecord[]; readonly partitions?: readonly number[] } | undefined,
    positions: readonly PartitionPosition[],
    changes?: readonly StateChange[],
  ): void {
    if (!this.outbox) throw new Error('this query does not write to Kafka');
    const tasks = new Map<number, { from: Position[]; offsets: Position[]; records: WireAppend[] }>();
    for (const p of positions) {
      let t = tasks.get(p.partition);
      if (!t) tasks.set(p.partition, (t = { from: [], offsets: [], records: [] }));
      const key = `${p.topic}:${p.partition}`;
      t.from.push({ topic: p.topic, partition: p.partition, next: this.expected.get(key) ?? p.next });
      t.offsets.push({ topic: p.topic, partition: p.partition, next: p.next });
      this.expected.set(key, p.next);
    }
    const partitions = output?.records.some((r) => r.window) ? this.partitionsOf(output.topic) : undefined;
    const moved = [...tasks].find(([, t]) => t.offsets.some((o, i) => o.next !== t.from[i]!.next))?.[0];
    output?.records.forEach((r, i) => {
      // A record belongs to the task of the input partition it came from (an aggregate's: the last record that changed it).
      const from = output.partitions?.[i];
      const task = from !== undefined && tasks.has(from) ? from : (moved ?? tasks.keys().next().value);
      if (task !== undefined) tasks.get(task)!.records.push(toWire(output.topic, r, partitions));
    });
    if (changes?.length && this.changelog) {
      const now = Date.now();
      for (const c of changes) {
        // A change of a task this server no longer reads is stale (its new owner restored the task): never written.
        const t = tasks.get(c.task);
        if (t)
          t.records.push({ topic: this.changelog.topic(c.store), partition: c.task, timestamp: now, key: Buffer.from(c.key, 'utf8'), value: c.value === null ? null : Buffer.from(c.value, 'utf8') });
      }
    }
    let staged = false;
    for (const [task, t] of tasks) {
      if (t.records.length || t.offsets.some((o, i) => o.next !== t.from[i]!.next)) {
        this.outbox.stage(task, t);
        staged = true;
      }
    }
    if (staged) this.stagedAhead++;
  }

  /**
   * Move earlier batches' output on: pick up the outcome of the delivery in flight and start the
   * next one, without waiting — unless PIPELINE_AHEAD batches were staged behind the one in flight,
   * then for at most DELIVER_WAIT_MS. False: the query should not start another batch yet.
   */
  deliver(): boolean {
    if (!this.outbox || this.closed) return true;
    if (!this.advance(0)) return false;
    if (!this.inFlight || this.stagedAhead < PIPELINE_AHEAD) return true;
    return this.advance(DELIVER_WAIT_MS) && (!this.inFlight || this.stagedAhead < PIPELINE_AHEAD);
  }

  /** Wait (at most `waitMs` per delivery) until everything staged is delivered; true when it is. */
  settle(waitMs = DELIVER_WAIT_MS): boolean {
    if (!this.outbox || this.closed) return true;
    if (!this.advance(waitMs)) return false;
    // Nothing in flight means nothing pending for a task this server holds (what is left waits for its task to be gained).
    return !this.inFlight;
  }

  /** Collect finished deliveries and start the next, waiting `waitMs` for each; false when one failed or lost a task. */
  private advance(waitMs: number): boolean {
    let clear = true;
    for (;;) {
      if (this.inFlight) {
        // The transactions run in the worker; the engine waits only briefly, so that a broker outage
        // leaves the server answering its clients (the rows stay staged until they are delivered).
        let done;
        try {
          done = this.bridge.result('deliver', this.inFlight.seq, waitMs);
        } catch (e) {
          if (process.env.EDDY_KAFKA_LOG) process.stderr.write(`eddy: delivery to Kafka failed, will retry: ${(e as Error).message}\n`);
          this.inFlight = undefined;
          return false;
        }
        if (!done) return clear;
        const { parts } = this.inFlight;
        this.inFlight = undefined;
        parts.forEach((p, i) => {
          // The task was gained anew meanwhile: its staged rows were checked against Kafka's offsets then (poll), and this outcome is stale.
          if (this.epochs.get(p.task) !== p.epoch) return;
          if (done.value[i] === 'delivered') return this.outbox!.delivered(p.task, p.upTo);
          // Moved, fenced or unknown: the rows wait until the task is acquired again and checked.
          this.live.delete(p.task);
          clear = false;
        });
      }
      const parts: { task: number; epoch: number; upTo: number; batches: OutputBatch[] }[] = [];
      for (const task of this.live) {
        const { upTo, batches } = this.outbox!.pending(task, DELIVER_BATCHES);
        if (batches.length) parts.push({ task, epoch: this.epochs.get(task)!, upTo, batches });
      }
      this.stagedAhead = 0;
      if (!parts.length) return clear;
      const seq = this.bridge.start('deliver', { id: this.readerId, tasks: parts.map((p) => ({ task: p.task, epoch: p.epoch, batches: p.batches })) });
      this.inFlight = { seq, parts: parts.map(({ task, epoch, upTo }) => ({ task, epoch, upTo })) };
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight) this.bridge.forget(this.inFlight.seq);
    try {
      this.bridge.call('closeReader', this.readerId);
    } catch {
      // the connection is already gone
    }
  }
}

export function fromWire(r: { topic: string; partition: number; offset: number; timestamp: number; key: Uint8Array | null; value: Uint8Array | null; headers: LogRecord['headers'] }): LogRecord {
  return { ...r, key: r.key ? Buffer.from(r.key.buffer, r.key.byteOffset, r.key.byteLength) : null, value: r.value ? Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength) : null };
}
