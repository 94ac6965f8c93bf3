// A running push query (SELECT … EMIT CHANGES) as an async iterator of rows. Rows are queued
// as batches commit; a consumer that falls far behind is told so rather than growing memory
// without bound (the TCP server applies its own per-client limit on top).

import type { Value } from '../planner/values.js';

/** A result column as the library, the server and the shell show it. */
export interface ColumnHeader {
  readonly name: string;
  /** ksqlDB's spelling of the type, e.g. `BIGINT`, `ARRAY<STRING>`. */
  readonly type: string;
  readonly key?: boolean;
}

export interface PushRow {
  readonly values: readonly Value[];
  /** A table change that deletes its key. */
  readonly tombstone?: boolean;
  readonly window?: { readonly start: number; readonly end: number };
  readonly ts: number;
}

export class PushQuery implements AsyncIterable<PushRow> {
  private readonly queue: PushRow[] = [];
  private waiter: ((r: IteratorResult<PushRow>) => void) | undefined;
  private ended = false;
  private readonly endListeners: (() => void)[] = [];
  /** What the rows are, when that is learnt as they come: PRINT's guessed key and value formats. */
  title: string | undefined;

  constructor(
    readonly id: string,
    readonly columns: readonly ColumnHeader[],
    private readonly onClose: () => void,
    readonly maxQueued = 100_000,
  ) {}

  /** Called by the engine after a batch commits. */
  deliver(row: PushRow): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: row, done: false });
      return;
    }
    if (this.queue.length >= this.maxQueued) this.queue.shift();
    this.queue.push(row);
  }

  /** Rows waiting to be read (lets servers apply back-pressure). */
  get queued(): number {
    return this.queue.length;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Ends the query: no more rows; the iterator finishes after draining what is queued. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose();
    for (const l of this.endListeners) l();
    if (this.waiter && this.queue.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  onEnd(fn: () => void): void {
    if (this.ended) fn();
    else this.endListeners.push(fn);
  }

  /** Take every queued row at once (for pollers such as the shell). */
  drain(): PushRow[] {
    return this.queue.splice(0);
  }

  [Symbol.asyncIterator](): AsyncIterator<PushRow> {
    return {
      next: () => {
        const row = this.queue.shift();
        if (row) return Promise.resolve({ value: row, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiter = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
