// Reading values: columns, STRUCT fields (s->f) and ARRAY/MAP subscripts (a[i], m['k']).

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { exprText } from '../expr-text.js';
import { isStruct, type Value } from '../values.js';
import { coercer } from './coercion.js';
import { valuesEqual } from './compare.js';
import { constantNode, typeName, type CompileContext, type ExprNode } from './expr-node.js';

export function compileColumn(ctx: CompileContext, e: Expr & { kind: 'ColumnRef' }): ExprNode {
  const b = ctx.scope.resolveColumn(e);
  const idx = b.index;
  return { type: b.type, eval: idx !== undefined ? (r) => r.cols[idx] ?? null : b.read, constant: false };
}

export function compileDereference(ctx: CompileContext, e: Expr & { kind: 'Dereference' }): ExprNode {
  const base = ctx.compile(e.base);
  if (base.type === null) return constantNode(null, null);
  if (base.type.kind !== 'STRUCT') throw new SqlError(`Expected STRUCT type for '->' dereference but got ${typeName(base.type)}: ${exprText(e)}`, e);
  const f = base.type.fields.find((x) => x.name === e.field) ?? base.type.fields.find((x) => x.name.toUpperCase() === e.field.toUpperCase());
  if (!f) throw new SqlError(`Could not find field '${e.field}' in '${exprText(e.base)}'.`, e);
  const name = f.name;
  return {
    type: f.type,
    constant: base.constant,
    eval: (r) => {
      const s = base.eval(r);
      // Own fields only: a field never given (or one called `__proto__`) must not read the prototype.
      return s !== null && isStruct(s) && Object.hasOwn(s, name) ? (s[name] ?? null) : null;
    },
  };
}

export function compileSubscript(ctx: CompileContext, e: Expr & { kind: 'Subscript' }): ExprNode {
  const base = ctx.compile(e.base);
  const idx = ctx.compile(e.index);
  if (base.type?.kind === 'ARRAY') {
    if (idx.type && idx.type.kind !== 'INTEGER' && idx.type.kind !== 'BIGINT') throw new SqlError(`Array index must be an INTEGER, got ${typeName(idx.type)}`, e.index);
    return {
      type: base.type.item,
      constant: base.constant && idx.constant,
      eval: (r) => {
        const a = base.eval(r) as Value[] | null;
        const i = idx.eval(r) as number | null;
        if (a === null || i === null) return null;
        const k = i > 0 ? i - 1 : a.length + i;
        return k >= 0 && k < a.length ? (a[k] ?? null) : null;
      },
    };
  }
  if (base.type?.kind === 'MAP') {
    const conv = coercer(idx.type, base.type.key);
    return {
      type: base.type.value,
      constant: base.constant && idx.constant,
      eval: (r) => {
        const m = base.eval(r) as Map<Value, Value> | null;
        const k = idx.eval(r);
        if (m === null || k === null) return null;
        const key = conv(k);
        if (m.has(key)) return m.get(key) ?? null;
        for (const [mk, mv] of m) if (valuesEqual(mk, key)) return mv;
        return null;
      },
    };
  }
  throw new SqlError(`Subscript expression ${exprText(e)} requires an ARRAY or MAP, got ${typeName(base.type)}`, e);
}
