// The processing log: every record a query could not use, with where it came from and why.
// It is a built-in static table, so Eddy's own SQL reads it (SELECT * FROM PROCESSING_LOG),
// as does the library; the query that hit the record goes on.

import type Database from 'better-sqlite3';
import { T } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';
import { PROCESSING_LOG_TABLE } from './database.js';

export const PROCESSING_LOG_SOURCE: SourceDef = {
  name: 'PROCESSING_LOG',
  kind: 'TABLE',
  columns: [
    { name: 'ID', type: T.BIGINT, role: 'key' },
    { name: 'LOGGED_AT', type: T.TIMESTAMP, role: 'value' },
    { name: 'QUERY_ID', type: T.STRING, role: 'value' },
    { name: 'TOPIC', type: T.STRING, role: 'value' },
    { name: 'PARTITION', type: T.INTEGER, role: 'value' },
    { name: 'OFFSET', type: T.BIGINT, role: 'value' },
    { name: 'REASON', type: T.STRING, role: 'value' },
  ],
  partitions: 1,
  keyFormat: 'KAFKA',
  valueFormat: 'JSON',
  readOnly: true,
  sql: '(built-in)',
};

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
    db.exec(`CREATE TABLE IF NOT EXISTS "${PROCESSING_LOG_TABLE}" ("ID" INTEGER PRIMARY KEY, "LOGGED_AT" INTEGER, "QUERY_ID" TEXT, "TOPIC" TEXT, "PARTITION" INTEGER, "OFFSET" INTEGER, "REASON" TEXT)`);
    this.insert = db.prepare(`INSERT INTO "${PROCESSING_LOG_TABLE}"("LOGGED_AT", "QUERY_ID", "TOPIC", "PARTITION", "OFFSET", "REASON") VALUES (?, ?, ?, ?, ?, ?)`);
  }

  write(e: Omit<ProcessingLogEntry, 'loggedAt'>): void {
    this.insert.run(Date.now(), e.queryId, e.topic, e.partition, e.offset, e.reason);
  }

  recent(limit = 100): ProcessingLogEntry[] {
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
