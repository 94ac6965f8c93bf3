// pg_catalog and information_schema as tables a client's query runs over, filled from Eddy's
// catalog: an in-memory SQLite database (better-sqlite3, already Eddy's store) with the two schemas
// attached, whose rows are rewritten from Eddy.sources() before each query, so a stream or table
// created or dropped shows in the next answer. The query itself is the client's, turned into
// SQLite's dialect (pg-sql-dialect.ts) and run as written: psql's \dt, \d, \d name, \l, \dn, \du,
// a driver's or a BI tool's own SELECTs over pg_class, pg_attribute, pg_namespace,
// information_schema.tables and .columns…
//
// Eddy's streams and tables are all relkind 'r' (PostgreSQL has no kind for a stream) in schema
// public; which one each is goes in its description (obj_description, psql's \dt+). Each has an oid
// of its own for the life of the server. A column's type is its PostgreSQL type OID and typmod
// (what its values are described with, types.ts), and format_type of it gives Eddy's own name.
// Names are matched by `~` case-insensitively, as Eddy's identifiers are.

import Database from 'better-sqlite3';
import { formatType } from '../../parser/sql-type.js';
import type { ColumnDef, SourceDef } from '../../planner/catalog.js';
import type { Value } from '../../planner/values.js';
import type { ColumnHeader, Eddy } from '../../engine-api.js';
import { pgTypeOf, PG_TYPES } from './catalog-columns.js';
import { toSqlite } from './pg-sql-dialect.js';

export interface CatalogSession {
  readonly user: string;
  readonly database: string;
}

export type CatalogRows = { readonly kind: 'rows'; readonly columns: readonly ColumnHeader[]; readonly rows: readonly Value[][] };

const PUBLIC = 2200;
const PG_CATALOG = 11;
const INFORMATION_SCHEMA = 13183;
const USER_OID = 10;
const DATABASE_OID = 16383;

/** Tables and their columns (`name type`; type `bool` columns read back as t/f). */
const TABLES: Record<string, string> = {
  'pg_catalog.pg_namespace': 'oid int, nspname text, nspowner int, nspacl text',
  'pg_catalog.pg_class':
    'oid int, relname text, relnamespace int, reltype int, relowner int, relam int, relkind text, relpersistence text, relreplident text, relchecks int, relhasindex bool, relhasrules bool, relhastriggers bool, relrowsecurity bool, relforcerowsecurity bool, relispartition bool, reloptions text, reltablespace int, reloftype int, reltoastrelid int, relnatts int, relpartbound text, relacl text',
  'pg_catalog.pg_attribute':
    'attrelid int, attname text, atttypid int, atttypmod int, attlen int, attnum int, attnotnull bool, atthasdef bool, attisdropped bool, attidentity text, attgenerated text, attstorage text, attcompression text, attstattarget int, attcollation int',
  'pg_catalog.pg_type':
    'oid int, typname text, typnamespace int, typlen int, typtype text, typarray int, typelem int, typrelid int, typbasetype int, typtypmod int, typdelim text, typcollation int, typnotnull bool',
  'pg_catalog.pg_attrdef': 'oid int, adrelid int, adnum int, adbin text',
  'pg_catalog.pg_description': 'objoid int, classoid int, objsubid int, description text',
  'pg_catalog.pg_am': 'oid int, amname text, amtype text',
  'pg_catalog.pg_database':
    'oid int, datname text, datdba int, encoding int, datcollate text, datctype text, daticulocale text, datlocprovider text, datistemplate bool, datallowconn bool, datacl text',
  'pg_catalog.pg_roles':
    'oid int, rolname text, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcanlogin bool, rolreplication bool, rolbypassrls bool, rolconnlimit int, rolvaliduntil text',
  'pg_catalog.pg_user': 'usename text, usesysid int, usecreatedb bool, usesuper bool',
  'pg_catalog.pg_auth_members': 'roleid int, member int, grantor int',
  'pg_catalog.pg_index': 'indexrelid int, indrelid int, indisprimary bool, indisunique bool, indkey text',
  'pg_catalog.pg_constraint': 'oid int, conname text, conrelid int, contype text, conkey text',
  'pg_catalog.pg_inherits': 'inhrelid int, inhparent int, inhseqno int, inhdetachpending bool',
  'pg_catalog.pg_policy': 'polname text, polrelid int, polpermissive bool, polroles text, polqual text, polwithcheck text, polcmd text',
  'pg_catalog.pg_trigger': 'oid int, tgrelid int, tgname text',
  'pg_catalog.pg_rewrite': 'oid int, ev_class int, rulename text',
  'pg_catalog.pg_proc': 'oid int, proname text, pronamespace int, prokind text',
  'pg_catalog.pg_extension': 'oid int, extname text, extversion text, extnamespace int',
  'pg_catalog.pg_tablespace': 'oid int, spcname text',
  'pg_catalog.pg_collation': 'oid int, collname text',
  'pg_catalog.pg_settings': 'name text, setting text',
  'information_schema.schemata': 'catalog_name text, schema_name text, schema_owner text',
  'information_schema.tables': 'table_catalog text, table_schema text, table_name text, table_type text, is_insertable_into text',
  'information_schema.columns':
    'table_catalog text, table_schema text, table_name text, column_name text, ordinal_position int, column_default text, is_nullable text, data_type text, udt_name text, numeric_precision int, numeric_scale int',
};

