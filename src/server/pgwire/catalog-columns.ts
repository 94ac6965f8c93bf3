// Column metadata the way clients ask pg_catalog for it: psql's `\d name` and `\d+ name` column
// query, pgJDBC's DatabaseMetaData.getColumns and getPrimaryKeys, and psycopg's TypeInfo lookup
// of a type by name. Each answer is built from Eddy's catalog, with every column's PostgreSQL
// type OID and typmod (what its results are described with, types.ts), so a driver maps it to
// the same type it reads the column's values as.
//
// psql reads its columns query by position and asks for more with `\d+`: the answer follows the
// query's own select list, item by item, instead of a fixed set of columns.

import { formatType, type SqlType } from '../../parser/sql-type.js';
import type { ColumnDef, SourceDef } from '../../planner/catalog.js';
import type { Value } from '../../planner/values.js';
import type { ColumnHeader } from '../../engine-api.js';
import { oidOf, OID } from './types.js';

export type ColumnsAnswer = { readonly kind: 'rows'; readonly columns: readonly ColumnHeader[]; readonly rows: readonly Value[][] };

export interface Relation {
  readonly oid: number;
  readonly def: SourceDef;
}

/** pg_type rows for the types Eddy's columns and parameters use: name, oid, array oid, regtype text, typlen. */
export const PG_TYPES: readonly (readonly [string, number, number, string, number])[] = [
  ['bool', OID.BOOL, 1000, 'boolean', 1],
  ['bytea', OID.BYTEA, 1001, 'bytea', -1],
  ['char', OID.CHAR, 1002, '"char"', 1],
  ['name', OID.NAME, 1003, 'name', 64],
  ['int8', OID.INT8, 1016, 'bigint', 8],
  ['int2', OID.INT2, 1005, 'smallint', 2],
  ['int4', OID.INT4, 1007, 'integer', 4],
  ['text', OID.TEXT, 1009, 'text', -1],
  ['oid', OID.OID, 1028, 'oid', 4],
  ['json', OID.JSON, 199, 'json', -1],
  ['float4', OID.FLOAT4, 1021, 'real', 4],
  ['float8', OID.FLOAT8, 1022, 'double precision', 8],
  ['bpchar', OID.BPCHAR, 1014, 'character', -1],
  ['varchar', OID.VARCHAR, 1015, 'character varying', -1],
  ['date', OID.DATE, 1182, 'date', 4],
  ['time', OID.TIME, 1183, 'time without time zone', 8],
  ['timestamp', OID.TIMESTAMP, 1115, 'timestamp without time zone', 8],
  ['timestamptz', OID.TIMESTAMPTZ, 1185, 'timestamp with time zone', 8],
  ['numeric', OID.NUMERIC, 1231, 'numeric', -1],
  ['uuid', OID.UUID, 2951, 'uuid', 16],
  ['jsonb', OID.JSONB, 3807, 'jsonb', -1],
];

/** Other spellings PostgreSQL's type input accepts for these. */
const TYPE_ALIASES: Record<string, string> = {
  boolean: 'bool',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  real: 'float4',
  'double precision': 'float8',
  decimal: 'numeric',
  character: 'bpchar',
  'character varying': 'varchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  '"char"': 'char',
};

const typlen = (oid: number): number => PG_TYPES.find((t) => t[1] === oid)?.[4] ?? -1;

/** A column's PostgreSQL type: its OID, typmod and typlen (pg_attribute's atttypid, atttypmod, attlen). */
export function pgTypeOf(c: ColumnDef): { oid: number; typmod: number; len: number } {
  const t = pgType(c);
  return { ...t, len: typlen(t.oid) };
}

function pgType(c: ColumnDef): { oid: number; typmod: number } {
  const t: SqlType = c.type;
  const oid = oidOf(t);
  // numeric's typmod: ((precision << 16) | scale) + VARHDRSZ, as PostgreSQL stores it.
  return { oid, typmod: t.kind === 'DECIMAL' ? ((t.precision << 16) | t.scale) + 4 : -1 };
}

