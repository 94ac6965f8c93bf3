// Answers for what PostgreSQL clients ask of any server before or besides their own SQL: the
// version, `SHOW <parameter>`, the session's database and user, queries over pg_catalog and
// information_schema (run over their tables, pg-catalog-db.ts; pgJDBC's and psycopg's metadata
// queries, and psql's that SQLite cannot run, answered here by their shape), and the SET drivers
// send at start-up (BEGIN/COMMIT are transaction-statements.ts's). Only a
// whole query that matches one of these is answered here; everything else goes to Eddy, so
// Eddy's own `SHOW STREAMS`, `SET 'prop'='value'` etc. are untouched.

import type { SourceDef } from '../../planner/catalog.js';
import type { Value } from '../../planner/values.js';
import type { ColumnHeader, Eddy } from '../../engine-api.js';
import { catalogDb, relationOids } from './pg-catalog-db.js';
import { isJdbcColumns, isJdbcPrimaryKeys, jdbcColumns, jdbcPrimaryKeys, like, psqlColumns, typeInfo } from './catalog-columns.js';

export type CatalogAnswer = { readonly kind: 'rows'; readonly columns: readonly ColumnHeader[]; readonly rows: readonly Value[][] } | { readonly kind: 'tag'; readonly tag: string };

export const EDDY_VERSION = '0.1.0';

export interface SessionInfo {
  readonly user: string;
  readonly database: string;
  readonly parameters: ReadonlyMap<string, string>;
}

const text = (name: string): ColumnHeader => ({ name, type: 'STRING' });
const one = (name: string, value: string): CatalogAnswer => ({ kind: 'rows', columns: [text(name)], rows: [[value]] });

export function versionString(): string {
  return `PostgreSQL 15.0 (Eddy ${EDDY_VERSION}), a SQL-first streaming database speaking the PostgreSQL protocol`;
}

/** The answer for `sql` when it is one of the client chores above, else undefined. */
export function catalogAnswer(sql: string, eddy: Eddy, session: SessionInfo): CatalogAnswer | undefined {
  const q = sql.trim().replace(/;\s*$/, '').trim();
  const flat = q.replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if (/^select (pg_catalog\.)?version\(\)$/i.test(flat)) return one('version', versionString());
  if (/^select (pg_catalog\.)?current_database\(\)$/i.test(flat)) return one('current_database', session.database);
  if (/^select (pg_catalog\.)?current_schema\(\)$/i.test(flat)) return one('current_schema', 'public');
  if (/^select (current_user|session_user|user)$/i.test(flat)) return one('current_user', session.user);
  if ((m = /^show ([a-z_]+)$/i.exec(flat))) {
    const name = m[1]!.toLowerCase();
    const value = [...session.parameters].find(([k]) => k.toLowerCase() === name)?.[1] ?? EXTRA_PARAMETERS[name];
    if (value !== undefined) return one(name, value);
    return undefined;
  }
  // PostgreSQL's SET (an unquoted name), not Eddy's SET 'property' = 'value'.
  if (/^set (session |local )?[a-z_][a-z_0-9.]*\s*(=|to)\s*/i.test(flat)) return { kind: 'tag', tag: 'SET' };
  if (/^discard all$/i.test(flat)) return { kind: 'tag', tag: 'DISCARD ALL' };
  // pgJDBC's and psycopg's metadata queries have answers of their own, with typed columns.
  if (isJdbcColumns(flat)) return jdbcColumns(flat, relations(eddy));
  if (isJdbcPrimaryKeys(flat)) return jdbcPrimaryKeys(flat, relations(eddy));
  const type = typeInfo(flat);
  if (type) return type;
  if (/\bfrom pg_catalog\.pg_namespace n, pg_catalog\.pg_class c\b/i.test(flat) && /\bas table_type\b/i.test(flat)) return jdbcTables(eddy, flat);
  // Any other query over pg_catalog or information_schema runs over their tables (pg-catalog-db.ts).
  if (/\b(pg_catalog|information_schema)\./i.test(flat) || /^select\b[\s\S]*\bfrom\s+(pg_\w+|information_schema)\b/i.test(flat)) {
    const rows = catalogDb(eddy).query(q, eddy, session);
    if (rows) return rows;
  }
  // What SQLite cannot run (ARRAY(…), = ANY(…), unnest…): the psql queries below by their shape.
  if (/\bfrom pg_catalog\.pg_class c\b/i.test(flat) && /\bc\.relkind in\b/i.test(flat) && /as "Schema"/i.test(flat)) return relationList(eddy, flat, session.user);
  if ((m = /^select c\.oid, n\.nspname, c\.relname from pg_catalog\.pg_class c .*\bc\.relname operator\(pg_catalog\.~\) '((?:[^']|'')*)'/i.exec(flat))) return describeLookup(eddy, m[1]!);
  if ((m = /^select c\.relchecks, c\.relkind,.* where c\.oid = '(\d+)'/i.exec(flat))) return describeRelation(eddy, Number(m[1]));
  if ((m = /^select a\.attname,.* from pg_catalog\.pg_attribute a where a\.attrelid = '(\d+)'/i.exec(flat))) {
    const oid = Number(m[1]);
    return psqlColumns(
      flat,
      relations(eddy).find((r) => r.oid === oid),
    );
  }
  // Eddy has no pg_catalog schema, so such a query is a client's catalog probe, never Eddy SQL:
  // what is not answered above has no rows (psql's \d footers: indexes, policies, publications…).
  if (/\bpg_catalog\./i.test(flat) || /\binformation_schema\./i.test(flat)) return { kind: 'rows', columns: [], rows: [] };
  return undefined;
}

