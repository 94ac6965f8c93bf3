// Eddy's values as each kind of target writes them: JSON text (JSON lines, jsonb), CSV fields,
// PostgreSQL parameters and column types, SQLite values. DECIMAL stays exact everywhere (its
// digits, never a double); TIMESTAMP (ms since epoch, UTC) becomes the target's timestamp.

import type { SqlType } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../../planner/values.js';
import { sqliteAffinity } from '../sqlite-affinity.js';

/** JSON text of a value: DECIMAL as an exact number literal, BYTES as base64, MAP as an object. */
export function jsonText(v: Value): string {
  if (v === null || v === undefined) return 'null';
  // JSON has no NaN or Infinity: written as the strings "NaN", "Infinity", "-Infinity", as Eddy's
  // JSON topics (and Jackson, ksqlDB's serializer) write them, never as null: the value is kept.
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `"${v}"`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof (v as unknown) === 'bigint') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(k === null ? 'null' : String(k))}:${jsonText(x)}`).join(',')}}`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
    .join(',')}}`;
}

/** One CSV field (RFC 4180): NULL is empty; text with a comma, quote or line break is quoted. */
export function csvField(v: Value): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'string' ? v : typeof v === 'object' && !(v instanceof Decimal) ? jsonText(v) : String(v);
  return /[",\r\n]/.test(text) || (typeof v === 'string' && v === '') ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The PostgreSQL column type a column of this SQL type is created with. */
export function postgresType(t: SqlType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
      return 'integer';
    case 'BIGINT':
      return 'bigint';
    case 'DOUBLE':
      return 'double precision';
    case 'STRING':
      return 'text';
    case 'BYTES':
      return 'bytea';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'time';
    case 'DECIMAL':
      return `numeric(${t.precision},${t.scale})`;
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
    case 'CUSTOM':
      return 'jsonb';
  }
}

/** A value as a parameter of a PostgreSQL statement (text the server parses as the column's type). */
export function postgresParam(v: Value, t: SqlType): string | number | boolean | Buffer | null {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'TIMESTAMP':
      return typeof v === 'number' ? new Date(v).toISOString().replace('Z', '') : String(v);
    case 'DATE':
      return typeof v === 'number' ? new Date(v * 86_400_000).toISOString().slice(0, 10) : String(v);
    case 'TIME':
      return typeof v === 'number' ? new Date(v).toISOString().slice(11, 23) : String(v);
    case 'BYTES':
      return v instanceof Uint8Array ? Buffer.from(v) : null;
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
    case 'CUSTOM':
      return jsonText(v);
    default:
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
      return String(v);
  }
}

/** The SQLite column type (its affinity) a column is created with: temporals as ISO text (see sqliteValue). */
export const sqliteType = (t: SqlType): string => sqliteAffinity(t, 'TEXT');

/** A value as SQLite stores it: TIMESTAMP/DATE/TIME as ISO text (what SQLite's date functions read), DECIMAL as its exact digits. */
export function sqliteValue(v: Value, t: SqlType): string | number | bigint | Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (t.kind === 'TIMESTAMP' && typeof v === 'number') return new Date(v).toISOString();
  if ((t.kind === 'DATE' || t.kind === 'TIME') && typeof v === 'number') return postgresParam(v, t) as string;
  if (typeof v === 'number' || typeof v === 'string' || typeof (v as unknown) === 'bigint') return v as number;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (v instanceof Decimal) return v.toString();
  return jsonText(v);
}
