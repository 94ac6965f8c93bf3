// Drives one query's writer: after each batch commit, hand the staged batches to the target in
// order; on failure log it, keep them staged and retry with a doubling pause. The query keeps its
// place: it runs ahead by at most MAX_BACKLOG batches, then waits for the target (Eddy.step sees
// `accepting` false and moves on to other queries).
//
// The order that makes it exactly-once (see docs/durability.md):
//   1. Eddy's batch transaction: state, source offsets, and the batch's rows under id N (outbox).
//   2. The target's transaction: the rows and "query Q is at batch N", or nothing if it is there already.
//   3. Eddy deletes batch N from the outbox.
// A crash before 1 commits replays the source records (the target never saw batch N); between 1
// and 2, batch N is delivered on restart; between 2 and 3, it is delivered again and skipped.

import type Database from 'better-sqlite3';
import { SinkOutbox, type SinkPosition } from './sink-outbox.js';
import type { SinkRow, SinkWriter } from './sink-writer.js';

/** Staged batches a query may run ahead of its target before it waits. */
const MAX_BACKLOG = 8;
/** Batches handed to the writer at once (one target transaction) when a backlog built up. */
const BATCHES_PER_WRITE = 16;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 30_000;

export interface SinkDeliveryDeps {
  readonly db: Database.Database;
  readonly owner: string;
  readonly writer: SinkWriter;
  /** A delivery failed (the processing log). */
  readonly report: (message: string) => void;
  /** An asynchronous delivery finished: run the next cycle now. */
  readonly wake?: () => void;
}

export class SinkDelivery {
  private readonly outbox: SinkOutbox;
  private inFlight = false;
  private failures = 0;
  private retryAt = 0;
  private closed = false;

  constructor(private readonly deps: SinkDeliveryDeps) {
    this.outbox = new SinkOutbox(deps.db, deps.owner);
  }

  get writer(): SinkWriter {
    return this.deps.writer;
  }

  /** Inside the batch transaction. A batch without rows takes no id. */
  stage(rows: readonly SinkRow[]): void {
    if (rows.length) this.outbox.stage(rows);
  }

  /** The query may run another batch. */
  get accepting(): boolean {
    return this.outbox.position().pending < MAX_BACKLOG;
  }

  /** Nothing staged, nothing on its way. */
  get idle(): boolean {
    return !this.inFlight && this.outbox.position().pending === 0;
  }

  position(): SinkPosition {
    return this.outbox.position();
  }

  /** Outside any transaction: start (or, for a synchronous writer, do) the next delivery if one is due. */
  deliver(): void {
    if (this.inFlight || this.closed || Date.now() < this.retryAt) return;
    const batches = this.outbox.pending(BATCHES_PER_WRITE);
    if (!batches.length) return;
    const upTo = batches[batches.length - 1]!.id;
    let pending: void | Promise<void>;
    try {
      pending = this.deps.writer.write(batches);
    } catch (e) {
      this.failed(e);
      return;
    }
    if (!pending) return this.succeeded(upTo);
    this.inFlight = true;
    pending.then(
      () => {
        this.inFlight = false;
        if (this.closed) return;
        this.succeeded(upTo);
        this.deps.wake?.();
      },
      (e: unknown) => {
        this.inFlight = false;
        if (this.closed) return;
        this.failed(e);
      },
    );
  }

  close(): void {
    this.closed = true;
    this.deps.writer.close();
  }

  private succeeded(upTo: number): void {
    this.failures = 0;
    this.retryAt = 0;
    this.outbox.delivered(upTo);
  }

  private failed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.failures++;
    const wait = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
    this.retryAt = Date.now() + wait;
    this.outbox.failed(message);
    this.deps.report(`sink ${this.deps.writer.target}: delivery failed (attempt ${this.failures}, retrying in ${wait} ms): ${message}`);
  }
}
