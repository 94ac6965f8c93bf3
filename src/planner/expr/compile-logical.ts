// Three-valued logic: NOT, AND, OR and IS [NOT] NULL.

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import { exprText } from '../expr-text.js';
import { typeName, type CompileContext, type ExprNode } from './expr-node.js';

export function compileNot(ctx: CompileContext, e: Expr & { kind: 'Unary' }): ExprNode {
  const x = ctx.compile(e.operand);
  if (x.type && x.type.kind !== 'BOOLEAN') throw new SqlError(`NOT requires a BOOLEAN operand, got ${typeName(x.type)}: ${exprText(e)}`, e);
  return { type: T.BOOLEAN, constant: x.constant, eval: (r) => (x.eval(r) === null ? null : !x.eval(r)) };
}

export function compileLogical(ctx: CompileContext, e: Expr & { kind: 'Logical' }): ExprNode {
  const a = ctx.compile(e.left);
  const b = ctx.compile(e.right);
  for (const [n, side] of [
    [a, e.left],
    [b, e.right],
  ] as const) {
    if (n.type && n.type.kind !== 'BOOLEAN') throw new SqlError(`${e.op} requires BOOLEAN operands, got ${typeName(n.type)}: ${exprText(side)}`, side);
  }
  // The value that decides the result on its own: FALSE for AND, TRUE for OR; NULL otherwise wins.
  const decisive = e.op === 'OR';
  return {
    type: T.BOOLEAN,
    constant: a.constant && b.constant,
    eval: (r) => {
      const x = a.eval(r);
      if (x === decisive) return decisive;
      const y = b.eval(r);
      if (y === decisive) return decisive;
      return x === null || y === null ? null : !decisive;
    },
  };
}

export function compileIsNull(ctx: CompileContext, e: Expr & { kind: 'IsNull' }): ExprNode {
  const x = ctx.compile(e.operand);
  const neg = e.negated;
  return { type: T.BOOLEAN, eval: (r) => (x.eval(r) === null) !== neg, constant: x.constant };
}
