// Comparisons: = <> < <= > >=, IS [NOT] DISTINCT FROM, BETWEEN and IN (...).

import type { Comparison, Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import { exprText } from '../expr-text.js';
import type { Value } from '../values.js';
import { castValue, parseTimestampText } from './cast.js';
import { coercer } from './coercion.js';
import { compareValues, valuesEqual } from './compare.js';
import { checkBetweenBound, checkComparable, comparableKinds } from './comparability.js';
import { constantNode, NO_REC, typeName, type CompileContext, type ExprNode } from './expr-node.js';
import { numericRank, unify, type MaybeType } from './types.js';

export function compileComparison(ctx: CompileContext, e: Comparison): ExprNode {
  let a = ctx.compile(e.left);
  let b = ctx.compile(e.right);
  // ROWTIME and window bounds may be compared with timestamp text ('2020-02-23T22:45:12.000-0100').
  const timeColumn = (x: Expr) => x.kind === 'ColumnRef' && ['ROWTIME', 'WINDOWSTART', 'WINDOWEND'].includes(x.name);
  const asTime = (n: ExprNode, src: Expr): ExprNode => {
    const text = n.eval(NO_REC) as string;
    let v: number;
    try {
      v = parseTimestampText(text);
    } catch (err) {
      throw new SqlError((err as Error).message, src);
    }
    return constantNode(T.BIGINT, v);
  };
  // An untyped NULL on either side (both included: NULL = NULL) is refused, as ksqlDB does.
  if ((a.type === null || b.type === null) && !e.op.includes('DISTINCT')) {
    const side = (t: MaybeType) => (t ? typeName(t) : 'NULL');
    throw new SqlError(`Comparison with NULL not supported: ${side(a.type)} ${e.op} ${side(b.type)}\nUse 'IS NULL' or 'IS NOT NULL' instead.\nStatement: ${exprText(e)}`, e);
  }
  if (timeColumn(e.left) && b.constant && b.type?.kind === 'STRING') b = asTime(b, e.right);
  if (timeColumn(e.right) && a.constant && a.type?.kind === 'STRING') a = asTime(a, e.left);
  checkComparable(a, b, e.op, e);
  const [ca, cb] = temporalOperands(a.type, b.type);
  const constant = a.constant && b.constant;
  if (e.op === 'IS DISTINCT FROM' || e.op === 'IS NOT DISTINCT FROM') {
    const want = e.op === 'IS DISTINCT FROM';
    return {
      type: T.BOOLEAN,
      constant,
      eval: (r) => {
        const x = a.eval(r);
        const y = b.eval(r);
        if (x === null || y === null) return (x === null) !== (y === null) ? want : !want;
        return !valuesEqual(ca(x), cb(y)) === want;
      },
    };
  }
  const neg = e.op === '<>';
  if (e.op === '=' || e.op === '<>') {
    const fast = a.type?.kind === b.type?.kind && (a.type?.kind === 'INTEGER' || a.type?.kind === 'DOUBLE' || a.type?.kind === 'STRING');
    // BIGINT is a number or a bigint (long.ts): loose equality compares the two by exact value.
    // eslint-disable-next-line eqeqeq
    // biome-ignore lint/suspicious/noDoubleEquals: a BIGINT is a number or a bigint; == compares across the two exactly.
    if (a.type?.kind === 'BIGINT' && b.type?.kind === 'BIGINT') return nullRejecting(a, b, constant, (x, y) => (x == y) !== neg);
    return nullRejecting(a, b, constant, fast ? (x, y) => (x === y) !== neg : (x, y) => valuesEqual(ca(x), cb(y)) !== neg);
  }
  const test: (c: number) => boolean = e.op === '<' ? (c) => c < 0 : e.op === '<=' ? (c) => c <= 0 : e.op === '>' ? (c) => c > 0 : e.op === '>=' ? (c) => c >= 0 : () => false;
  return nullRejecting(a, b, constant, (x, y) => test(compareValues(ca(x), cb(y))));
}

/**
 * How ksqlDB lines up temporal operands: when either side is a TIME both are times (a string is
 * parsed as a TIME); else when either is a TIMESTAMP both are timestamps (a string parsed as one,
 * a DATE taken as its midnight); else when either is a DATE, a string is read as a date.
 */
function temporalOperands(x: MaybeType, y: MaybeType): [(v: Value) => Value, (v: Value) => Value] {
  const id = (v: Value) => v;
  const kinds = [x?.kind, y?.kind];
  const to = kinds.includes('TIME') ? T.TIME : kinds.includes('TIMESTAMP') ? T.TIMESTAMP : kinds.includes('DATE') ? T.DATE : null;
  if (to === null) return [id, id];
  const side = (t: MaybeType): ((v: Value) => Value) => {
    if (t?.kind === 'STRING')
      return to.kind === 'TIME' ? (v) => (v === null ? null : castValue(v, T.STRING, T.TIME)) : (v) => (v === null ? null : castValue(parseTimestampText(v as string), T.TIMESTAMP, to));
    if (t?.kind === 'DATE' && to.kind === 'TIMESTAMP') return (v) => (v === null ? null : castValue(v, T.DATE, T.TIMESTAMP));
    return id;
  };
  return [side(x), side(y)];
}

/**
 * A comparison that is FALSE when either side is NULL — ksqlDB's rule: its generated code tests
 * both operands for null first and yields false, for every operator (so `NOT (x = NULL-valued y)`
 * is true). The right side is not read when the left is NULL.
 */
function nullRejecting(a: ExprNode, b: ExprNode, constant: boolean, holds: (x: NonNullable<Value>, y: NonNullable<Value>) => boolean): ExprNode {
  return {
    type: T.BOOLEAN,
    constant,
    eval: (r) => {
      const x = a.eval(r);
      if (x === null) return false;
      const y = b.eval(r);
      if (y === null) return false;
      return holds(x, y);
    },
  };
}

export function compileBetween(ctx: CompileContext, e: Expr & { kind: 'Between' }): ExprNode {
  const x = ctx.compile(e.operand);
  const lo = ctx.compile(e.low);
  const hi = ctx.compile(e.high);
  checkBetweenBound(x, lo, '>=', e);
  checkBetweenBound(x, hi, '<=', e);
  const neg = e.negated;
  // Each bound meets the operand as in a comparison (x >= lo, x <= hi): temporal text is parsed.
  const [cxl, cx] = temporalOperands(x.type, lo.type);
  const [cxh, cy] = temporalOperands(x.type, hi.type);
  return {
    type: T.BOOLEAN,
    constant: x.constant && lo.constant && hi.constant,
    eval: (r) => {
      const v = x.eval(r);
      const a = lo.eval(r);
      const b = hi.eval(r);
      // BETWEEN is (x >= lo AND x <= hi), each comparison false on a NULL side, as in ksqlDB.
      if (v === null || a === null || b === null) return neg;
      const inside = compareValues(cxl(v), cx(a)) >= 0 && compareValues(cxh(v), cy(b)) <= 0;
      return inside !== neg;
    },
  };
}

export function compileInList(ctx: CompileContext, e: Expr & { kind: 'InList' }): ExprNode {
  const x = ctx.compile(e.operand);
  // ksqlDB widens the operand's type with each numeric item, and names that type in errors.
  let common = x.type;
  const items = e.list.map((item, k): ExprNode => {
    const i = ctx.compile(item);
    if (comparableKinds(x.type, i.type, '=')) {
      if (common && i.type && numericRank(common) !== undefined && numericRank(i.type) !== undefined) common = unify([common, i.type]) ?? common;
      return i;
    }
    // A string literal is read as the operand's type, as ksqlDB does ('10' for an INT).
    if (i.constant && i.type?.kind === 'STRING' && x.type) {
      const text = i.eval(NO_REC) as string;
      try {
        return constantNode(x.type, castValue(text, T.STRING, x.type));
      } catch {
        throw new SqlError(`Invalid Predicate: invalid input syntax for type ${typeName(x.type)}: "${text}".`, e.list[k]!);
      }
    }
    throw new SqlError(`Invalid Predicate: operator does not exist: ${typeName(common)} = ${typeName(i.type)} (${exprText(e.list[k]!)})\nHint: You might need to add explicit type casts.`, e.list[k]!);
  });
  const conv = items.map((i) => coercer(i.type, x.type));
  const neg = e.negated;
  return {
    type: T.BOOLEAN,
    constant: x.constant && items.every((i) => i.constant),
    eval: (r) => {
      const v = x.eval(r);
      if (v === null) return null;
      let sawNull = false;
      for (let k = 0; k < items.length; k++) {
        const w = conv[k]!(items[k]!.eval(r));
        if (w === null) sawNull = true;
        else if (valuesEqual(v, w)) return !neg;
      }
      return sawNull ? null : neg;
    },
  };
}
