// Which types may be compared with which operator, checked at plan time with ksqlDB's messages.

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import type { SqlType } from '../../parser/sql-type.js';
import { exprText } from '../expr-text.js';
import { CodegenError } from './codegen-error.js';
import { typeName, type ExprNode } from './expr-node.js';
import { numericRank, type MaybeType } from './types.js';

export function comparableKinds(a: MaybeType, b: MaybeType, op: string): boolean {
  if (a === null || b === null) return true;
  if (numericRank(a) !== undefined && numericRank(b) !== undefined) return true;
  const temporal = (t: SqlType) => t.kind === 'TIMESTAMP' || t.kind === 'DATE' || t.kind === 'TIME';
  if (temporal(a) && (b.kind === 'STRING' || temporal(b))) return true;
  if (temporal(b) && a.kind === 'STRING') return true;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'ARRAY' || a.kind === 'MAP' || a.kind === 'STRUCT') return (op === '=' || op === '<>' || op.includes('DISTINCT')) && comparableParts(a, b);
  if (a.kind === 'BOOLEAN') return op === '=' || op === '<>' || op.includes('DISTINCT');
  return true;
}

/** Containers compare equal only when their element (or same-named field) types do. */
function comparableParts(a: SqlType, b: SqlType): boolean {
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') return comparableKinds(a.item, b.item, '=');
  if (a.kind === 'MAP' && b.kind === 'MAP') return comparableKinds(a.key, b.key, '=') && comparableKinds(a.value, b.value, '=');
  if (a.kind === 'STRUCT' && b.kind === 'STRUCT') {
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f) => {
        const g = b.fields.find((x) => x.name === f.name);
        return g !== undefined && comparableKinds(f.type, g.type, '=');
      })
    );
  }
  return true;
}

export function checkComparable(a: ExprNode, b: ExprNode, op: string, e: Expr): void {
  if (!comparableKinds(a.type, b.type, op)) throw new SqlError(cannotCompare(a, b, op, exprTextOf(e, 'left'), exprTextOf(e, 'right')), e);
}

/**
 * BETWEEN's bounds. ksqlDB's type checker takes a BETWEEN as BOOLEAN without looking at its
 * bounds; a bound that cannot meet the operand is found only when the predicate's code is
 * generated (or, in a pull query, interpreted) as `x >= low AND x <= high` — so it is a
 * code-generation error, worded by the place that compiles it (compile.ts).
 */
export function checkBetweenBound(x: ExprNode, bound: ExprNode, op: '>=' | '<=', e: Expr & { kind: 'Between' }): void {
  const text = exprText(op === '>=' ? e.low : e.high);
  if (!comparableKinds(x.type, bound.type, op)) throw new CodegenError(cannotCompare(x, bound, op, exprText(e.operand), text), e);
}

function cannotCompare(a: ExprNode, b: ExprNode, op: string, left: string, right: string): string {
  return `Cannot compare ${left} (${typeName(a.type)}) to ${right} (${typeName(b.type)}) with ${opName(op)}.`;
}

function exprTextOf(e: Expr, side: 'left' | 'right'): string {
  if (e.kind === 'Comparison') return exprText(side === 'left' ? e.left : e.right);
  return exprText(e);
}

function opName(op: string): string {
  const names: Record<string, string> = { '=': 'EQUAL', '<>': 'NOT_EQUAL', '<': 'LESS_THAN', '<=': 'LESS_THAN_OR_EQUAL', '>': 'GREATER_THAN', '>=': 'GREATER_THAN_OR_EQUAL' };
  return names[op] ?? op;
}
