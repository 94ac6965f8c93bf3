// The embedded registry's tables in a data directory written before DELETE existed: opened by
// this version, its versions are live and can be deleted.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSchemaRegistry } from '../../src/runtime/registry/sqlite-registry.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SqliteSchemaRegistry', () => {
  it('opens the tables of an older data directory (no deleted column) and deletes from them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-reg-'));
    dirs.push(dir);
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE registry_schemas (id INTEGER PRIMARY KEY AUTOINCREMENT, schema_type TEXT NOT NULL, schema TEXT NOT NULL, UNIQUE (schema_type, schema));
      CREATE TABLE registry_versions (subject TEXT NOT NULL, version INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (subject, version)) WITHOUT ROWID;
      CREATE TABLE registry_config (subject TEXT PRIMARY KEY, compatibility TEXT NOT NULL);
      INSERT INTO registry_schemas (schema_type, schema) VALUES ('AVRO', '"string"');
      INSERT INTO registry_versions VALUES ('t-value', 1, 1);
    `);
    old.close();
    const db = new Database(file);
    try {
      const reg = new SqliteSchemaRegistry(db);
      expect(reg.latest('t-value')).toEqual({ subject: 't-value', version: 1, id: 1, schemaType: 'AVRO', schema: '"string"' });
      expect(reg.register('t-value', { schemaType: 'AVRO', schema: '"string"' })).toBe(1);
      expect(reg.deleteSubject('t-value', false)).toEqual([1]);
      expect(reg.subjects()).toEqual([]);
      expect(reg.byId(1)).toEqual({ schemaType: 'AVRO', schema: '"string"' });
      // Opening again keeps what was deleted deleted.
      expect(new SqliteSchemaRegistry(db).versions('t-value')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
