// What a push query's screen holds: for keyed results (grouped or windowed aggregates) one row
// per key, updated in place; for plain streams the newest rows, scrolling. Plus the figures the
// status line shows: batches, throughput samples, latency, late records.

import type { LiveProgress, LiveRow, ShellColumn } from './backend.js';

export class LiveModel {
  private readonly keyed: boolean;
  private readonly keyIndexes: number[];
  private readonly byKey = new Map<string, LiveRow>();
  private readonly tail: LiveRow[] = [];
  /** Keys (or tail positions) changed by the last batch, to highlight them. */
  changed = new Set<string>();
  rowsSeen = 0;
  batches = 0;
  latencyMs: number | undefined;
  /** Rows per second, one sample a second (the sparkline). */
  readonly rateSamples: number[] = [];
  private bucketStart: number;
  private bucketRows = 0;

  constructor(
    readonly columns: readonly ShellColumn[],
    private readonly keep = 1000,
    now = Date.now(),
  ) {
    this.keyIndexes = columns.flatMap((c, i) => (c.key ? [i] : []));
    this.keyed = this.keyIndexes.length > 0;
    this.bucketStart = now;
  }

  keyOf(r: LiveRow): string {
    return JSON.stringify([this.keyIndexes.map((i) => String(r.values[i])), r.window?.start ?? null, r.window?.end ?? null]);
  }

  /** Take one batch of rows that arrived together. */
  apply(rows: readonly LiveRow[], now = Date.now()): void {
    this.tick(now);
    if (!rows.length) return;
    this.batches++;
    this.rowsSeen += rows.length;
    this.bucketRows += rows.length;
    this.changed = new Set();
    let newest = -Infinity;
    for (const r of rows) {
      if (r.ts !== undefined) newest = Math.max(newest, r.ts);
      if (this.keyed || r.window) {
        const k = this.keyOf(r);
        if (r.tombstone) this.byKey.delete(k);
        else {
          // Re-inserting moves the key to the end: the newest changes stay in view.
          this.byKey.delete(k);
          this.byKey.set(k, r);
          this.changed.add(k);
        }
      } else {
        this.tail.push(r);
        this.changed.add(String(this.rowsSeen));
      }
    }
    if (this.tail.length > this.keep) this.tail.splice(0, this.tail.length - this.keep);
    if (this.byKey.size > this.keep) for (const k of [...this.byKey.keys()].slice(0, this.byKey.size - this.keep)) this.byKey.delete(k);
    if (Number.isFinite(newest)) this.latencyMs = Math.max(0, rows[rows.length - 1]!.receivedAt - newest);
  }

  /** Close the throughput buckets that have passed. */
  tick(now = Date.now()): void {
    while (now - this.bucketStart >= 1000) {
      this.rateSamples.push(this.bucketRows);
      if (this.rateSamples.length > 120) this.rateSamples.shift();
      this.bucketRows = 0;
      this.bucketStart += 1000;
    }
  }

  get isKeyed(): boolean {
    return this.keyed || this.byKey.size > 0;
  }

  /** The rows to draw: the last `limit` keys or rows. */
  visible(limit: number): { rows: LiveRow[]; changed: boolean[] } {
    if (this.isKeyed) {
      const entries = [...this.byKey].slice(-limit);
      return { rows: entries.map(([, r]) => r), changed: entries.map(([k]) => this.changed.has(k)) };
    }
    const rows = this.tail.slice(-limit);
    return { rows, changed: rows.map(() => false) };
  }

  get size(): number {
    return this.isKeyed ? this.byKey.size : this.tail.length;
  }
}

export function statusLine(m: LiveModel, p: LiveProgress | undefined): string {
  const rate = p ? p.inputRowsPerSecond : (m.rateSamples[m.rateSamples.length - 1] ?? 0);
  const parts = [
    `batch ${p ? p.batches : m.batches}`,
    `${Math.round(rate)} rows/s`,
    `latency ${m.latencyMs === undefined ? '–' : `${Math.round(m.latencyMs)} ms`}`,
    `late dropped ${p ? p.lateDropped : '–'}`,
    `${m.rowsSeen} row${m.rowsSeen === 1 ? '' : 's'} received${m.isKeyed ? `, ${m.size} key${m.size === 1 ? '' : 's'}` : ''}`,
  ];
  if (p && p.errors) parts.push(`${p.errors} bad record${p.errors === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
