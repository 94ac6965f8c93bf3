// Expression AST → typed closure. Names resolve through the Scope, types are checked here at
// plan time (errors carry the node's position), and each node becomes one small closure so the
// hot path does no dispatch. NULL semantics are SQL's; a failing function yields NULL and a
// processing-log entry, as in ksqlDB. Each family of expressions compiles in its own file; this
// one dispatches over every kind, so a new kind fails to compile until it is handled here.

import type { Expr, FunctionCall } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T, type SqlType } from '../../parser/sql-type.js';
import type { Rec } from '../record.js';
import type { EvalErrorSink, Scope } from '../scope.js';
import type { Value } from '../values.js';
import { compileColumn, compileDereference, compileSubscript } from './compile-access.js';
import { compileBinary, compileSign } from './compile-arithmetic.js';
import { compileCase } from './compile-case.js';
import { compileCast } from './compile-cast.js';
import { compileBetween, compileComparison, compileInList } from './compile-comparison.js';
import { compileArray, compileMap, compileStruct } from './compile-constructor.js';
import { compileFunctionCall } from './compile-function-call.js';
import { compileLike } from './compile-like.js';
import { compileLiteral } from './compile-literal.js';
import { compileIsNull, compileLogical, compileNot } from './compile-logical.js';
import { NO_REC, type CompileContext, type ExprNode } from './expr-node.js';

export interface CompiledExpression {
  readonly type: SqlType;
  readonly eval: (r: Rec) => Value;
  readonly constant?: boolean;
}

export interface CompileOptions {
  readonly onError: EvalErrorSink;
}

/** The call names an aggregate function of the scope's table. */
export function isAggregateCall(call: FunctionCall, scope: Scope): boolean {
  return scope.functions.lookupAggregate(call.name) !== undefined;
}

export function compileExpression(expr: Expr, scope: Scope, opts: CompileOptions): CompiledExpression {
  const n = compileInScope(expr, scope, opts.onError);
  return { type: n.type ?? T.STRING, eval: n.eval, constant: n.constant };
}

function compileInScope(e: Expr, scope: Scope, onError: EvalErrorSink): ExprNode {
  const bound = scope.bindExpression?.(e);
  if (bound) return { type: bound.type, eval: bound.read, constant: false };
  const ctx: CompileContext = { scope, onError, compile: (sub, inner = scope) => compileInScope(sub, inner, onError) };
  const n = compileNode(ctx, e);
  if (n.constant && e.kind !== 'NullLiteral') {
    // Fold constants once; a constant that fails to evaluate stays a runtime NULL.
    try {
      const v = n.eval(NO_REC);
      return { type: n.type, eval: () => v, constant: true };
    } catch {
      return n;
    }
  }
  return n;
}

function compileNode(ctx: CompileContext, e: Expr): ExprNode {
  switch (e.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'IntervalLiteral':
      return compileLiteral(e);
    case 'ColumnRef':
      return compileColumn(ctx, e);
    case 'Dereference':
      return compileDereference(ctx, e);
    case 'Subscript':
      return compileSubscript(ctx, e);
    case 'Unary':
      return e.op === 'NOT' ? compileNot(ctx, e) : compileSign(ctx, e);
    case 'Binary':
      return compileBinary(ctx, e);
    case 'Comparison':
      return compileComparison(ctx, e);
    case 'Logical':
      return compileLogical(ctx, e);
    case 'IsNull':
      return compileIsNull(ctx, e);
    case 'Between':
      return compileBetween(ctx, e);
    case 'InList':
      return compileInList(ctx, e);
    case 'Like':
      return compileLike(ctx, e);
    case 'Case':
      return compileCase(ctx, e);
    case 'Cast':
      return compileCast(ctx, e);
    case 'FunctionCall':
      return compileFunctionCall(ctx, e);
    case 'Lambda':
      throw new SqlError('A lambda can only be an argument of a function such as TRANSFORM, FILTER or REDUCE.', e);
    case 'ArrayLiteral':
      return compileArray(ctx, e);
    case 'MapLiteral':
      return compileMap(ctx, e);
    case 'StructLiteral':
      return compileStruct(ctx, e);
  }
}
