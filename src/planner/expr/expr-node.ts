// What every expression family compiles to, and the context it compiles with: the scope names
// resolve through, the error sink for failing rows, and the recursive compiler for sub-expressions.

import type { Expr } from '../../parser/ast.js';
import { formatType } from '../../parser/sql-type.js';
import type { Rec } from '../record.js';
import type { EvalErrorSink, Scope } from '../scope.js';
import type { Value } from '../values.js';
import type { MaybeType } from './types.js';

/** A compiled sub-expression; its type is null for an untyped NULL. */
export interface ExprNode {
  readonly type: MaybeType;
  readonly eval: (r: Rec) => Value;
  readonly constant: boolean;
}

export interface CompileContext {
  readonly scope: Scope;
  readonly onError: EvalErrorSink;
  /** Compiles a sub-expression, in this context's scope unless another (a lambda's) is given. */
  readonly compile: (e: Expr, scope?: Scope) => ExprNode;
}

/** The record constant expressions are evaluated against at plan time. */
export const NO_REC: Rec = { cols: [], ts: 0, partition: 0, offset: 0 };

export function constantNode(type: MaybeType, v: Value): ExprNode {
  return { type, eval: () => v, constant: true };
}

export function typeName(t: MaybeType): string {
  return t === null ? 'NULL' : formatType(t);
}
