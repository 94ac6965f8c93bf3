// Eddy's types as PostgreSQL sees them: the type OID each result column is described with, and
// each value in PostgreSQL's text format for that type (so a driver's own parsers read it: `t`/`f`
// for BOOLEAN, `\x…` hex for BYTES, `YYYY-MM-DD HH:MM:SS.fff` for TIMESTAMP). ARRAY, MAP and
// STRUCT are described as `json` (OID 114) and carry the JSON the line protocol writes for them:
// PostgreSQL's own array text format cannot hold a MAP or STRUCT, and json is what drivers decode.

import { parseType, type SqlType } from '../../parser/index.js';
import { isoDate, isoTimestamp } from '../../planner/expr/java-format.js';
import { Decimal, type Value } from '../../planner/values.js';
import { valueJson } from '../protocol.js';
import { rowWriters } from '../wire-values.js';
import type { FieldDescription } from './codec.js';

export const OID = {
  BOOL: 16,
  BYTEA: 17,
  CHAR: 18,
  NAME: 19,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  TEXT: 25,
  OID: 26,
  JSON: 114,
  FLOAT4: 700,
  FLOAT8: 701,
  UNKNOWN: 705,
  BPCHAR: 1042,
  VARCHAR: 1043,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  NUMERIC: 1700,
  UUID: 2950,
  JSONB: 3802,
} as const;

/** The element type of each array type a client may send a parameter as (int4[] is 1007, …). */
export const ARRAY_ELEMENT: Readonly<Record<number, number>> = {
  1000: OID.BOOL,
  1001: OID.BYTEA,
  1002: OID.CHAR,
  1003: OID.NAME,
  1005: OID.INT2,
  1007: OID.INT4,
  1009: OID.TEXT,
  1014: OID.BPCHAR,
  1015: OID.VARCHAR,
  1016: OID.INT8,
  1021: OID.FLOAT4,
  1022: OID.FLOAT8,
  1115: OID.TIMESTAMP,
  1182: OID.DATE,
  1183: OID.TIME,
  1185: OID.TIMESTAMPTZ,
  1231: OID.NUMERIC,
  199: OID.JSON,
  2951: OID.UUID,
  3807: OID.JSONB,
};

/** pg_type.typlen of each OID above (-1: variable). */
const SIZE: Record<number, number> = { 16: 1, 17: -1, 20: 8, 23: 4, 25: -1, 114: -1, 701: 8, 1082: 4, 1083: 8, 1114: 8, 1700: -1 };

/** PostgreSQL's name of each OID, for catalog answers. */
export const TYPE_NAME: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  20: 'int8',
  23: 'int4',
  25: 'text',
  114: 'json',
  701: 'float8',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1700: 'numeric',
};

export function oidOf(t: SqlType | undefined): number {
  switch (t?.kind) {
    case 'BOOLEAN':
      return OID.BOOL;
    case 'INTEGER':
      return OID.INT4;
    case 'BIGINT':
      return OID.INT8;
    case 'DOUBLE':
      return OID.FLOAT8;
    case 'DECIMAL':
      return OID.NUMERIC;
    case 'BYTES':
      return OID.BYTEA;
    case 'DATE':
      return OID.DATE;
    case 'TIME':
      return OID.TIME;
    case 'TIMESTAMP':
      return OID.TIMESTAMP;
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return OID.JSON;
    default:
      return OID.TEXT;
  }
}

export type TextWriter = (v: Value) => string | null;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** PostgreSQL's `time` text: `HH:MM:SS`, with `.fff` only when there are milliseconds. */
export function pgTime(ms: number): string {
  const d = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
  const s = Math.floor(d / 1000);
  const frac = d % 1000;
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}${frac ? `.${String(frac).padStart(3, '0').replace(/0+$/, '')}` : ''}`;
}

/** PostgreSQL's `timestamp` text (ISO DateStyle): a space between date and time, no trailing zeros. */
export function pgTimestamp(ms: number): string {
  return isoTimestamp(ms)
    .replace('T', ' ')
    .replace(/\.(\d*?)0+$/, (_m, d: string) => (d ? `.${d}` : ''));
}

function float(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

function writerFor(t: SqlType | undefined, json: (v: Value) => string): TextWriter {
  const nullable =
    (f: (v: Value) => string): TextWriter =>
    (v) =>
      v === null || v === undefined ? null : f(v);
  switch (t?.kind) {
    case 'BOOLEAN':
      return nullable((v) => (v === true ? 't' : 'f'));
    case 'DOUBLE':
      return nullable((v) => (typeof v === 'number' ? float(v) : String(v)));
    case 'DECIMAL':
      return nullable((v) => (v instanceof Decimal ? v.toString() : String(v)));
    case 'BYTES':
      return nullable((v) => (v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : String(v)));
    case 'DATE':
      return nullable((v) => (typeof v === 'number' ? isoDate(v) : String(v)));
    case 'TIME':
      return nullable((v) => (typeof v === 'number' ? pgTime(v) : String(v)));
    case 'TIMESTAMP':
      return nullable((v) => (typeof v === 'number' && Number.isFinite(v) ? pgTimestamp(v) : String(v)));
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return nullable(json);
    case 'STRING':
      return nullable((v) => String(v));
    default:
      // INTEGER, BIGINT (number or bigint), and anything untyped: strings as they are, else JSON.
      return nullable((v) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : valueJson(v)));
  }
}

export interface ResultShape {
  readonly fields: FieldDescription[];
  readonly writers: TextWriter[];
}

/** A result's RowDescription fields and a text writer per column, from the type text of its header. */
export function resultShape(columns: readonly { readonly name: string; readonly type: string }[]): ResultShape {
  const json = rowWriters(columns);
  const fields: FieldDescription[] = [];
  const writers: TextWriter[] = [];
  columns.forEach((c, i) => {
    let t: SqlType | undefined;
    try {
      t = parseType(c.type);
    } catch {
      t = undefined;
    }
    const oid = oidOf(t);
    fields.push({ name: c.name, oid, size: SIZE[oid] ?? -1 });
    writers.push(writerFor(t, json[i] ?? valueJson));
  });
  return { fields, writers };
}

export function textRow(shape: ResultShape, values: readonly Value[]): (string | null)[] {
  return shape.writers.map((w, i) => w(values[i] ?? null));
}
