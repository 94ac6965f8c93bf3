// The embedded schema registry: subjects, versions and ids in the data directory's SQLite file
// (or the in-memory database of an engine without one), so schemas survive a restart with the
// topics that use them.

import type Database from 'better-sqlite3';
import { canonicalSchema, compatible } from './compatibility.js';
import { SchemaRegistryError, type Compatibility, type RegistrySchema, type SchemaRegistry, type SchemaType, type SubjectVersion } from './schema-registry.js';

const LEVELS: readonly Compatibility[] = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FULL'];

interface VersionRow {
  subject: string;
  version: number;
  id: number;
  schema_type: SchemaType;
  schema: string;
}

export class SqliteSchemaRegistry implements SchemaRegistry {
  private readonly byIdCache = new Map<number, RegistrySchema>();

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS registry_schemas (id INTEGER PRIMARY KEY AUTOINCREMENT, schema_type TEXT NOT NULL, schema TEXT NOT NULL, UNIQUE (schema_type, schema));
      CREATE TABLE IF NOT EXISTS registry_versions (subject TEXT NOT NULL, version INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (subject, version)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS registry_config (subject TEXT PRIMARY KEY, compatibility TEXT NOT NULL);
    `);
  }

  register(subject: string, schema: RegistrySchema, opts: { readonly id?: number } = {}): number {
    const text = canonicalSchema(schema);
    const found = this.db.prepare('SELECT id FROM registry_schemas WHERE schema_type = ? AND schema = ?').get(schema.schemaType, text) as { id: number } | undefined;
    if (found) {
      const has = this.db.prepare('SELECT 1 FROM registry_versions WHERE subject = ? AND id = ?').get(subject, found.id);
      if (has) return found.id;
    }
    const earlier = this.versions(subject).map((v) => this.version(subject, v)!);
    if (!compatible(this.compatibility(subject), schema, earlier)) {
      throw new SchemaRegistryError(`Schema being registered is incompatible with an earlier schema for subject "${subject}"`, 409);
    }
    const tx = this.db.transaction(() => {
      const taken = opts.id !== undefined && this.byId(opts.id) !== undefined;
      if (taken && !found) throw new SchemaRegistryError(`Overwrite new schema with id ${opts.id} is not permitted.`, 42205);
      const id =
        found?.id ??
        Number(
          opts.id !== undefined
            ? this.db.prepare('INSERT INTO registry_schemas (id, schema_type, schema) VALUES (?, ?, ?)').run(opts.id, schema.schemaType, text).lastInsertRowid
            : this.db.prepare('INSERT INTO registry_schemas (schema_type, schema) VALUES (?, ?)').run(schema.schemaType, text).lastInsertRowid,
        );
      const next = (earlier.at(-1)?.version ?? 0) + 1;
      this.db.prepare('INSERT INTO registry_versions (subject, version, id) VALUES (?, ?, ?)').run(subject, next, id);
      return id;
    });
    return tx();
  }

  private row(sql: string, ...args: unknown[]): SubjectVersion | undefined {
    const r = this.db.prepare(`SELECT v.subject, v.version, v.id, s.schema_type, s.schema FROM registry_versions v JOIN registry_schemas s ON s.id = v.id ${sql}`).get(...args) as VersionRow | undefined;
    return r && { subject: r.subject, version: r.version, id: r.id, schemaType: r.schema_type, schema: r.schema };
  }

  latest(subject: string): SubjectVersion | undefined {
    return this.row('WHERE v.subject = ? ORDER BY v.version DESC LIMIT 1', subject);
  }

  version(subject: string, version: number): SubjectVersion | undefined {
    return this.row('WHERE v.subject = ? AND v.version = ?', subject, version);
  }

  byId(id: number): RegistrySchema | undefined {
    const hit = this.byIdCache.get(id);
    if (hit) return hit;
    const r = this.db.prepare('SELECT schema_type, schema FROM registry_schemas WHERE id = ?').get(id) as { schema_type: SchemaType; schema: string } | undefined;
    if (!r) return undefined;
    const s = { schemaType: r.schema_type, schema: r.schema };
    this.byIdCache.set(id, s);
    return s;
  }

  subjects(): string[] {
    return (this.db.prepare('SELECT DISTINCT subject FROM registry_versions ORDER BY subject').all() as { subject: string }[]).map((r) => r.subject);
  }

  versions(subject: string): number[] {
    return (this.db.prepare('SELECT version FROM registry_versions WHERE subject = ? ORDER BY version').all(subject) as { version: number }[]).map((r) => r.version);
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

  isCompatible(subject: string, schema: RegistrySchema): boolean {
    return compatible(this.compatibility(subject), schema, this.versions(subject).map((v) => this.version(subject, v)!));
  }
}
