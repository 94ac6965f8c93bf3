// CAST(x AS type): checked at plan time; a value that fails to convert yields NULL and a log entry.

import type { Expr } from '../../parser/ast.js';
import { formatType, typesEqual } from '../../parser/sql-type.js';
import { exprText } from '../expr-text.js';
import { canCast, castValue } from './cast.js';
import { CodegenError } from './codegen-error.js';
import { typeName, type CompileContext, type ExprNode } from './expr-node.js';

export function compileCast(ctx: CompileContext, e: Expr & { kind: 'Cast' }): ExprNode {
  const x = ctx.compile(e.operand);
  if (!canCast(x.type, e.type)) throw new CodegenError(`Cast of ${typeName(x.type)} to ${formatType(e.type)} is not supported`, e);
  const from = x.type;
  const to = e.type;
  const onError = ctx.onError;
  if (from && typesEqual(from, to)) return x;
  return {
    type: to,
    constant: x.constant,
    eval: (r) => {
      try {
        return castValue(x.eval(r), from, to);
      } catch (err) {
        onError(`Error evaluating ${exprText(e)}: ${(err as Error).message}`);
        return null;
      }
    },
  };
}
