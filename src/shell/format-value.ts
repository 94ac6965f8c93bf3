// One cell's text: how every SQL value reads in a table, CSV or JSON line, whether it came from
// the engine (Decimal, Map, Buffer…) or from the wire (plain JSON). As ksqlDB's CLI shows them:
// DATE, TIME and TIMESTAMP as ISO text (UTC), DOUBLE as Java's Double.toString, DECIMAL with
// every digit (a number in JSON, as the protocol sends it).

import { parseType } from '../parser/index.js';
import type { SqlType } from '../parser/sql-type.js';
import { isoDate, isoTime, isoTimestamp, javaDouble } from '../planner/expr/java-format.js';
import { Decimal } from '../planner/values.js';

export interface CellColumn {
  readonly name: string;
  readonly type: string;
}

function toJsonish(v: unknown): unknown {
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJsonish(x)]));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJsonish);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonish(x)]));
  return v;
}

/** A top-level number as its column's type reads (undefined when the type says nothing). */
function typedNumber(v: number, type: string | undefined): string | undefined {
  switch (type?.toUpperCase()) {
    case 'DATE':
      return isoDate(v);
    case 'TIME':
      return isoTime(v);
    case 'TIMESTAMP':
      return isoTimestamp(v);
    case 'DOUBLE':
      return javaDouble(v);
    default:
      return undefined;
  }
}

/** Column types as parsed, by their text (a result's header repeats them on every row). */
const parsedTypes = new Map<string, SqlType | undefined>();
function typeOf(text: string | undefined): SqlType | undefined {
  if (text === undefined) return undefined;
  if (!parsedTypes.has(text)) {
    let t: SqlType | undefined;
    try {
      t = parseType(text);
    } catch {
      t = undefined; // a type this shell's parser does not know: shown untyped
    }
    parsedTypes.set(text, t);
  }
  return parsedTypes.get(text);
}

/**
 * A nested value as JSON text with its type's spelling: a DOUBLE inside an ARRAY, MAP or STRUCT
 * reads as Java's Double.toString (`62.0`, not `62`), as ksqlDB's CLI prints it (Jackson writes
 * doubles so); anything the type does not say is shown as plain JSON.
 */
function typedJson(v: unknown, t: SqlType | undefined): string {
  if (v === null || v === undefined) return 'null';
  // A DECIMAL (and a BIGINT past 2^53) with every digit, as a JSON number (the top level shows it so too).
  if (v instanceof Decimal || typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return t?.kind === 'DOUBLE' ? (Number.isFinite(v) ? javaDouble(v) : JSON.stringify(String(v))) : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => typedJson(x, t?.kind === 'ARRAY' ? t.item : undefined)).join(',')}]`;
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${typedJson(x, t?.kind === 'MAP' ? t.value : undefined)}`).join(',')}}`;
  if (typeof v === 'object') {
    // A STRUCT's fields by name (as the wire or the engine spells them, matched case-insensitively), or a MAP sent as an object.
    const typeOfField = (k: string): SqlType | undefined =>
      t?.kind === 'MAP' ? t.value : t?.kind === 'STRUCT' ? (t.fields.find((f) => f.name === k) ?? t.fields.find((f) => f.name.toUpperCase() === k.toUpperCase()))?.type : undefined;
    return `{${Object.entries(v as object)
      .map(([k, x]) => `${JSON.stringify(k)}:${typedJson(x, typeOfField(k))}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Text of a non-null cell; null/undefined give undefined so each output picks its NULL mark. */
export function cellText(v: unknown, column?: CellColumn): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return typedNumber(v, column?.type) ?? String(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Decimal) return v.toString();
  return typedJson(v, typeOf(column?.type));
}

/** A window's bounds are BIGINT milliseconds; a table for people shows them as timestamps. */
export function tableCellText(v: unknown, column: CellColumn): string | undefined {
  if (typeof v === 'number' && /^WINDOW(START|END)$/i.test(column.name) && /^BIGINT$/i.test(column.type)) return isoTimestamp(v);
  return cellText(v, column);
}

/** A value as JSON text (JSON-lines output): DECIMAL keeps every digit as a number, as the protocol writes it. */
export function jsonText(v: unknown, column?: CellColumn): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Decimal || typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `"${v}"`;
    const typed = /^(DATE|TIME|TIMESTAMP)$/i.test(column?.type ?? '') ? typedNumber(v, column?.type) : undefined;
    return typed !== undefined ? JSON.stringify(typed) : String(v);
  }
  if (Array.isArray(v)) return `[${v.map((x) => jsonText(x)).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${jsonText(x)}`).join(',')}}`;
  if (v && typeof v === 'object' && !(v instanceof Uint8Array))
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
      .join(',')}}`;
  return JSON.stringify(toJsonish(v));
}

export function isNumericType(type: string): boolean {
  return /^(INT|INTEGER|BIGINT|DOUBLE|DECIMAL)/i.test(type);
}
