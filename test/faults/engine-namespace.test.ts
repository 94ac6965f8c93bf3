// The engine's own tables are out of users' reach: whatever a user names a static table — in any
// case, quoted or not, after an engine table — it is a table of its own, and the engine's
// storage (the processing log above all) is untouched across drops and restarts. Also: a data
// directory of the previous layout is migrated in place (PRAGMA user_version).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/runtime/database.js';
import { Eddy } from '../../src/runtime/engine.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-ns-'));
  dirs.push(d);
  return d;
}

const rowsOf = (eddy: Eddy, sql: string) => {
  const r = eddy.execute(sql)[0]!;
  return r.kind === 'rows' ? r.rows : [];
};

// Engine table names, and names that differ only in case.
const NAMES = [
  '"processing_log"',
  '"PROCESSING_log"',
  '"commands"',
  '"state"',
  '"offsets"',
  '"log"',
  '"topics"',
  '"settings"',
  '"materialized"',
  '"kafka_outbox"',
  'users',
  '"users"',
  '"Users"',
  '"u^sers"',
  '"sqlite_master"',
];

describe("the engine's storage is out of users' reach", () => {
  it('a static table named like an engine table, or like another in another case, is its own table; dropping it harms nothing', () => {
    const dir = tempDir();
    let eddy = Eddy.open({ dataDir: dir, autoStart: false });
    eddy.state.processingLog.write({ queryId: 'Q', topic: null, partition: null, offset: null, reason: 'before' });
    NAMES.forEach((n, i) => eddy.execute(`CREATE TABLE ${n} (ID INT PRIMARY KEY, V STRING); INSERT INTO ${n} (ID, V) VALUES (${i}, 'row of ${n.replace(/'/g, "''")}');`));
    for (const [i, n] of NAMES.entries()) expect(rowsOf(eddy, `SELECT * FROM ${n};`)).toEqual([[i, `row of ${n}`]]);
    expect(() => eddy.execute('DROP TABLE PROCESSING_LOG;')).toThrow(/processing log/);
    eddy.close();

    eddy = Eddy.open({ dataDir: dir, autoStart: false });
    for (const [i, n] of NAMES.entries()) expect(rowsOf(eddy, `SELECT * FROM ${n};`)).toEqual([[i, `row of ${n}`]]);
    for (const n of NAMES) eddy.execute(`DROP TABLE ${n};`);
    eddy.state.processingLog.write({ queryId: 'Q', topic: null, partition: null, offset: null, reason: 'after' });
    eddy.close();

    eddy = Eddy.open({ dataDir: dir, autoStart: false });
    expect(eddy.processingLog().map((e) => e.reason)).toEqual(['after', 'before']);
    expect(rowsOf(eddy, 'SELECT REASON FROM PROCESSING_LOG;').map((r) => r[0])).toEqual(['before', 'after']);
    eddy.execute("CREATE STREAM S (V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.close();
  });

  it('migrates a data directory of the previous layout', () => {
    const dir = tempDir();
    let eddy = Eddy.open({ dataDir: dir, autoStart: false });
    eddy.execute(`CREATE TABLE "Users" (ID INT PRIMARY KEY, V STRING); CREATE TABLE ORDERS (ID INT PRIMARY KEY, V STRING);`);
    eddy.state.processingLog.write({ queryId: 'Q', topic: null, partition: null, offset: null, reason: 'old entry' });
    eddy.close();
    // The previous layout: user_version 0, user tables as static_<name>, the processing log among them.
    const db = new Database(join(dir, 'eddy.db'));
    db.exec(`ALTER TABLE "static_U^s^e^r^s" RENAME TO "static_Users"; ALTER TABLE processing_log RENAME TO "static_PROCESSING_LOG";
      INSERT INTO "static_Users" VALUES (1, 'ada'); INSERT INTO "static_ORDERS" VALUES (2, 'book'); PRAGMA user_version = 0;`);
    db.close();

    eddy = Eddy.open({ dataDir: dir, autoStart: false });
    expect(rowsOf(eddy, 'SELECT * FROM "Users";')).toEqual([[1, 'ada']]);
    expect(rowsOf(eddy, 'SELECT * FROM ORDERS;')).toEqual([[2, 'book']]);
    expect(eddy.processingLog().map((e) => e.reason)).toEqual(['old entry']);
    expect(eddy.state.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    eddy.close();
  });
});
