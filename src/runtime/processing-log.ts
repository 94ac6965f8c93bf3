// The processing log: every record a query could not use, with where it came from and why.
// Readable through SQL (SELECT * FROM processing_log in SQLite; `SHOW PROCESSING LOG` planned)
// and the library; the query that hit the record goes on.

import type Database from 'better-sqlite3';

export interface ProcessingLogEntry {
  readonly loggedAt: number;
  readonly queryId: string | null;
  readonly topic: string | null;
  readonly partition: number | null;
  readonly offset: number | null;
  readonly reason: string;
}

export class ProcessingLog {
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO processing_log(logged_at, query_id, topic, partition, "offset", reason) VALUES (?, ?, ?, ?, ?, ?)');
  }

  write(e: Omit<ProcessingLogEntry, 'loggedAt'>): void {
    this.insert.run(Date.now(), e.queryId, e.topic, e.partition, e.offset, e.reason);
  }

  recent(limit = 100): ProcessingLogEntry[] {
    return (this.db.prepare('SELECT logged_at, query_id, topic, partition, "offset", reason FROM processing_log ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map((r) => ({
      loggedAt: r.logged_at as number,
      queryId: r.query_id as string | null,
      topic: r.topic as string | null,
      partition: r.partition as number | null,
      offset: r.offset as number | null,
      reason: r.reason as string,
    }));
  }
}
