// Questions the clauses of a query ask of an expression: does it aggregate, is it the same column
// (or the same text) as another.

import type { Expr } from '../parser/ast.js';
import { isAggregateCall } from './compile.js';
import { exprText, walkExpr } from './expr-text.js';
import type { RelationScope } from './relation-scope.js';
import type { Scope } from './scope.js';

export function containsAggregate(e: Expr, scope: Scope): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'Lambda') return false;
    if (isAggregateCall(x, scope)) found = true;
    return !found;
  });
  return found;
}

/** Binding of a plain column reference in the relation scope, for identity comparisons. */
export function bindingIndex(e: Expr, scope: RelationScope): number | undefined {
  if (e.kind !== 'ColumnRef') return undefined;
  try {
    return scope.resolveColumn(e).index;
  } catch {
    return undefined;
  }
}

export function sameExpr(a: Expr, b: Expr, scope: RelationScope): boolean {
  const ia = bindingIndex(a, scope);
  if (ia !== undefined) return ia === bindingIndex(b, scope);
  return exprText(a) === exprText(b);
}
