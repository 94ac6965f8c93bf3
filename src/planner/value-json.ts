// Values ↔ JSON for the state store and materialised tables: the types JSON lacks (DECIMAL,
// MAP, BYTES, a BIGINT past 2^53) are tagged so they come back exactly as they went in.

import { setField } from '../util/lossless-json.js';
import { Decimal, type Value } from './values.js';
import { longOf } from './long.js';

export function toJsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $n: String(v) };
  if (typeof v === 'bigint') return { $l: v.toString() };
  if (typeof v !== 'object') return v;
  if (v instanceof Decimal) return { $d: v.toString(), s: v.scale };
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  if (v instanceof Map) return { $m: [...v].map(([k, x]) => [toJsonValue(k), toJsonValue(x)]) };
  if (Array.isArray(v)) return v.map(toJsonValue);
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setField(o, k, toJsonValue(x));
  return { $s: o };
}

export function fromJsonValue(j: unknown): Value {
  if (j === null || j === undefined) return null;
  if (typeof j !== 'object') return j as Value;
  if (Array.isArray(j)) return j.map(fromJsonValue);
  const o = j as Record<string, unknown>;
  if ('$d' in o) return Decimal.parse(String(o.$d)).rescale(Number(o.s));
  if ('$b' in o) return Buffer.from(String(o.$b), 'base64');
  if ('$n' in o) return Number(o.$n);
  if ('$l' in o) return longOf(BigInt(String(o.$l)));
  if ('$m' in o) return new Map((o.$m as [unknown, unknown][]).map(([k, x]) => [fromJsonValue(k), fromJsonValue(x)]));
  if ('$s' in o) {
    const s: Record<string, Value> = {};
    for (const [k, x] of Object.entries(o.$s as Record<string, unknown>)) setField(s, k, fromJsonValue(x));
    return s;
  }
  return null;
}

/** A stable string for a key (list of values), used as the state-store key. */
export function keyString(values: readonly Value[]): string {
  // Hot path: one number or string, the common key. The prefixes keep the forms apart.
  if (values.length === 1) {
    const v = values[0];
    if (typeof v === 'number') return `n${v}`;
    if (typeof v === 'string') return `s${v}`;
    // A BIGINT past 2^53: its digits, so it keys as the same number would (canonically it never is one).
    if (typeof v === 'bigint') return `n${v}`;
  }
  // Several numbers and strings (a windowed key, a compound GROUP BY): a length-prefixed form
  // that cannot collide with itself or with the JSON form below (which starts with '[').
  let out = '';
  for (const v of values) {
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint') out += `n${v};`;
    else if (typeof v === 'string') out += `s${v.length}:${v}`;
    else return JSON.stringify(values.map(toJsonValue));
  }
  return out;
}