/** Eddy's sources in a fixed order, each with an oid psql can ask about. */
function relations(eddy: Eddy): { oid: number; def: SourceDef }[] {
  return relationOids(eddy);
}

function regex(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern.replace(/''/g, "'"), 'i');
  } catch {
    return undefined;
  }
}

/** `\d name`, step 1: which relations the pattern names (oid, schema, name). */
function describeLookup(eddy: Eddy, pattern: string): CatalogAnswer {
  const re = regex(pattern);
  const rows = relations(eddy)
    .filter((r) => !re || re.test(r.def.name))
    .map((r): Value[] => [String(r.oid), 'public', r.def.name]);
  return { kind: 'rows', columns: [text('oid'), text('nspname'), text('relname')], rows };
}

/** `\d name`, step 2: the relation's flags, as an ordinary table without indexes, rules or triggers. */
function describeRelation(eddy: Eddy, oid: number): CatalogAnswer {
  const r = relations(eddy).find((x) => x.oid === oid);
  const names = [
    'relchecks',
    'relkind',
    'relhasindex',
    'relhasrules',
    'relhastriggers',
    'relrowsecurity',
    'relforcerowsecurity',
    'relhasoids',
    'relispartition',
    'reloptions',
    'reltablespace',
    'reloftype',
    'relpersistence',
    'relreplident',
    'amname',
  ];
  const row: Value[] = ['0', 'r', 'f', 'f', 'f', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'd', 'heap'];
  return { kind: 'rows', columns: names.map(text), rows: r ? [row] : [] };
}

const EXTRA_PARAMETERS: Record<string, string> = {
  transaction_isolation: 'read committed',
  search_path: '"$user", public',
  max_identifier_length: '63',
  lc_collate: 'C',
  lc_ctype: 'C',
};

/** psql's `\dt`, `\d`, `\dt name`: Eddy's streams and tables, all in schema public. */
function relationList(eddy: Eddy, flat: string, owner: string): CatalogAnswer {
  // `\dt x` adds `c.relname OPERATOR(pg_catalog.~) '^(x)$'`: psql has already turned the pattern into a regex.
  const pattern = /c\.relname operator\(pg_catalog\.~\) '((?:[^']|'')*)'/i.exec(flat)?.[1]?.replace(/''/g, "'");
  let re: RegExp | undefined;
  try {
    re = pattern !== undefined ? new RegExp(pattern, 'i') : undefined;
  } catch {
    re = undefined;
  }
  const rows = eddy
    .sources()
    .filter((s) => !re || re.test(s.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s): Value[] => ['public', s.name, 'table', owner]);
  return { kind: 'rows', columns: [text('Schema'), text('Name'), text('Type'), text('Owner')], rows };
}

/**
 * pgJDBC's DatabaseMetaData.getTables: Eddy's streams and tables, all of type TABLE in schema
 * public (REMARKS says which Eddy kind), filtered by the name and schema LIKE patterns it sends.
 * Asked only for other types (VIEW, SEQUENCE…, with no ordinary tables), it gets none.
 */
function jdbcTables(eddy: Eddy, flat: string): CatalogAnswer {
  const names = ['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS', 'TYPE_CAT', 'TYPE_SCHEM', 'TYPE_NAME', 'SELF_REFERENCING_COL_NAME', 'REF_GENERATION'];
  const columns = names.map(text);
  const unquote = (m: RegExpExecArray | null) => m?.[1]?.replace(/''/g, "'");
  const name = unquote(/\bc\.relname like '((?:[^']|'')*)'/i.exec(flat));
  const schema = unquote(/\bn\.nspname like '((?:[^']|'')*)'/i.exec(flat));
  // With a types filter pgJDBC adds `AND (false OR ( c.relkind = 'r' …) OR …)`, one term per type.
  const typed = /\band \(false\b/i.test(flat);
  if ((schema !== undefined && !like(schema).test('public')) || (typed && !/c\.relkind (?:in \(|= ?)'r'/i.test(flat))) return { kind: 'rows', columns, rows: [] };
  const re = name === undefined ? undefined : like(name);
  const rows = relations(eddy)
    .filter((r) => !re || re.test(r.def.name))
    .map((r): Value[] => [null, 'public', r.def.name, 'TABLE', r.def.kind === 'TABLE' ? 'table' : 'stream', '', '', '', '', '']);
  return { kind: 'rows', columns, rows };
}
