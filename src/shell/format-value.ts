// One cell's text: how every SQL value reads in a table, CSV or JSON line, whether it came from
// the engine (Decimal, Map, Buffer…) or from the wire (plain JSON).

import { Decimal } from '../planner/values.js';

function toJsonish(v: unknown): unknown {
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJsonish(x)]));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJsonish);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonish(x)]));
  return v;
}

/** Text of a non-null cell; null/undefined give undefined so each output picks its NULL mark. */
export function cellText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Decimal) return v.toString();
  return JSON.stringify(toJsonish(v));
}

/** A value as plain JSON (JSON-lines output). */
export function jsonValue(v: unknown): unknown {
  return v === undefined ? null : toJsonish(v);
}

export function isNumericType(type: string): boolean {
  return /^(INT|INTEGER|BIGINT|DOUBLE|DECIMAL)/i.test(type);
}
