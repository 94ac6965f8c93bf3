// The processing log: every record a query could not use, with where it came from and why.
// It is a built-in static table, so Eddy's own SQL reads it (SELECT * FROM PROCESSING_LOG),
// as does the library; the query that hit the record goes on.

import type Database from 'better-sqlite3';
import { PROCESSING_LOG_TABLE } from './database.js';

// The built-in source's definition is the catalog's (planner/processing-log-source.ts).
export { PROCESSING_LOG_SOURCE } from '../planner/processing-log-source.js';

export interface ProcessingLogEntry {
  readonly loggedAt: number;
  readonly queryId: string | null;
  readonly topic: string | null;
  readonly partition: number | null;
  readonly offset: number | null;
  readonly reason: string;
}

/** Entries held in memory while the database refuses writes (disk full), oldest dropped first. */
const MAX_UNSAVED = 10_000;

export class ProcessingLog {
  private readonly insert: Database.Statement;
  private readonly unsaved: ProcessingLogEntry[] = [];

  constructor(private readonly db: Database.Database) {
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${PROCESSING_LOG_TABLE}" ("ID" INTEGER PRIMARY KEY, "LOGGED_AT" INTEGER, "QUERY_ID" TEXT, "TOPIC" TEXT, "PARTITION" INTEGER, "OFFSET" INTEGER, "REASON" TEXT)`,
    );
    this.insert = db.prepare(`INSERT INTO "${PROCESSING_LOG_TABLE}"("LOGGED_AT", "QUERY_ID", "TOPIC", "PARTITION", "OFFSET", "REASON") VALUES (?, ?, ?, ?, ?, ?)`);
  }

  /**
   * Inside a batch's transaction a failed write fails the batch (it rolls back and is retried);
   * outside one (reporting that failure) it must not throw: with the disk full the entry is kept
   * in memory, shown by `recent()`, and written once the database takes writes again.
   */
  write(e: Omit<ProcessingLogEntry, 'loggedAt'>): void {
    const entry = { loggedAt: Date.now(), ...e };
    if (this.unsaved.length && !this.db.inTransaction) this.saveUnsaved();
    try {
      this.save(entry);
    } catch (err) {
      if (this.db.inTransaction) throw err;
      this.keep(entry);
    }
  }

  private save(e: ProcessingLogEntry): void {
    this.insert.run(e.loggedAt, e.queryId, e.topic, e.partition, e.offset, e.reason);
  }

  private keep(e: ProcessingLogEntry): void {
    if (this.unsaved.length >= MAX_UNSAVED) this.unsaved.shift();
    this.unsaved.push(e);
  }

  private saveUnsaved(): void {
    while (this.unsaved.length) {
      try {
        this.save(this.unsaved[0]!);
      } catch {
        return;
      }
      this.unsaved.shift();
    }
  }

  recent(limit = 100): ProcessingLogEntry[] {
    const held = this.unsaved.slice(-limit).reverse();
    return held.concat(this.saved(limit - held.length));
  }

  private saved(limit: number): ProcessingLogEntry[] {
    return (this.db.prepare(`SELECT * FROM "${PROCESSING_LOG_TABLE}" ORDER BY "ID" DESC LIMIT ?`).all(limit) as Record<string, unknown>[]).map((r) => ({
      loggedAt: r.LOGGED_AT as number,
      queryId: r.QUERY_ID as string | null,
      topic: r.TOPIC as string | null,
      partition: r.PARTITION as number | null,
      offset: r.OFFSET as number | null,
      reason: r.REASON as string,
    }));
  }
}
