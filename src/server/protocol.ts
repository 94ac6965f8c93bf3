// The wire protocol: one request per line in, one JSON object per line out. Small enough to
// type into `nc`. See docs/protocol.md.
//
// Requests:  {"id":"q1","sql":"SELECT …"}  {"id":"i1","insert":"S","rows":[{…}]}
//            {"id":"q1","cancel":true}       {"auth":"secret"}
//            or the text shorthand:  q1 SELECT …;   q1 CANCEL   AUTH secret
// Replies:   {"type":"welcome",…}  {"id","type":"header","columns":[…]}  {"id","type":"row","values":[…]}
//            {"id","type":"message","message":…}  {"id","type":"end","reason":…}
//            {"id","type":"error","message":…,"line":…,"column":…}  {"type":"bye","reason":…}

import { Decimal, isStruct, type Value } from '../planner/values.js';
import { JsonNumber, stringifyJson, type Json } from '../util/lossless-json.js';

export type Request =
  | { readonly kind: 'sql'; readonly id: string; readonly sql: string }
  | { readonly kind: 'insert'; readonly id: string; readonly target: string; readonly rows: readonly Record<string, unknown>[] }
  | { readonly kind: 'cancel'; readonly id: string }
  | { readonly kind: 'auth'; readonly token: string };

export type ParseResult = { readonly ok: true; readonly request: Request } | { readonly ok: false; readonly id?: string; readonly message: string };

export function parseRequest(line: string): ParseResult {
  const text = line.trim();
  if (text.startsWith('{')) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      return { ok: false, message: `malformed JSON request: ${(e as Error).message}` };
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, message: 'a request is a JSON object' };
    if (typeof o.auth === 'string') return { ok: true, request: { kind: 'auth', token: o.auth } };
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
    if (id === undefined) return { ok: false, message: 'a request needs an "id" (string or number)' };
    if (o.cancel === true) return { ok: true, request: { kind: 'cancel', id } };
    if (typeof o.sql === 'string') return { ok: true, request: { kind: 'sql', id, sql: o.sql } };
    if (typeof o.insert === 'string') {
      if (!Array.isArray(o.rows) || !o.rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) return { ok: false, id, message: '"rows" must be an array of objects' };
      return { ok: true, request: { kind: 'insert', id, target: o.insert, rows: o.rows as Record<string, unknown>[] } };
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

/** A SQL value as JSON: DECIMAL keeps its digits, BYTES are base64, MAP and STRUCT are objects. */
export function valueToWire(v: Value): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? new JsonNumber(String(v)) : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Decimal) return new JsonNumber(v.toString());
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(valueToWire);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), valueToWire(x)]));
  if (isStruct(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valueToWire(x)]));
  return null;
}

export function frame(o: Record<string, Json | undefined>): string {
  const clean: Record<string, Json> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) clean[k] = v;
  return `${stringifyJson(clean)}\n`;
}
