// The wire protocol: one request per line in, one JSON object per line out. Small enough to
// type into `nc`. See docs/protocol.md.
//
// Requests:  {"id":"q1","sql":"SELECT …"}  {"id":"i1","insert":"S","rows":[{…}]}
//            {"id":"q1","cancel":true}       {"auth":"secret"}
//            or the text shorthand:  q1 SELECT …;   q1 CANCEL   AUTH secret
// Replies:   {"type":"welcome",…}  {"id","type":"header","columns":[…]}  {"id","type":"row","values":[…]}
//            {"id","type":"message","message":…}  {"id","type":"end","reason":…}
//            {"id","type":"error","message":…,"line":…,"column":…}  {"type":"bye","reason":…}

import { T } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';
import { castValue } from '../planner/expr/cast.js';
import { Decimal, isStruct, type Value } from '../planner/values.js';
import { jsonToValue } from '../planner/json-coercion.js';
import { JsonNumber, parseJson, setField, stringifyJson, type Json } from '../util/lossless-json.js';

export type WireRow = Readonly<Record<string, Json>>;

export type Request =
  | { readonly kind: 'sql'; readonly id: string; readonly sql: string /** false: answer pull queries here, never forward them to the key's owner (a server forwarding). */; readonly route?: false }
  | { readonly kind: 'insert'; readonly id: string; readonly target: string; readonly rows: readonly WireRow[] }
  | { readonly kind: 'cancel'; readonly id: string }
  | { readonly kind: 'auth'; readonly token: string };

export type ParseResult = { readonly ok: true; readonly request: Request } | { readonly ok: false; readonly id?: string; readonly message: string };

export function parseRequest(line: string): ParseResult {
  const text = line.trim();
  if (text.startsWith('{')) {
    // Lossless parse: a DECIMAL sent for insert keeps every digit.
    let parsed: Json;
    try {
      parsed = parseJson(text);
    } catch (e) {
      return { ok: false, message: `malformed JSON request: ${(e as Error).message}` };
    }
    if (!isObject(parsed)) return { ok: false, message: 'a request is a JSON object' };
    const o = parsed;
    if (typeof o.auth === 'string') return { ok: true, request: { kind: 'auth', token: o.auth } };
    const id = typeof o.id === 'string' ? o.id : o.id instanceof JsonNumber ? o.id.text : undefined;
    if (id === undefined) return { ok: false, message: 'a request needs an "id" (string or number)' };
    if (o.cancel === true) return { ok: true, request: { kind: 'cancel', id } };
    if (typeof o.sql === 'string') return { ok: true, request: { kind: 'sql', id, sql: o.sql, ...(o.route === false ? { route: false as const } : {}) } };
    if (typeof o.insert === 'string') {
      const rows = o.rows;
      if (!Array.isArray(rows) || !rows.every(isObject)) return { ok: false, id, message: '"rows" must be an array of objects' };
      return { ok: true, request: { kind: 'insert', id, target: o.insert, rows: rows as WireRow[] } };
    }
    return { ok: false, id, message: 'a request carries "sql", "insert" or "cancel"' };
  }
  const m = /^(\S+)\s+([\s\S]+)$/.exec(text);
  if (!m) return { ok: false, message: 'expected `<id> <SQL>`, `<id> CANCEL`, `AUTH <token>` or a JSON object' };
  const [, first, rest] = m;
  if (first!.toUpperCase() === 'AUTH') return { ok: true, request: { kind: 'auth', token: rest!.trim() } };
  if (rest!.trim().toUpperCase() === 'CANCEL') return { ok: true, request: { kind: 'cancel', id: first! } };
  return { ok: true, request: { kind: 'sql', id: first!, sql: rest! } };
}

function isObject(j: Json | undefined): j is { [k: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof JsonNumber);
}

/**
 * An insert row from the wire as SQL values, by the source's column types: the inverse of
 * valueJson (numbers or digit strings for DECIMAL, base64 for BYTES, objects for MAP/STRUCT,
 * ISO strings or numbers for DATE, TIME and TIMESTAMP).
 * Names match case-insensitively; ROWTIME sets the event time. Throws on a value of the wrong type.
 */
