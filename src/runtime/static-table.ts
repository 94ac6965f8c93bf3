// Static tables: plain SQLite tables in the user namespace (`static_<name>`, database.ts), kept by INSERT/UPDATE/DELETE and COPY,
// and joined by streams through a primary-key lookup. Simple columns map to SQLite's own types
// so the tables stay readable with any SQLite tool; nested values are stored as tagged JSON.

import type Database from 'better-sqlite3';
import type { SqlType } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';
import { Decimal, type Value } from '../planner/values.js';
import { fromJsonValue, toJsonValue } from '../planner/value-json.js';
import { longOf } from '../planner/long.js';
import { missingKeyColumns, missingKeyMessage } from '../planner/plan-dml.js';
import { PROCESSING_LOG_TABLE, userTableName } from './database.js';
import { PROCESSING_LOG_SOURCE } from './processing-log.js';
import { sqliteAffinity } from './sqlite-affinity.js';

/** The table holding a static table's rows: the user namespace, or the engine's for the built-in processing log. */
export function staticTableName(def: SourceDef): string {
  return quote(def.name === PROCESSING_LOG_SOURCE.name && def.sql === PROCESSING_LOG_SOURCE.sql ? PROCESSING_LOG_TABLE : userTableName(def.name));
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const sqliteType = (t: SqlType): string => sqliteAffinity(t, 'INTEGER');

export function toSqlite(v: Value, t: SqlType): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      return v ? 1 : 0;
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return JSON.stringify(toJsonValue(v));
    case 'BYTES':
      return Buffer.from(v as Uint8Array);
    default:
      return v;
  }
}

export function fromSqlite(v: unknown, t: SqlType): Value {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      return v === 1 || v === 1n;
    case 'DECIMAL':
      return Decimal.parse(String(v)).rescale(t.scale);
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return fromJsonValue(JSON.parse(String(v)));
    case 'BIGINT':
      // Rows are read with safeIntegers: a BIGINT past 2^53 comes back exact.
      return typeof v === 'bigint' ? longOf(v) : Number(v);
    case 'INTEGER':
    case 'DOUBLE':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return Number(v);
    default:
      return v as Value;
  }
}

export function createStaticTable(db: Database.Database, def: SourceDef): void {
  // NOT NULL on the key: SQLite's PRIMARY KEY allows NULL, and on one INTEGER column would invent a rowid for it.
  const cols = def.columns.map((c) => `${quote(c.name)} ${sqliteType(c.type)}${c.role === 'key' ? ' NOT NULL' : ''}`);
  const keys = def.columns.filter((c) => c.role === 'key').map((c) => quote(c.name));
  db.exec(`CREATE TABLE IF NOT EXISTS ${staticTableName(def)} (${cols.join(', ')}${keys.length ? `, PRIMARY KEY (${keys.join(', ')})` : ''})`);
}

export function dropStaticTable(db: Database.Database, def: SourceDef): void {
  db.exec(`DROP TABLE IF EXISTS ${staticTableName(def)}`);
}

/** Insert or replace rows (values in column order); a row without its whole primary key is refused. */
export function upsertStaticRows(db: Database.Database, def: SourceDef, rows: readonly Value[][]): void {
  for (const r of rows) {
    const missing = missingKeyColumns(def, r);
    if (missing.length) throw new Error(missingKeyMessage(def, missing));
  }
  const stmt = db.prepare(`INSERT OR REPLACE INTO ${staticTableName(def)} VALUES (${def.columns.map(() => '?').join(', ')})`);
  db.transaction(() => {
    for (const r of rows) stmt.run(...def.columns.map((c, i) => toSqlite(r[i] ?? null, c.type)));
  })();
}

export function readStaticRows(db: Database.Database, def: SourceDef): Value[][] {
  const rows = db
    .prepare(`SELECT * FROM ${staticTableName(def)}`)
    .raw()
    .safeIntegers()
    .all() as unknown[][];
  return rows.map((r) => r.map((v, i) => fromSqlite(v, def.columns[i]!.type)));
}

/** Rows per page of readStaticRowPages. */
const STATIC_PAGE_ROWS = 1000;

/**
 * A static table's rows, a page at a time, so that a pull query over it holds one page and not the
 * whole table. Each page's statement runs to its end before its rows are handed out: no SQLite
 * statement stays open while the caller waits (a server's pull yields between slices, and other
 * clients' writes run meanwhile). Paged by primary key — a row replaced meanwhile (INSERT OR
 * REPLACE gives it a new rowid) is still seen once — or, without one, by rowid.
 */
