// ksqlDB's implicit casts into an INSERT INTO sink (ImplicitlyCastResolver): a numeric literal in
// the select item at a DECIMAL column's position becomes a DECIMAL of that column's precision and
// scale, when its own digits fit (scale no larger, integer digits no more: DecimalUtil's
// canImplicitlyCast). Other expressions keep their type, and the sink check judges them.

import type { ColumnDef } from './catalog.js';
import type { Expr, Query, SelectItem } from '../parser/ast.js';

/** A literal's DECIMAL precision and scale (Java's BigDecimal of its text), or undefined for exponent forms. */
function literalDecimal(text: string): { precision: number; scale: number } | undefined {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && !m[2])) return undefined;
  const frac = m[2] ?? '';
  const unscaled = `${m[1]}${frac}`.replace(/^0+/, '');
  return { precision: Math.max(unscaled.length || 1, frac.length), scale: frac.length };
}

function castToTarget(e: Expr, target: ColumnDef): Expr {
  if (e.kind !== 'NumberLiteral' || target.type.kind !== 'DECIMAL') return e;
  const from = literalDecimal(e.text);
  if (!from) return e;
  const to = target.type;
  const fits = from.scale <= to.scale && from.precision - from.scale <= to.precision - to.scale;
  return fits ? { kind: 'Cast', operand: e, type: to, loc: e.loc } : e;
}

/** The query with its select items fitted to the sink's columns, position by position (keys first). */
export function withImplicitCasts(q: Query, sinkColumns: readonly ColumnDef[]): Query {
  let changed = false;
  const select = q.select.map((item, i): SelectItem => {
    const target = sinkColumns[i];
    if (item.kind !== 'SelectExpr' || !target) return item;
    const expr = castToTarget(item.expr, target);
    if (expr === item.expr) return item;
    changed = true;
    return { ...item, expr };
  });
  return changed ? { ...q, select } : q;
}