export function wireRowToValues(def: SourceDef, row: WireRow): Record<string, Value> {
  const byName = new Map(Object.entries(row).map(([k, v]) => [k.toUpperCase(), v]));
  const out: Record<string, Value> = {};
  for (const c of def.columns) {
    const j = byName.get(c.name.toUpperCase());
    byName.delete(c.name.toUpperCase());
    // DATE, TIME and TIMESTAMP come as the strings rows go out as (wire-values.ts), or as numbers.
    const temporal = typeof j === 'string' && (c.type.kind === 'DATE' || c.type.kind === 'TIME' || c.type.kind === 'TIMESTAMP');
    setField(out, c.name, j === undefined ? null : temporal ? castValue(j, T.STRING, c.type) : jsonToValue(j, c.type, c.name));
  }
  const ts = byName.get('ROWTIME');
  byName.delete('ROWTIME');
  if (ts !== undefined) {
    if (!(ts instanceof JsonNumber)) throw new Error('ROWTIME must be a number (milliseconds since the epoch)');
    out.ROWTIME = Number(ts.text);
  }
  const unknown = [...byName.keys()];
  if (unknown.length) throw new Error(`${def.name} has no column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  return out;
}

/**
 * A SQL value as JSON text: DECIMAL keeps its digits, BYTES are base64, MAP and STRUCT are
 * objects, NaN and infinities are strings. Written straight to text: rows are the hot path.
 */
export function valueJson(v: Value): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `"${v}"`;
  if (typeof v === 'bigint') return String(v); // a BIGINT past 2^53: its exact digits
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Uint8Array) return `"${Buffer.from(v).toString('base64')}"`;
  if (Array.isArray(v)) return `[${v.map(valueJson).join(',')}]`;
  if (v instanceof Map) return objectJson([...v].map(([k, x]) => [String(k), x]));
  if (isStruct(v)) return objectJson(Object.entries(v));
  return 'null';
}

function objectJson(entries: [string, Value][]): string {
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${valueJson(x)}`).join(',')}}`;
}

/** A `row` reply line; `writers` (wire-values.ts, one per column) write the values by their types. */
type RowChange = { readonly tombstone?: boolean; readonly window?: { readonly start: number; readonly end: number } };

/** A row frame after its id: `"type":"row","values":[…]…}` and the newline. */
function rowBody(values: readonly Value[], change: RowChange, writers?: readonly ((v: Value) => string)[]): string {
  const tombstone = change.tombstone ? ',"tombstone":true' : '';
  const window = change.window ? `,"window":{"start":${change.window.start},"end":${change.window.end}}` : '';
  const text = writers ? values.map((v, i) => (writers[i] ?? valueJson)(v)) : values.map(valueJson);
  return `"type":"row","values":[${text.join(',')}]${tombstone}${window}}\n`;
}

export function rowFrame(id: string, values: readonly Value[], change: RowChange = {}, writers?: readonly ((v: Value) => string)[]): string {
  return `{"id":${JSON.stringify(id)},${rowBody(values, change, writers)}`;
}

/** Push rows' bodies by row object: push queries sharing a task are handed one object per row (runtime/push-group.ts), and its text is made once for all their clients. */
const pushBodies = new WeakMap<object, string>();

/** rowFrame of a push row; `writers` must be those of the row's columns (equal for every holder of the object). */
export function pushRowFrame(id: string, row: RowChange & { readonly values: readonly Value[] }, writers: readonly ((v: Value) => string)[]): string {
  let body = pushBodies.get(row);
  if (body === undefined) pushBodies.set(row, (body = rowBody(row.values, row, writers)));
  return `{"id":${JSON.stringify(id)},${body}`;
}

export function frame(o: Record<string, Json | undefined>): string {
  const clean: Record<string, Json> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) clean[k] = v;
  return `${stringifyJson(clean)}\n`;
}