/** What Eddy's column is, where PostgreSQL would show a default or a comment. */
function role(r: Relation, c: ColumnDef): string | null {
  if (c.role === 'key') return r.def.kind === 'TABLE' ? 'PRIMARY KEY' : 'KEY';
  if (c.role === 'header') return 'HEADERS';
  return null;
}

const isPrimaryKey = (r: Relation, c: ColumnDef): boolean => r.def.kind === 'TABLE' && c.role === 'key';

/** A select list's items (top-level commas), each with its output name (alias, or the last name in it). */
function selectList(flat: string): { expr: string; name: string }[] {
  const m = /^\s*select\s+([\s\S]*?)\s+from\s+pg_catalog\.pg_attribute a\b/i.exec(flat);
  if (!m) return [];
  const items: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  const list = m[1]!;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && c === ',') {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(list.slice(start).trim());
  return items.map((expr) => {
    const alias = /\s+as\s+"?([a-z_][a-z0-9_]*)"?$/i.exec(expr)?.[1];
    const last = /([a-z_][a-z0-9_]*)\)?$/i.exec(expr)?.[1];
    return { expr, name: alias ?? (/^pg_catalog\.format_type/i.test(expr) ? 'format_type' : /col_description/i.test(expr) ? 'col_description' : (last ?? '?column?')) };
  });
}

