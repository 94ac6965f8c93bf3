// CASE, both searched (CASE WHEN cond ...) and simple (CASE x WHEN value ...).

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { exprText } from '../expr-text.js';
import { coercer } from './coercion.js';
import { valuesEqual } from './compare.js';
import { typeName, type CompileContext, type ExprNode } from './expr-node.js';
import { unify } from './types.js';

export function compileCase(ctx: CompileContext, e: Expr & { kind: 'Case' }): ExprNode {
  const operand = e.operand ? ctx.compile(e.operand) : undefined;
  const whens = e.whens.map((w) => ({ when: ctx.compile(w.when), then: ctx.compile(w.then), src: w.when }));
  const otherwise = e.else ? ctx.compile(e.else) : undefined;
  if (!operand) {
    for (const w of whens)
      if (w.when.type && w.when.type.kind !== 'BOOLEAN') throw new SqlError(`WHEN operand type should be boolean. Type for '${exprText(w.src)}' is ${typeName(w.when.type)}`, w.src);
  }
  const type = unify([...whens.map((w) => w.then.type), otherwise?.type ?? null]);
  if (type === undefined) {
    throw new SqlError(`Invalid Case expression. Type for all 'THEN' clauses should be the same. THEN expression '${exprText(e.whens[0]!.then)}' has type: ${typeName(whens[0]!.then.type)}.`, e);
  }
  const conv = whens.map((w) => coercer(w.then.type, type));
  const elseConv = coercer(otherwise?.type ?? null, type);
  return {
    type,
    constant: false,
    eval: (r) => {
      const ov = operand ? operand.eval(r) : undefined;
      for (let i = 0; i < whens.length; i++) {
        const w = whens[i]!;
        const c = w.when.eval(r);
        const hit = operand ? ov !== null && c !== null && valuesEqual(ov!, c) : c === true;
        if (hit) return conv[i]!(w.then.eval(r));
      }
      return otherwise ? elseConv(otherwise.eval(r)) : null;
    },
  };
}