/** Oids Eddy's sources keep for the server's life, per engine: a name seen again gets its oid again. */
const OIDS = new WeakMap<Eddy, { next: number; byName: Map<string, number> }>();

/** Eddy's sources in name order, each with its oid. */
export function relationOids(eddy: Eddy): { oid: number; def: SourceDef }[] {
  let o = OIDS.get(eddy);
  if (!o) OIDS.set(eddy, (o = { next: 16384, byName: new Map() }));
  const ids = o;
  return eddy
    .sources()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((def) => {
      let oid = ids.byName.get(def.name);
      if (oid === undefined) ids.byName.set(def.name, (oid = ids.next++));
      return { oid, def };
    });
}

function role(def: SourceDef, c: ColumnDef): string | null {
  if (c.role === 'key') return def.kind === 'TABLE' ? 'PRIMARY KEY' : 'KEY';
  if (c.role === 'header') return 'HEADERS';
  return null;
}

export class PgCatalogDb {
  private readonly db = new Database(':memory:');
  private readonly insert = new Map<string, Database.Statement>();
  /** Eddy's type name of each column, for eddy_format_type: `relid:attnum`. */
  private eddyTypes = new Map<string, string>();

  constructor() {
    this.db.exec("ATTACH ':memory:' AS pg_catalog; ATTACH ':memory:' AS information_schema;");
    for (const [table, cols] of Object.entries(TABLES)) {
      this.db.exec(`CREATE TABLE ${table} (${cols})`);
      const n = cols.split(',').length;
      this.insert.set(table, this.db.prepare(`INSERT INTO ${table} VALUES (${Array(n).fill('?').join(', ')})`));
    }
    const f = (name: string, fn: (...args: unknown[]) => unknown) => this.db.function(name, { varargs: true, deterministic: false }, fn as (...a: unknown[]) => unknown);
    f('regexp', (pattern, value) => {
      if (value === null || pattern === null) return null;
      try {
        return new RegExp(String(pattern), 'i').test(String(value)) ? 1 : 0;
      } catch {
        return 0;
      }
    });
    f('pg_get_userbyid', () => this.user);
    f('pg_table_is_visible', () => 1);
    f('pg_type_is_visible', () => 1);
    f('pg_function_is_visible', () => 1);
    f('pg_relation_is_publishable', () => 0);
    f('pg_encoding_to_char', () => 'UTF8');
    f('array_to_string', (a) => (a === null ? null : String(a)));
    f('pg_get_expr', (expr) => expr);
    f('eddy_format_type', (relid, attnum) => this.eddyTypes.get(`${String(relid)}:${String(attnum)}`) ?? null);
    f('format_type', (oid) => PG_TYPES.find((t) => t[1] === Number(oid))?.[3] ?? null);
    f('col_description', (relid, attnum) => this.description(relid, attnum));
    f('obj_description', (oid) => this.description(oid, 0));
    f('current_schema', () => 'public');
    f('current_database', () => this.database);
    f('current_user', () => this.user);
    f('version', () => 'PostgreSQL 15.0 (Eddy)');
    f('has_table_privilege', () => 1);
    f('has_schema_privilege', () => 1);
    f('pg_size_pretty', (n) => `${String(n)} bytes`);
    f('pg_table_size', () => 0);
    f('pg_relation_size', () => 0);
    f('pg_total_relation_size', () => 0);
    f('pg_get_constraintdef', () => null);
    f('pg_get_indexdef', () => null);
  }

  private user = '';
  private database = '';

  /** pg_description's rows again, `objoid:objsubid`: a function cannot query the database while a query runs. */
  private descriptions = new Map<string, string>();

  private description(objoid: unknown, sub: unknown): string | null {
    return this.descriptions.get(`${String(objoid)}:${String(sub)}`) ?? null;
  }

