// Type rules shared by operators and functions: literal typing, numeric widening, DECIMAL
// result types (ksqlDB's rules, from Java's BigDecimal arithmetic), and unification.

import { T, typesEqual, type SqlType } from '../../parser/sql-type.js';

/** A compile-time type; null is the type of an untyped NULL literal (fits anything). */
export type MaybeType = SqlType | null;

const NUMERIC_RANK: Record<string, number> = { INTEGER: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 };

export function numericRank(t: SqlType): number | undefined {
  return NUMERIC_RANK[t.kind];
}

export function literalType(text: string): SqlType {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return n >= -2147483648 && n <= 2147483647 ? T.INTEGER : T.BIGINT;
  }
  if (/[eE]/.test(text)) return T.DOUBLE;
  const digits = text.replace(/^-/, '').split('.');
  const intPart = digits[0]!.replace(/^0+/, '');
  const frac = digits[1] ?? '';
  const precision = Math.max(intPart.length + frac.length, 1);
  return T.decimal(Math.max(precision, frac.length), frac.length);
}

/** DECIMAL(p, s) able to hold any value of an integer type. */
export function asDecimal(t: SqlType): { precision: number; scale: number } {
  if (t.kind === 'DECIMAL') return { precision: t.precision, scale: t.scale };
  if (t.kind === 'INTEGER') return { precision: 10, scale: 0 };
  return { precision: 19, scale: 0 };
}

const MAX_PRECISION = 38;

function dec(precision: number, scale: number): SqlType {
  return T.decimal(Math.min(precision, MAX_PRECISION), Math.min(scale, MAX_PRECISION));
}

export function decimalResult(op: '+' | '-' | '*' | '/' | '%', a: SqlType, b: SqlType): SqlType {
  const { precision: p1, scale: s1 } = asDecimal(a);
  const { precision: p2, scale: s2 } = asDecimal(b);
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2);
      return dec(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case '*':
      return dec(p1 + p2 + 1, s1 + s2);
    case '/': {
      const scale = Math.max(6, s1 + p2 + 1);
      return dec(p1 - s1 + s2 + scale, scale);
    }
    case '%': {
      const scale = Math.max(s1, s2);
      return dec(Math.min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
}

/** The wider of two numeric types (INT < BIGINT < DECIMAL < DOUBLE). */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const ra = numericRank(a)!;
  const rb = numericRank(b)!;
  if (a.kind === 'DECIMAL' && b.kind === 'DECIMAL') {
    const scale = Math.max(a.scale, b.scale);
    return dec(Math.max(a.precision - a.scale, b.precision - b.scale) + scale, scale);
  }
  if (ra === 3 || rb === 3) {
    if (ra === 4 || rb === 4) return T.DOUBLE;
    const d = a.kind === 'DECIMAL' ? a : b;
    const o = a.kind === 'DECIMAL' ? b : a;
    const od = asDecimal(o);
    const dd = asDecimal(d);
    const scale = Math.max(dd.scale, od.scale);
    return dec(Math.max(dd.precision - dd.scale, od.precision - od.scale) + scale, scale);
  }
  return ra >= rb ? a : b;
}

/** A common type for CASE branches, IN lists, array elements…; undefined when there is none. */
export function unify(types: readonly MaybeType[]): MaybeType | undefined {
  let out: MaybeType = null;
  for (const t of types) {
    if (t === null) continue;
    if (out === null) {
      out = t;
      continue;
    }
    if (typesEqual(out, t)) continue;
    if (numericRank(out) !== undefined && numericRank(t) !== undefined) {
      out = widerNumeric(out, t);
      continue;
    }
    if (out.kind === 'ARRAY' && t.kind === 'ARRAY') {
      const item = unify([out.item, t.item]);
      if (!item) return undefined;
      out = T.array(item);
      continue;
    }
    if (out.kind === 'STRUCT' && t.kind === 'STRUCT') {
      // Structs with different fields unite: every field of either, shared ones unified.
      const fields = [...out.fields];
      for (const f of t.fields) {
        const i = fields.findIndex((g) => g.name === f.name);
        if (i < 0) fields.push(f);
        else {
          const u = unify([fields[i]!.type, f.type]);
          if (!u) return undefined;
          fields[i] = { name: f.name, type: u };
        }
      }
      out = T.struct(fields);
      continue;
    }
    if (out.kind === 'MAP' && t.kind === 'MAP') {
      const k = unify([out.key, t.key]);
      const v = unify([out.value, t.value]);
      if (!k || !v) return undefined;
      out = T.map(k, v);
      continue;
    }
    return undefined;
  }
  return out;
}
