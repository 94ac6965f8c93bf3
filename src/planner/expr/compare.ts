// Ordering and equality of SQL values (NULLs are handled by the callers: any NULL → NULL).

import { Decimal, isStruct, type Value } from '../values.js';

export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  // A BIGINT past 2^53 is a bigint: JS orders number and bigint by exact value.
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Decimal || b instanceof Decimal) {
    if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
    const num = (a instanceof Decimal ? b : a) as number | bigint;
    const d = (a instanceof Decimal ? a : b) as Decimal;
    const c = typeof num === 'bigint' || Number.isInteger(num) ? d.compare(Decimal.fromNumber(num)) : Math.sign(d.toNumber() - num);
    return a instanceof Decimal ? c : -c;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  return valuesEqual(a, b) ? 0 : String(a) < String(b) ? -1 : 1;
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const numeric = (v: Value) => typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal;
  if (numeric(a) || numeric(b)) {
    if (numeric(a) && numeric(b)) return compareValues(a, b) === 0;
    return false;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]!));
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !valuesEqual(v, b.get(k)!)) return false;
    }
    return true;
  }
  if (isStruct(a) && isStruct(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => valuesEqual(a[k]!, b[k] ?? null));
  }
  return false;
}