  /** Rewrites every row from Eddy's catalog as it is now. */
  private refresh(eddy: Eddy, session: CatalogSession): void {
    this.user = session.user;
    this.database = session.database;
    const types = new Map<string, string>();
    const descriptions = new Map<string, string>();
    const put = (table: string, ...row: unknown[]) => {
      if (table === 'pg_catalog.pg_description') descriptions.set(`${String(row[0])}:${String(row[2])}`, String(row[3]));
      this.insert.get(table)!.run(...row.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    };
    this.db.transaction(() => {
      for (const table of Object.keys(TABLES)) this.db.exec(`DELETE FROM ${table}`);
      put('pg_catalog.pg_namespace', PG_CATALOG, 'pg_catalog', USER_OID, null);
      put('pg_catalog.pg_namespace', PUBLIC, 'public', USER_OID, null);
      put('pg_catalog.pg_namespace', INFORMATION_SCHEMA, 'information_schema', USER_OID, null);
      put('pg_catalog.pg_am', 2, 'heap', 't');
      put('pg_catalog.pg_database', DATABASE_OID, session.database, USER_OID, 6, 'C', 'C', null, 'c', false, true, null);
      put('pg_catalog.pg_roles', USER_OID, session.user, true, true, true, true, true, false, false, -1, null);
      put('pg_catalog.pg_user', session.user, USER_OID, true, true);
      for (const [name, oid, array, , len] of PG_TYPES) {
        put('pg_catalog.pg_type', oid, name, PG_CATALOG, len, 'b', array, 0, 0, 0, -1, ',', 0, false);
        put('pg_catalog.pg_type', array, `_${name}`, PG_CATALOG, -1, 'b', 0, oid, 0, 0, -1, ',', 0, false);
      }
      for (const schema of ['public', 'pg_catalog', 'information_schema']) put('information_schema.schemata', session.database, schema, session.user);
      for (const { oid, def } of relationOids(eddy)) {
        put('pg_catalog.pg_class', oid, def.name, PUBLIC, 0, USER_OID, 2, 'r', 'p', 'd', 0, false, false, false, false, false, false, null, 0, 0, 0, def.columns.length, null, null);
        put('pg_catalog.pg_description', oid, 1259, 0, def.kind === 'TABLE' ? 'Eddy table' : 'Eddy stream');
        put('information_schema.tables', session.database, 'public', def.name, 'BASE TABLE', 'YES');
        def.columns.forEach((c, i) => {
          const t = pgTypeOf(c);
          const n = i + 1;
          const r = role(def, c);
          const notNull = def.kind === 'TABLE' && c.role === 'key';
          types.set(`${oid}:${n}`, formatType(c.type));
          put('pg_catalog.pg_attribute', oid, c.name, t.oid, t.typmod, t.len, n, notNull, r !== null, false, '', '', t.len > 0 ? 'p' : 'x', '', -1, 0);
          if (r !== null) {
            put('pg_catalog.pg_attrdef', oid * 1000 + n, oid, n, r);
            put('pg_catalog.pg_description', oid, 1259, n, `Eddy ${r.toLowerCase()} column`);
          }
          const pgName = PG_TYPES.find((x) => x[1] === t.oid)?.[3] ?? 'text';
          const decimal = c.type.kind === 'DECIMAL' ? c.type : undefined;
          put(
            'information_schema.columns',
            session.database,
            'public',
            def.name,
            c.name,
            n,
            r,
            notNull ? 'NO' : 'YES',
            pgName,
            PG_TYPES.find((x) => x[1] === t.oid)?.[0] ?? 'text',
            decimal?.precision ?? null,
            decimal?.scale ?? null,
          );
        });
        if (def.kind === 'TABLE' && def.columns.some((c) => c.role === 'key')) {
          const keys = def.columns.map((c, i) => (c.role === 'key' ? i + 1 : 0)).filter((n) => n > 0);
          put('pg_catalog.pg_constraint', oid * 1000, `${def.name}_pkey`, oid, 'p', `{${keys.join(',')}}`);
        }
      }
    })();
    this.eddyTypes = types;
    this.descriptions = descriptions;
  }

  /**
   * The client's query run over the catalog as it is now; undefined when SQLite cannot run it (a
   * PostgreSQL construct the dialect does not turn, a table not here), for the caller to answer
   * otherwise.
   */
  query(sql: string, eddy: Eddy, session: CatalogSession): CatalogRows | undefined {
    let stmt: Database.Statement;
    try {
      stmt = this.db.prepare(toSqlite(sql));
    } catch {
      return undefined;
    }
    if (!stmt.reader) return undefined;
    this.refresh(eddy, session);
    const cols = stmt.columns();
    const bools = cols.map((c) => c.type?.toLowerCase() === 'bool');
    let raw: unknown[][];
    try {
      raw = stmt.raw(true).all() as unknown[][];
    } catch {
      return undefined;
    }
    const rows = raw.map((r) => r.map((v, i): Value => (v === null || v === undefined ? null : bools[i] ? (Number(v) ? 't' : 'f') : String(v))));
    return { kind: 'rows', columns: cols.map((c) => ({ name: c.name, type: 'STRING' })), rows };
  }
}

/** One catalog database per engine (its rows are that engine's). */
const DBS = new WeakMap<Eddy, PgCatalogDb>();

export function catalogDb(eddy: Eddy): PgCatalogDb {
  let db = DBS.get(eddy);
  if (!db) DBS.set(eddy, (db = new PgCatalogDb()));
  return db;
}
