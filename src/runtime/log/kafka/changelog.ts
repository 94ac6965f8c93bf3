// A scale-out query's changelog topics, as Kafka Streams keeps them: one compacted topic per state
// store, `<service-id>-<query id>-<store>-changelog`, partition n holding task n's changes. The
// changes are staged with the task's output (channel.ts) and so committed in the same Kafka
// transaction as the output and the input offsets. A server that gains a task reads its changelog
// partitions from the start to their end as a read_committed reader: only after the task's
// producer was initialised (which aborts or completes any transaction a former owner left open),
// so the end it reads to is exactly the state at the task's committed offsets.

import type { StateChange, StateChangelog } from '../topic-log.js';
import type { KafkaBridge } from './bridge.js';

/** How long a restore may take before it fails (and is tried again at the next cycle). */
const RESTORE_MS = 60_000;
const ASK_MS = 5_000;
const POLL_MS = 2_000;
const READ_MAX = 10_000;
/**
 * No time retention (records carry their event time, which may be years old) and compaction: the
 * topic keeps each key's latest value (Kafka Streams' changelog config for a key-value store).
 */
const CHANGELOG_CONFIG = { 'cleanup.policy': 'compact', 'retention.ms': '-1' };

/** A Kafka topic name from a store's (which may hold '/' and other characters Kafka refuses). */
export function changelogTopic(prefix: string, store: string): string {
  return `${prefix}-${store.replace(/[^a-zA-Z0-9._-]/g, '-')}-changelog`;
}

export class KafkaChangelog implements StateChangelog {
  private restores = 0;
  /** Set by `open`: the query keeps state, so a gained task's staged output is void. */
  opened = false;

  constructor(
    private readonly bridge: KafkaBridge,
    /** `<service-id>-<query id>` */
    private readonly prefix: string,
    private readonly readerId: string,
  ) {}

  topic(store: string): string {
    return changelogTopic(this.prefix, store);
  }

  open(stores: readonly string[], tasks: number): void {
    for (const s of stores) this.bridge.call('createTopic', { name: this.topic(s), partitions: tasks, configs: CHANGELOG_CONFIG }, ASK_MS + 8_000);
    this.opened = true;
  }

  restore(stores: readonly string[], tasks: readonly number[]): StateChange[] {
    const out: StateChange[] = [];
    if (!stores.length || !tasks.length) return out;
    const topics = stores.map((s) => this.topic(s));
    let pending: { store: string; topic: string; task: number; next: number; end: number }[] = [];
    stores.forEach((store, n) => {
      const topic = topics[n]!;
      // Asked now, after the tasks were acquired (a moved task's former owner is fenced, its transaction complete):
      // the broker's read_committed end, or further if this server's own last commits reach further (their markers
      // may not be written yet: see tasks.ts writtenEnds).
      const ends = this.bridge.call('endOffsets', { topic, fresh: true, ownWrites: true }, ASK_MS);
      for (const task of tasks) if ((ends[task] ?? 0) > 0) pending.push({ store, topic, task, next: 0, end: ends[task]! });
    });
    if (!pending.length) return out;
    const id = `${this.readerId}-restore-${++this.restores}`;
    this.bridge.call('openReader', { id, topics, group: null });
    try {
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (const deadline = Date.now() + RESTORE_MS; pending.length; ) {
        const polled = this.bridge.call('poll', { id, positions: pending.map((p) => ({ topic: p.topic, partition: p.task, next: p.next })), max: READ_MAX }, POLL_MS);
        let progress = false;
        pending = pending.filter((p, n) => {
          const got = polled[n]!;
          for (const r of got.records) {
            if (!r.key) continue;
            out.push({ store: p.store, task: p.task, key: Buffer.from(r.key).toString('utf8'), value: r.value ? Buffer.from(r.value).toString('utf8') : null });
            p.next = r.offset + 1;
            progress = true;
          }
          // The end counts transaction markers and aborted records: the prefetch passing it means nothing is left.
          return !(p.next >= p.end || (!got.records.length && (got.fetched ?? 0) >= p.end));
        });
        if (!pending.length) break;
        if (Date.now() > deadline)
          throw new Error(`restoring state from ${pending.map((p) => `${p.topic}[${p.task}]`).join(', ')} timed out at offset ${pending.map((p) => `${p.next} of ${p.end}`).join(', ')}`);
        if (!progress) Atomics.wait(pause, 0, 0, 20);
      }
      return out;
    } finally {
      try {
        this.bridge.call('closeReader', id);
      } catch {
        // the connection is gone: nothing left to close
      }
    }
  }
}
