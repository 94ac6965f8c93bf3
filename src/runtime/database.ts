// One SQLite database per Eddy data directory: the embedded log, the DDL command log, query
// state, source offsets, materialised tables and the processing log live side by side, so a
// batch's output, state and offsets commit in one transaction.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function openDatabase(dataDir: string | undefined): Database.Database {
  let db: Database.Database;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'eddy.db'));
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (SIGKILL); only power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    // State, pull-store and log B-trees reach tens of MiB; SQLite's default 2 MiB page cache
    // makes every batch's upserts re-read their pages from the OS. 16 MiB: more counts against memory.
    db.pragma('cache_size = -16384');
    // Checkpoints run beside the writer (Checkpointer), not in the commit that fills the WAL.
  } else {
    db = new Database(':memory:');
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS commands (seq INTEGER PRIMARY KEY, sql TEXT NOT NULL, query_id TEXT);
    CREATE TABLE IF NOT EXISTS state (owner TEXT NOT NULL, store TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (owner, store, k)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS offsets (owner TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (owner, topic, partition)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS materialized (source TEXT NOT NULL, k TEXT NOT NULL, cols TEXT NOT NULL, ts INTEGER NOT NULL, wstart INTEGER, wend INTEGER, st TEXT, st_owner TEXT, PRIMARY KEY (source, k)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  // Data directories from before windowed state moved into the pull store (runtime/pull-store.ts).
  const matCols = db.prepare("SELECT name FROM pragma_table_info('materialized')").pluck().all() as string[];
  if (!matCols.includes('st')) db.exec('ALTER TABLE materialized ADD COLUMN st TEXT; ALTER TABLE materialized ADD COLUMN st_owner TEXT;');
  return db;
}
