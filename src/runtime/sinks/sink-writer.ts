// The one interface every external sink implements (file, postgres, sqlite, webhook: one file
// each). A writer receives committed batches in order, each with the id Eddy gave it when the
// batch's rows were staged beside the query's state and offsets (sink-outbox.ts). An exactly-once
// writer keeps the id of the last batch it applied *in the target, in the same transaction as the
// rows* (a manifest entry, an offsets table), and skips batches at or below it: a batch delivered
// again after a crash changes nothing. An at-least-once writer (webhook) says so.

import type { SqlType } from '../../parser/sql-type.js';
import type { Value } from '../../planner/values.js';

export interface SinkColumn {
  /** As Eddy names it (upper case for unquoted identifiers). */
  readonly name: string;
  readonly type: SqlType;
  /** Part of the key a table's rows are upserted and deleted by. */
  readonly key: boolean;
}

/** What the rows look like: the query's columns (key first), plus WINDOWSTART/WINDOWEND keys for a windowed table. */
export interface SinkShape {
  readonly name: string;
  readonly columns: readonly SinkColumn[];
  /** A table's changes upsert by key and delete on tombstones; a stream's rows are appended. */
  readonly isTable: boolean;
}

export interface SinkRow {
  /** In the shape's column order; a tombstone carries its key and nulls. */
  readonly values: readonly Value[];
  /** A tombstone: delete the row with this key. */
  readonly delete: boolean;
}

export interface SinkBatch {
  /** 1, 2, 3, … per query, in commit order; never reused. */
  readonly id: number;
  readonly rows: readonly SinkRow[];
}

export interface SinkWriter {
  /** 'exactly-once': the target keeps its position with the rows; 'at-least-once': a batch may arrive twice. */
  readonly guarantee: 'exactly-once' | 'at-least-once';
  /** Where the rows go, for SHOW SINKS and DESCRIBE (no secrets). */
  readonly target: string;
  /**
   * Apply these batches (ascending ids), skipping those the target already holds. Synchronous
   * writers (files, SQLite) return when the batches are durable; asynchronous ones (PostgreSQL,
   * HTTP) return a promise that resolves once they are. Throws or rejects on failure: the batches
   * stay staged and are offered again later.
   */
  write(batches: readonly SinkBatch[]): void | Promise<void>;
  close(): void;
}
