// A query's batches on their way to an external sink. A batch's rows are staged here in the same
// SQLite transaction as the query's state and offsets, under the next batch id; they are deleted
// once the target holds them. So what a batch id carries is fixed at commit: redelivering it after
// a crash sends the very same rows, and the target's own record of the last id it applied tells
// it what to skip. (The transactional-outbox pattern; Kafka's channel does the same, log/kafka/outbox.ts.)

import type Database from 'better-sqlite3';
import { fromJsonValue, toJsonValue } from '../../planner/value-json.js';
import type { SinkBatch, SinkRow } from './sink-writer.js';

type StoredRow = [deleted: 0 | 1, values: unknown[]];

export interface SinkPosition {
  /** The last batch id staged (0: none yet). */
  readonly staged: number;
  /** The last batch id the target confirmed. */
  readonly delivered: number;
  /** Batches staged and not yet confirmed. */
  readonly pending: number;
  /** The last delivery failure, if the latest delivery failed. */
  readonly error: string | null;
}

export class SinkOutbox {
  private readonly insert: Database.Statement;
  private readonly bump: Database.Statement;
  private readonly readPending: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly markDelivered: Database.Statement;
  private readonly markError: Database.Statement;
  private readonly readPosition: Database.Statement;
  private readonly countPending: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly owner: string,
  ) {
    createSinkTables(db);
    this.insert = db.prepare('INSERT INTO sink_outbox(owner, batch, rows) VALUES (?, ?, ?)');
    this.bump = db.prepare('INSERT INTO sink_position(owner, staged, delivered, error) VALUES (?, 1, 0, NULL) ON CONFLICT(owner) DO UPDATE SET staged = staged + 1 RETURNING staged');
    this.readPending = db.prepare('SELECT batch, rows FROM sink_outbox WHERE owner = ? ORDER BY batch LIMIT ?');
    this.remove = db.prepare('DELETE FROM sink_outbox WHERE owner = ? AND batch <= ?');
    this.markDelivered = db.prepare('UPDATE sink_position SET delivered = MAX(delivered, ?), error = NULL WHERE owner = ?');
    this.markError = db.prepare('UPDATE sink_position SET error = ? WHERE owner = ?');
    this.readPosition = db.prepare('SELECT staged, delivered, error FROM sink_position WHERE owner = ?');
    this.countPending = db.prepare('SELECT COUNT(*) AS n FROM sink_outbox WHERE owner = ?');
  }

  /** Inside the batch transaction: the batch's rows under the next id. */
  stage(rows: readonly SinkRow[]): number {
    const { staged } = this.bump.get(this.owner) as { staged: number };
    const stored: StoredRow[] = rows.map((r) => [r.delete ? 1 : 0, r.values.map(toJsonValue)]);
    this.insert.run(this.owner, staged, JSON.stringify(stored));
    return staged;
  }

  /** The oldest staged batches, at most `limit`. */
  pending(limit: number): SinkBatch[] {
    return (this.readPending.all(this.owner, limit) as { batch: number; rows: string }[]).map((b) => ({
      id: b.batch,
      rows: (JSON.parse(b.rows) as StoredRow[]).map(([d, vs]) => ({ delete: d === 1, values: vs.map(fromJsonValue) })),
    }));
  }

  delivered(upTo: number): void {
    this.remove.run(this.owner, upTo);
    this.markDelivered.run(upTo, this.owner);
  }

  failed(message: string): void {
    this.markError.run(message, this.owner);
  }

  position(): SinkPosition {
    const p = this.readPosition.get(this.owner) as { staged: number; delivered: number; error: string | null } | undefined;
    const { n } = this.countPending.get(this.owner) as { n: number };
    return { staged: p?.staged ?? 0, delivered: p?.delivered ?? 0, pending: n, error: p?.error ?? null };
  }
}

function createSinkTables(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS sink_outbox (owner TEXT NOT NULL, batch INTEGER NOT NULL, rows TEXT NOT NULL, PRIMARY KEY (owner, batch)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS sink_position (owner TEXT PRIMARY KEY, staged INTEGER NOT NULL, delivered INTEGER NOT NULL, error TEXT)`);
}

/** TERMINATE: the query's staged batches and position go with it. */
export function dropSinkState(db: Database.Database, owner: string): void {
  createSinkTables(db);
  db.prepare('DELETE FROM sink_outbox WHERE owner = ?').run(owner);
  db.prepare('DELETE FROM sink_position WHERE owner = ?').run(owner);
}
