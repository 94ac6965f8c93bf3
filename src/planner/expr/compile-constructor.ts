// ARRAY[...], MAP(...) and STRUCT(...) constructors.

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import type { Value } from '../values.js';
import { castValue } from './cast.js';
import { coercer } from './coercion.js';
import { constantNode, NO_REC, typeName, type CompileContext, type ExprNode } from './expr-node.js';
import { unify } from './types.js';
import { setField } from '../../util/lossless-json.js';

export function compileArray(ctx: CompileContext, e: Expr & { kind: 'ArrayLiteral' }): ExprNode {
  if (e.items.length === 0) throw new SqlError('Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).', e);
  const items = constructorItems(ctx, e.items);
  if (items.every((i) => i.type === null))
    throw new SqlError(`Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.`, e);
  const item = unify(items.map((i) => i.type));
  if (item === undefined) throw new SqlError(`invalid input syntax for type ARRAY: elements have incompatible types (${items.map((i) => typeName(i.type)).join(', ')})`, e);
  const conv = items.map((i) => coercer(i.type, item));
  return { type: T.array(item ?? T.STRING), constant: items.every((i) => i.constant), eval: (r) => items.map((i, k) => conv[k]!(i.eval(r))) };
}

export function compileMap(ctx: CompileContext, e: Expr & { kind: 'MapLiteral' }): ExprNode {
  if (e.entries.length === 0) throw new SqlError('Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).', e);
  const keys = constructorItems(
    ctx,
    e.entries.map((x) => x.key),
  );
  const vals = constructorItems(
    ctx,
    e.entries.map((x) => x.value),
  );
  if (keys.every((k) => k.type === null))
    throw new SqlError(`Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.`, e);
  if (vals.every((v) => v.type === null))
    throw new SqlError(`Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.`, e);
  const kt = unify(keys.map((k) => k.type));
  const vt = unify(vals.map((v) => v.type));
  if (kt === undefined || vt === undefined) throw new SqlError('invalid input syntax for type MAP: keys or values have incompatible types', e);
  const kc = keys.map((k) => coercer(k.type, kt));
  const vc = vals.map((v) => coercer(v.type, vt));
  return {
    type: T.map(kt ?? T.STRING, vt ?? T.STRING),
    constant: keys.every((k) => k.constant) && vals.every((v) => v.constant),
    eval: (r) => new Map(keys.map((k, i) => [kc[i]!(k.eval(r)), vc[i]!(vals[i]!.eval(r))])),
  };
}

export function compileStruct(ctx: CompileContext, e: Expr & { kind: 'StructLiteral' }): ExprNode {
  if (new Set(e.fields.map((f) => f.name)).size !== e.fields.length) throw new SqlError('Duplicate field names found in STRUCT', e);
  const fields = e.fields.map((f) => ({ name: f.name, node: ctx.compile(f.value) }));
  return {
    type: T.struct(fields.map((f) => ({ name: f.name, type: f.node.type ?? T.STRING }))),
    constant: fields.every((f) => f.node.constant),
    eval: (r) => {
      const s: Record<string, Value> = {};
      for (const f of fields) setField(s, f.name, f.node.eval(r)); // `__proto__` is a field like any other
      return s;
    },
  };
}

/**
 * The elements of an ARRAY[...] or MAP(...) constructor. As in ksqlDB, the non-literal elements
 * fix the type and literals are read as it: '1' as a number, 'true' as a BOOLEAN, 10 as '10'.
 */
function constructorItems(ctx: CompileContext, exprs: readonly Expr[]): ExprNode[] {
  const nodes = exprs.map((x) => ctx.compile(x));
  const isLiteral = (x: Expr) => x.kind === 'StringLiteral' || x.kind === 'NumberLiteral';
  const fixed = nodes.filter((n, i) => !isLiteral(exprs[i]!) && n.type !== null);
  const base = fixed.length ? unify(fixed.map((n) => n.type)) : undefined;
  if (!base) return nodes;
  return nodes.map((n, i) => {
    const x = exprs[i]!;
    if (!isLiteral(x) || !n.type || unify([base, n.type]) !== undefined) return n;
    let v: Value;
    try {
      v = x.kind === 'NumberLiteral' && base.kind === 'STRING' ? x.text : castValue(n.eval(NO_REC), n.type, base);
    } catch {
      return n;
    }
    return constantNode(base, v);
  });
}
