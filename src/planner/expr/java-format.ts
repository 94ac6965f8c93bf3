// Java's text forms of values, which ksqlDB shows when it casts to STRING or concatenates.

import { formatType, type SqlType } from '../../parser/sql-type.js';
import { Decimal, isStruct, type Value } from '../values.js';

/** Double.toString: plain between 1e-3 and 1e7, otherwise "1.0E10" style; always a fraction. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    if (/e/i.test(s)) return Number(d).toFixed(20).replace(/0+$/, '').replace(/\.$/, '.0');
    return s.includes('.') ? s : `${s}.0`;
  }
  // Java writes at least two significant digits, the closest two when the shortest form has one:
  // 1e10 is "1.0E10", but Double.MIN_VALUE (5e-324 at its shortest) is "4.9E-324".
  const shortest = d.toExponential();
  const [mant, exp] = (shortest.split('e')[0]!.includes('.') ? shortest : d.toExponential(1)).split('e');
  const m = mant!;
  return `${m}E${Number(exp)}`;
}

export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '');
}

export function isoDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

export function isoTime(ms: number): string {
  const s = new Date(ms).toISOString().slice(11, 23);
  return s.endsWith('.000') ? s.slice(0, 8) : s;
}

/** A value as ksqlDB's CAST(x AS STRING) renders it. */
export function javaString(v: Value, t: SqlType | null): string | null {
  if (v === null) return null;
  const kind = t?.kind;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'number') {
    if (kind === 'DOUBLE') return javaDouble(v);
    if (kind === 'TIMESTAMP') return isoTimestamp(v);
    if (kind === 'DATE') return isoDate(v);
    if (kind === 'TIME') return isoTime(v);
    return String(v);
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return `[${v.map((x) => javaString(x, t?.kind === 'ARRAY' ? t.item : null) ?? 'null').join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${javaString(k, t?.kind === 'MAP' ? t.key : null)}=${javaString(x, t?.kind === 'MAP' ? t.value : null) ?? 'null'}`).join(', ')}}`;
  if (isStruct(v)) {
    const fields = t?.kind === 'STRUCT' ? t.fields : Object.keys(v).map((name) => ({ name, type: null as SqlType | null }));
    return `Struct{${fields
      .filter((f) => v[f.name] !== null && v[f.name] !== undefined)
      .map((f) => `${f.name}=${javaString(v[f.name]!, f.type)}`)
      .join(',')}}`;
  }
  return t ? formatType(t) : String(v);
}
