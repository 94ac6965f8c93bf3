// The embedded schema registry: subjects, versions and ids in the data directory's SQLite file
// (or the in-memory database of an engine without one), so schemas survive a restart with the
// topics that use them.

import type Database from 'better-sqlite3';
import { canonicalSchema, compatible } from './compatibility.js';
import { SchemaRegistryError, type Compatibility, type RegistrySchema, type SchemaRegistry, type SchemaReference, type SchemaType, type SubjectVersion } from './schema-registry.js';

const LEVELS: readonly Compatibility[] = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FULL'];

interface VersionRow {
  subject: string;
  version: number;
  id: number;
  schema_type: SchemaType;
  schema: string;
  refs: string | null;
}

/** A stored schema, its references (JSON text in `refs`) included when it has any. */
function stored(schemaType: SchemaType, schema: string, refs: string | null): RegistrySchema {
  return refs ? { schemaType, schema, references: JSON.parse(refs) as SchemaReference[] } : { schemaType, schema };
}

export class SqliteSchemaRegistry implements SchemaRegistry {
  private readonly byIdCache = new Map<number, RegistrySchema>();

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS registry_schemas (id INTEGER PRIMARY KEY AUTOINCREMENT, schema_type TEXT NOT NULL, schema TEXT NOT NULL, UNIQUE (schema_type, schema));
      CREATE TABLE IF NOT EXISTS registry_versions (subject TEXT NOT NULL, version INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (subject, version)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS registry_config (subject TEXT PRIMARY KEY, compatibility TEXT NOT NULL);
    `);
    // Data directories from before DELETE: every version is live.
    const cols = db.prepare('PRAGMA table_info(registry_versions)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'deleted')) db.exec('ALTER TABLE registry_versions ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0');
    // Data directories from before schema references: no schema has any.
    const schemaCols = db.prepare('PRAGMA table_info(registry_schemas)').all() as { name: string }[];
    if (!schemaCols.some((c) => c.name === 'refs')) db.exec('ALTER TABLE registry_schemas ADD COLUMN refs TEXT');
  }

  register(subject: string, schema: RegistrySchema, opts: { readonly id?: number } = {}): number {
    const text = canonicalSchema(schema);
    const found = this.db.prepare('SELECT id FROM registry_schemas WHERE schema_type = ? AND schema = ?').get(schema.schemaType, text) as { id: number } | undefined;
    if (found) {
      const has = this.db.prepare('SELECT 1 FROM registry_versions WHERE subject = ? AND id = ? AND deleted = 0').get(subject, found.id);
      if (has) return found.id;
    }
    const earlier = this.versions(subject).map((v) => this.version(subject, v)!);
    if (!compatible(this.compatibility(subject), schema, earlier)) {
      throw new SchemaRegistryError(`Schema being registered is incompatible with an earlier schema for subject "${subject}"`, 409);
    }
    const refs = schema.references?.length ? JSON.stringify(schema.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }))) : null;
    const tx = this.db.transaction(() => {
      const taken = opts.id !== undefined && this.byId(opts.id) !== undefined;
      if (taken && !found) throw new SchemaRegistryError(`Overwrite new schema with id ${opts.id} is not permitted.`, 42205);
      const id =
        found?.id ??
        Number(
          opts.id !== undefined
            ? this.db.prepare('INSERT INTO registry_schemas (id, schema_type, schema, refs) VALUES (?, ?, ?, ?)').run(opts.id, schema.schemaType, text, refs).lastInsertRowid
            : this.db.prepare('INSERT INTO registry_schemas (schema_type, schema, refs) VALUES (?, ?, ?)').run(schema.schemaType, text, refs).lastInsertRowid,
        );
      // Numbers of soft-deleted versions are not given again.
      const next = ((this.db.prepare('SELECT MAX(version) FROM registry_versions WHERE subject = ?').pluck().get(subject) as number | null) ?? 0) + 1;
      this.db.prepare('INSERT INTO registry_versions (subject, version, id) VALUES (?, ?, ?)').run(subject, next, id);
      return id;
    });
    return tx();
  }

  private row(sql: string, ...args: unknown[]): SubjectVersion | undefined {
    const r = this.db
      .prepare(`SELECT v.subject, v.version, v.id, s.schema_type, s.schema, s.refs FROM registry_versions v JOIN registry_schemas s ON s.id = v.id WHERE v.deleted = 0 AND ${sql}`)
      .get(...args) as VersionRow | undefined;
    return r && { subject: r.subject, version: r.version, id: r.id, ...stored(r.schema_type, r.schema, r.refs) };
  }

  latest(subject: string): SubjectVersion | undefined {
    return this.row('v.subject = ? ORDER BY v.version DESC LIMIT 1', subject);
  }

  version(subject: string, version: number): SubjectVersion | undefined {
    return this.row('v.subject = ? AND v.version = ?', subject, version);
  }

  byId(id: number): RegistrySchema | undefined {
    const hit = this.byIdCache.get(id);
    if (hit) return hit;
    const r = this.db.prepare('SELECT schema_type, schema, refs FROM registry_schemas WHERE id = ?').get(id) as { schema_type: SchemaType; schema: string; refs: string | null } | undefined;
    if (!r) return undefined;
    const s = stored(r.schema_type, r.schema, r.refs);
    this.byIdCache.set(id, s);
    return s;
  }

  subjects(): string[] {
    return (this.db.prepare('SELECT DISTINCT subject FROM registry_versions WHERE deleted = 0 ORDER BY subject').all() as { subject: string }[]).map((r) => r.subject);
  }

  versions(subject: string): number[] {
    return (this.db.prepare('SELECT version FROM registry_versions WHERE subject = ? AND deleted = 0 ORDER BY version').all(subject) as { version: number }[]).map((r) => r.version);
  }

  compatibility(subject?: string): Compatibility {
    return (subject !== undefined ? this.configured(subject) : undefined) ?? this.configured('') ?? 'BACKWARD';
  }

  subjectCompatibility(subject: string): Compatibility | undefined {
    return subject === '' ? undefined : this.configured(subject);
  }

  private configured(subject: string): Compatibility | undefined {
    return (this.db.prepare('SELECT compatibility FROM registry_config WHERE subject = ?').get(subject) as { compatibility: Compatibility } | undefined)?.compatibility;
  }

  setCompatibility(level: Compatibility, subject?: string): void {
    if (!LEVELS.includes(level)) throw new SchemaRegistryError(`Invalid compatibility level: ${level}. Valid values are ${LEVELS.join(', ')}`, 42203);
    this.db.prepare('INSERT INTO registry_config (subject, compatibility) VALUES (?, ?) ON CONFLICT(subject) DO UPDATE SET compatibility = excluded.compatibility').run(subject ?? '', level);
  }

  deleteSubject(subject: string, permanent: boolean): number[] {
    const rows = this.db.prepare('SELECT version, deleted FROM registry_versions WHERE subject = ? ORDER BY version').all(subject) as { version: number; deleted: number }[];
    if (rows.length === 0 || (!permanent && rows.every((r) => r.deleted))) throw new SchemaRegistryError(`Subject '${subject}' not found.`, 40401);
    if (permanent && rows.some((r) => !r.deleted)) throw new SchemaRegistryError(`Subject '${subject}' was not deleted first before being permanently deleted`, 40405);
    return this.db.transaction(() => {
      const versions = rows.filter((r) => permanent || !r.deleted).map((r) => r.version);
      for (const v of versions) this.dropVersion(subject, v, permanent);
      if (permanent) this.db.prepare('DELETE FROM registry_config WHERE subject = ?').run(subject);
      return versions;
    })();
  }

  deleteVersion(subject: string, version: number, permanent: boolean): number {
    const rows = this.db.prepare('SELECT version, deleted FROM registry_versions WHERE subject = ?').all(subject) as { version: number; deleted: number }[];
    if (rows.length === 0 || rows.every((r) => r.deleted && !permanent)) throw new SchemaRegistryError(`Subject '${subject}' not found.`, 40401);
    const row = rows.find((r) => r.version === version);
    if (!row || (row.deleted && !permanent)) throw new SchemaRegistryError(`Version ${version} not found.`, 40402);
    if (permanent && !row.deleted) throw new SchemaRegistryError(`Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`, 40407);
    this.db.transaction(() => this.dropVersion(subject, version, permanent))();
    return version;
  }

  /** Soft: mark it. Permanent: remove it, and its schema when no other version has that id. */
  private dropVersion(subject: string, version: number, permanent: boolean): void {
    if (!permanent) {
      this.db.prepare('UPDATE registry_versions SET deleted = 1 WHERE subject = ? AND version = ?').run(subject, version);
      return;
    }
    const id = this.db.prepare('SELECT id FROM registry_versions WHERE subject = ? AND version = ?').pluck().get(subject, version) as number;
    this.db.prepare('DELETE FROM registry_versions WHERE subject = ? AND version = ?').run(subject, version);
    if (!this.db.prepare('SELECT 1 FROM registry_versions WHERE id = ?').get(id)) {
      this.db.prepare('DELETE FROM registry_schemas WHERE id = ?').run(id);
      this.byIdCache.delete(id);
    }
  }

  isCompatible(subject: string, schema: RegistrySchema): boolean {
    return compatible(
      this.compatibility(subject),
      schema,
      this.versions(subject).map((v) => this.version(subject, v)!),
    );
  }
}
