// One SQLite database per Eddy data directory: the embedded log, the DDL command log, query
// state, source offsets, materialised tables and the processing log live side by side, so a
// batch's output, state and offsets commit in one transaction.
//
// The schema is versioned (PRAGMA user_version) and brought up to date by the ordered migrations
// below, each run once, in one transaction, when a data directory is opened.
//
// Namespaces: every table a user names (a static table) is `static_<name>`, spelled by
// userTableName so that no two user names — and no engine table — meet in SQLite's
// case-insensitive table names; engine tables never start with `static_`.

import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const USER_PREFIX = 'static_';

/** The engine's processing log (a built-in static table, but engine storage). */
export const PROCESSING_LOG_TABLE = 'processing_log';

/**
 * The SQLite table name of a user's static table. SQLite folds ASCII case in table names, so a
 * lower-case letter is written `^` + its upper case (and `^` as `^^`): `Users` → `static_U^s^e^r^s`.
 * Unquoted names (upper case) keep their spelling.
 */
export function userTableName(name: string): string {
  return USER_PREFIX + name.replace(/[a-z^]/g, (c) => (c === '^' ? '^^' : `^${c.toUpperCase()}`));
}

/** Ordered: migration i brings a database from user_version i to i + 1. */
const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [
  (db) => {
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
  },
  (db) => {
    // The processing log leaves the user namespace; user tables get their case-proof spelling.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'static\\_%' ESCAPE '\\'").pluck().all() as string[];
    for (const t of tables) {
      const target = t === 'static_PROCESSING_LOG' ? PROCESSING_LOG_TABLE : userTableName(t.slice(USER_PREFIX.length));
      if (target !== t) db.exec(`ALTER TABLE ${quote(t)} RENAME TO ${quote(target)}`);
    }
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${db.name}: schema version ${version} is newer than this Eddy's (${SCHEMA_VERSION}); use a newer Eddy.`);
    for (let v = version; v < SCHEMA_VERSION; v++) MIGRATIONS[v]!(db);
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** The data directory's database is not one Eddy can trust: truncated, not SQLite, or with damaged pages. */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} is damaged: ${reason}. Eddy will not open it as it is; restore it from a backup, or move it away to start afresh.`);
    this.name = 'DatabaseDamagedError';
  }
}

/** Refuse a database that SQLite would open silently as empty or serve wrong pages from. */
function checkIntact(path: string, open: () => Database.Database): Database.Database {
  // SQLite takes a zero-length file for a new, empty database: here it is a truncated one.
  if (existsSync(path) && statSync(path).size === 0) throw new DatabaseDamagedError(path, 'the file is empty (0 bytes)');
  let db: Database.Database | undefined;
  try {
    db = open();
    // Reads every page once (about a second per GB): damage is found at start, not mid-batch.
    const problems = db.pragma('quick_check(3)', { simple: false }) as { quick_check: string }[];
    if (problems[0]?.quick_check !== 'ok') throw new DatabaseDamagedError(path, problems.map((p) => p.quick_check).join('; '));
    return db;
  } catch (e) {
    db?.close();
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') throw new DatabaseDamagedError(path, (e as Error).message);
    throw e;
  }
}

export function openDatabase(dataDir: string | undefined): Database.Database {
  let db: Database.Database;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'eddy.db');
    db = checkIntact(path, () => {
      const d = new Database(path);
      d.pragma('journal_mode = WAL');
      return d;
    });
    // NORMAL in WAL mode survives a process crash (SIGKILL); only power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    // State, pull-store and log B-trees reach tens of MiB; SQLite's default 2 MiB page cache
    // makes every batch's upserts re-read their pages from the OS. 16 MiB: more counts against memory.
    db.pragma('cache_size = -16384');
    // Checkpoints run beside the writer (Checkpointer), not in the commit that fills the WAL.
  } else {
    db = new Database(':memory:');
  }
  migrate(db);
  return db;
}