/** psql's `\d[+] name` columns query (`… FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'oid' …`), item by item. */
export function psqlColumns(flat: string, r: Relation | undefined): ColumnsAnswer {
  const items = selectList(flat);
  const value = (expr: string, rel: Relation, c: ColumnDef): Value => {
    if (/^a\.attname$/i.test(expr)) return c.name;
    if (/format_type\(a\.atttypid/i.test(expr)) return formatType(c.type);
    if (/pg_get_expr\(d\.adbin/i.test(expr)) return role(rel, c) ?? '';
    if (/^a\.attnotnull$/i.test(expr)) return isPrimaryKey(rel, c) ? 't' : 'f';
    if (/attstorage/i.test(expr)) return typlen(pgType(c).oid) > 0 ? 'p' : 'x';
    if (/col_description/i.test(expr)) return role(rel, c) === null ? null : `Eddy ${role(rel, c)!.toLowerCase()} column`;
    if (/attstattarget/i.test(expr)) return null;
    return ''; // collation, identity, generated, compression: none
  };
  const columns = items.map((i): ColumnHeader => ({ name: i.name, type: 'STRING' }));
  const rows = r ? r.def.columns.map((c) => items.map((i) => value(i.expr, r, c))) : [];
  return { kind: 'rows', columns, rows };
}

/** A SQL LIKE pattern (`%`, `_`, `\` escapes) as a regular expression over the whole name. */
export function like(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** The string literal after `column op` in a pgJDBC query (`n.nspname LIKE 'x'`, `ct.relname = E'x'`). */
function literalAfter(flat: string, column: string, op: 'like' | '='): string | undefined {
  const m = new RegExp(`\\b${column.replace('.', '\\.')} ${op} E?'((?:[^']|'')*)'`, 'i').exec(flat);
  return m?.[1]?.replace(/''/g, "'").replace(/\\\\/g, '\\');
}

const matches = (pattern: string | undefined, name: string, op: 'like' | '='): boolean =>
  pattern === undefined || (op === 'like' ? like(pattern).test(name) : pattern.toUpperCase() === name.toUpperCase());

export const isJdbcColumns = (flat: string): boolean => /\bjoin pg_catalog\.pg_attribute a on \(a\.attrelid=c\.oid\)/i.test(flat) && /\bas adsrc\b/i.test(flat);

/**
 * pgJDBC's getColumns: one row per column with the columns pgJDBC reads (atttypid, atttypmod,
 * attnotnull…); pgJDBC turns them into DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS itself.
 */
export function jdbcColumns(flat: string, relations: readonly Relation[]): ColumnsAnswer {
  const cols: [string, string][] = [
    ['nspname', 'STRING'],
    ['relname', 'STRING'],
    ['attname', 'STRING'],
    ['atttypid', 'INTEGER'],
    ['attnotnull', 'BOOLEAN'],
    ['atttypmod', 'INTEGER'],
    ['attlen', 'INTEGER'],
    ['typtypmod', 'INTEGER'],
    ['attnum', 'INTEGER'],
    ['attidentity', 'STRING'],
    ['attgenerated', 'STRING'],
    ['adsrc', 'STRING'],
    ['description', 'STRING'],
    ['typbasetype', 'INTEGER'],
    ['typtype', 'STRING'],
  ];
  const schema = literalAfter(flat, 'n.nspname', 'like');
  const table = literalAfter(flat, 'c.relname', 'like');
  const column = literalAfter(flat, 'attname', 'like');
  const rows: Value[][] = [];
  if (matches(schema, 'public', 'like')) {
    for (const r of relations.filter((x) => matches(table, x.def.name, 'like'))) {
      r.def.columns.forEach((c, i) => {
        if (!matches(column, c.name, 'like')) return;
        const t = pgType(c);
        rows.push(['public', r.def.name, c.name, t.oid, isPrimaryKey(r, c), t.typmod, typlen(t.oid), -1, i + 1, null, null, null, role(r, c), 0, 'b']);
      });
    }
  }
  return { kind: 'rows', columns: cols.map(([name, type]) => ({ name, type })), rows };
}

export const isJdbcPrimaryKeys = (flat: string): boolean => /\bfrom pg_catalog\.pg_class ct\b/i.test(flat) && /\bi\.indisprimary\b/i.test(flat) && /\bas key_seq\b/i.test(flat);

/** pgJDBC's getPrimaryKeys: a TABLE's key columns, in order, named `<table>_pkey` as PostgreSQL names them. A stream's key is not unique: none. */
export function jdbcPrimaryKeys(flat: string, relations: readonly Relation[]): ColumnsAnswer {
  const names = ['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'KEY_SEQ', 'PK_NAME'];
  const schema = literalAfter(flat, 'n.nspname', '=');
  const table = literalAfter(flat, 'ct.relname', '=');
  const rows: Value[][] = [];
  if (matches(schema, 'public', '=')) {
    for (const r of relations.filter((x) => x.def.kind === 'TABLE' && matches(table, x.def.name, '='))) {
      r.def.columns.filter((c) => c.role === 'key').forEach((c, i) => rows.push([null, 'public', r.def.name, c.name, i + 1, `${r.def.name}_pkey`]));
    }
  }
  return { kind: 'rows', columns: names.map((name) => ({ name, type: name === 'KEY_SEQ' ? 'INTEGER' : 'STRING' })), rows };
}

/**
 * psycopg's TypeInfo.fetch: `SELECT typname AS name, oid, typarray AS array_oid, oid::regtype::text
 * AS regtype, typdelim AS delimiter FROM pg_type t WHERE t.oid = to_regtype('name')`; a name that
 * is no type here has no row (TypeInfo.fetch returns None).
 */
export function typeInfo(flat: string): ColumnsAnswer | undefined {
  const m =
    /^select typname as name, oid, typarray as array_oid, oid::regtype::text as regtype, typdelim as delimiter from pg_type t where t\.oid = (?:to_regtype\('((?:[^']|'')*)'\)|'((?:[^']|'')*)'::regtype)/i.exec(
      flat,
    );
  if (!m) return undefined;
  let name = (m[1] ?? m[2] ?? '')
    .replace(/''/g, "'")
    .trim()
    .toLowerCase()
    .replace(/^pg_catalog\./, '');
  name = TYPE_ALIASES[name] ?? name;
  const t = PG_TYPES.find((x) => x[0] === name);
  const columns: ColumnHeader[] = [
    { name: 'name', type: 'STRING' },
    { name: 'oid', type: 'INTEGER' },
    { name: 'array_oid', type: 'INTEGER' },
    { name: 'regtype', type: 'STRING' },
    { name: 'delimiter', type: 'STRING' },
  ];
  return { kind: 'rows', columns, rows: t ? [[t[0], t[1], t[2], t[3], ',']] : [] };
}
