// Arithmetic: unary +/-, the binary operators and string concatenation (|| or + on strings).

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import { exprText } from '../expr-text.js';
import { Decimal } from '../values.js';
import { longNeg, type Long } from '../long.js';
import { planArithmetic } from './arithmetic.js';
import { constantNode, typeName, type CompileContext, type ExprNode } from './expr-node.js';
import { LambdaScope } from './lambda-scope.js';
import { numericRank, type MaybeType } from './types.js';

/** Unary + and - (NOT is logical, see compile-logical.ts). */
export function compileSign(ctx: CompileContext, e: Expr & { kind: 'Unary' }): ExprNode {
  const x = ctx.compile(e.operand);
  if (x.type && numericRank(x.type) === undefined) throw new SqlError(`Unary ${e.op} requires a numeric operand, got ${typeName(x.type)}`, e);
  if (e.op === '+') return x;
  const int = x.type?.kind === 'INTEGER';
  const long = x.type?.kind === 'BIGINT';
  return {
    type: x.type,
    constant: x.constant,
    eval: (r) => {
      const v = x.eval(r);
      if (v === null) return null;
      if (v instanceof Decimal) return new Decimal(-v.unscaled, v.scale);
      if (long) return longNeg(v as Long);
      return int ? -(v as number) | 0 : -(v as number);
    },
  };
}

export function compileBinary(ctx: CompileContext, e: Expr & { kind: 'Binary' }): ExprNode {
  const a = ctx.compile(e.left);
  const b = ctx.compile(e.right);
  const constant = a.constant && b.constant;
  const unsupported = () => new SqlError(`Error processing expression: ${exprText(e)}. Unsupported arithmetic types. ${typeName(a.type)} ${typeName(b.type)}`, e);
  const stringy = (t: MaybeType) => t === null || t.kind === 'STRING';
  if (e.op === '||' || (e.op === '+' && stringy(a.type) && stringy(b.type) && (a.type !== null || b.type !== null))) {
    if (!stringy(a.type) || !stringy(b.type)) throw unsupported();
    return {
      type: T.STRING,
      constant,
      eval: (r) => {
        const x = a.eval(r);
        const y = b.eval(r);
        return x === null || y === null ? null : (x as string) + (y as string);
      },
    };
  }
  // An untyped NULL operand is rejected, as ksqlDB does (CAST it to give it a type).
  if ((a.type === null) !== (b.type === null)) {
    throw new SqlError(`Error processing expression: ${exprText(e)}. Arithmetic on types ${typeName(a.type ?? b.type)} and null are not supported.`, e);
  }
  const at = a.type ?? b.type;
  const bt = b.type ?? a.type;
  if (at === null || bt === null) return constantNode(null, null);
  const plan = planArithmetic(e.op, at, bt);
  if (!plan) throw unsupported();
  const fn = plan.fn;
  const onError = ctx.onError;
  // ksqlDB compiles a lambda body to Java on unboxed numbers: a NULL operand there fails the
  // whole function call (which then yields NULL) instead of making just this term NULL.
  const inLambda = ctx.scope instanceof LambdaScope;
  return {
    type: plan.type,
    constant,
    eval: (r) => {
      const x = a.eval(r);
      const y = x === null ? null : b.eval(r);
      if (x === null || y === null) {
        if (inLambda) throw new Error(`NULL operand in ${exprText(e)}`);
        return null;
      }
      try {
        return fn(x, y);
      } catch (err) {
        onError(`Error evaluating ${exprText(e)}: ${(err as Error).message}`);
        return null;
      }
    },
  };
}
