// [NOT] LIKE with % and _ wildcards and an optional ESCAPE character.

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import { NO_REC, typeName, type CompileContext, type ExprNode } from './expr-node.js';

export function compileLike(ctx: CompileContext, e: Expr & { kind: 'Like' }): ExprNode {
  const x = ctx.compile(e.operand);
  const p = ctx.compile(e.pattern);
  if (x.type && x.type.kind !== 'STRING') throw new SqlError(`The column type for Like condition must be VARCHAR. The column type is ${typeName(x.type)}`, e);
  const esc = e.escape;
  const neg = e.negated;
  if (p.constant) {
    const pv = p.eval(NO_REC);
    const re = pv === null ? null : likeRegex(pv as string, esc);
    return { type: T.BOOLEAN, constant: x.constant, eval: (r) => (re === null ? null : ((v) => (v === null ? null : re.test(v as string) !== neg))(x.eval(r))) };
  }
  return {
    type: T.BOOLEAN,
    constant: false,
    eval: (r) => {
      const v = x.eval(r);
      const pv = p.eval(r);
      if (v === null || pv === null) return null;
      return likeRegex(pv as string, esc).test(v as string) !== neg;
    },
  };
}

function likeRegex(pattern: string, esc: string | undefined): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (esc !== undefined && c === esc && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