export function* readStaticRowPages(db: Database.Database, def: SourceDef, pageRows = STATIC_PAGE_ROWS): Generator<Value[]> {
  const keyAt = def.columns.flatMap((c, i) => (c.role === 'key' ? [i] : []));
  const taken = new Set(def.columns.map((c) => c.name.toLowerCase()));
  // A user column may be called ROWID: then one of SQLite's other names for the rowid is used.
  const rowid = keyAt.length ? undefined : ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n));
  if (!keyAt.length && !rowid) {
    yield* readStaticRows(db, def);
    return;
  }
  const order = rowid ?? keyAt.map((i) => quote(def.columns[i]!.name)).join(', ');
  const select = `SELECT ${rowid ? `${rowid}, ` : ''}* FROM ${staticTableName(def)}`;
  const cursorOf = (row: unknown[]): unknown[] => (rowid ? [row[0]] : keyAt.map((i) => row[i]));
  // Exact integers for the cursor: a key past 2^53 read as a double would skip or repeat rows.
  const first = db.prepare(`${select} ORDER BY ${order} LIMIT ${pageRows}`).raw().safeIntegers(true);
  const next = db
    .prepare(`${select} WHERE (${order}) > (${(rowid ? [0] : keyAt).map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ${pageRows}`)
    .raw()
    .safeIntegers(true);
  for (let page = first.all() as unknown[][]; page.length; page = next.all(...cursorOf(page[page.length - 1]!)) as unknown[][]) {
    const done = page.length < pageRows;
    for (const raw of page) {
      const r = rowid ? raw.slice(1) : raw;
      yield r.map((v, i) => fromSqlite(v, def.columns[i]!.type));
    }
    if (done) return;
  }
}

/** The row of one primary key (none or one), read through the primary-key index. */
export function readStaticRowByKey(db: Database.Database, def: SourceDef, key: readonly Value[]): Value[][] {
  const keyCols = def.columns.filter((c) => c.role === 'key');
  const where = keyCols.map((c) => `${quote(c.name)} = ?`).join(' AND ');
  const rows = db
    .prepare(`SELECT * FROM ${staticTableName(def)} WHERE ${where}`)
    .raw()
    .safeIntegers()
    .all(...keyCols.map((c, i) => toSqlite(key[i] ?? null, c.type))) as unknown[][];
  return rows.map((r) => r.map((v, i) => fromSqlite(v, def.columns[i]!.type)));
}

export function deleteStaticRows(db: Database.Database, def: SourceDef, keys: readonly Value[][]): void {
  const keyCols = def.columns.filter((c) => c.role === 'key');
  const stmt = db.prepare(`DELETE FROM ${staticTableName(def)} WHERE ${keyCols.map((c) => `${quote(c.name)} = ?`).join(' AND ')}`);
  db.transaction(() => {
    for (const k of keys) stmt.run(...keyCols.map((c, i) => toSqlite(k[i] ?? null, c.type)));
  })();
}

/**
 * The stream–static join as the design has it: the batch's join keys are registered as a SQLite
 * temp table (`temp.batch_<stream>`) and joined with the static table in one SQL statement.
 * Returns the static row matched by each key, in input order (undefined where none matched).
 * One temp table per stream name is reused: a join runs synchronously inside its batch.
 */
export function staticBatchJoin(db: Database.Database, def: SourceDef, stream: string): (keys: readonly Value[]) => (Value[] | undefined)[] {
  const keyCol = def.columns.find((c) => c.role === 'key')!;
  const batchTable = `temp.${quote(`batch_${stream.toLowerCase()}`)}`;
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${quote(`batch_${stream.toLowerCase()}`)} (seq INTEGER PRIMARY KEY, k)`);
  const clear = db.prepare(`DELETE FROM ${batchTable}`);
  const register = db.prepare(`INSERT INTO ${batchTable} (seq, k) VALUES (?, ?)`);
  // The matched flag tells a static row whose columns are all NULL from no match at all: a matched
  // row's key equals b.k, so it is not NULL (not s.rowid: a user column may be named ROWID).
  const join = db
    .prepare(`SELECT b.seq, s.${quote(keyCol.name)} IS NOT NULL, s.* FROM ${batchTable} b LEFT JOIN ${staticTableName(def)} s ON s.${quote(keyCol.name)} = b.k ORDER BY b.seq`)
    .raw()
    .safeIntegers();
  const run = db.transaction((keys: readonly Value[]) => {
    clear.run();
    for (let i = 0; i < keys.length; i++) register.run(i, toSqlite(keys[i] ?? null, keyCol.type));
    const out: (Value[] | undefined)[] = new Array<Value[] | undefined>(keys.length);
    for (const row of join.all() as unknown[][]) {
      if (!row[1]) continue;
      out[Number(row[0])] = row.slice(2).map((v, i) => fromSqlite(v, def.columns[i]!.type));
    }
    clear.run();
    return out;
  });
  return (keys) => (keys.length ? run(keys) : []);
}
