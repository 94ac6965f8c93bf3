// The planner's one doorway into the expression compiler and function registry, so plan code
// reads as plan code and the compiler's signature lives in one place.

import type { Expr, FunctionCall } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { CodegenError } from './expr/codegen-error.js';
import { compileExpression, isAggregateCall as isAggCall } from './expr/index.js';
import { exprText } from './expr-text.js';
import type { AggregateFunction, TableFunction } from './functions/types.js';
import type { CompiledExpr } from './plan.js';
import type { EvalErrorSink, Scope } from './scope.js';

/** Evaluation errors of one query go through this; the runtime points it at the processing log. */
export interface ErrorRoute {
  sink: EvalErrorSink;
}

/** A route that drops errors until the runtime points it somewhere (the processing log). */
export function newErrorRoute(): ErrorRoute {
  return { sink: () => {} };
}

export function compile(expr: Expr, scope: Scope, errors: ErrorRoute): CompiledExpr {
  const c = compileExpression(expr, scope, { onError: (m: string) => errors.sink(m) });
  return { text: exprText(expr), type: c.type, eval: c.eval };
}

/**
 * A SELECT item: an error ksqlDB finds only when generating the item's code (a CAST it cannot
 * do) reads `Invalid Select: <message>.`, as its code generator words it.
 */
export function compileSelectItem(expr: Expr, scope: Scope, errors: ErrorRoute): CompiledExpr {
  try {
    return compile(expr, scope, errors);
  } catch (e) {
    if (e instanceof CodegenError) throw new SqlError(`Invalid Select: ${e.bareMessage.replace(/\.$/, '')}.`, e.position);
    throw e;
  }
}

/**
 * WHERE and HAVING: a compile error names the clause, as ksqlDB's type check of the clause does.
 * A pull query's WHERE is then interpreted, not compiled: an error only the interpreter finds
 * (one ksqlDB raises generating code, such as a BETWEEN bound of the wrong type) reads
 * `Invalid expression: …`, as its interpreter words it.
 */
export function compileClause(clause: 'WHERE' | 'HAVING', expr: Expr, scope: Scope, errors: ErrorRoute, overJoin = false, pull = false): CompiledExpr {
  try {
    return compile(expr, scope, errors);
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
    if (pull && e instanceof CodegenError) throw new SqlError(`Invalid expression: ${e.bareMessage}\nStatement: ${exprText(expr)}`, e.position);
    // ksqlDB names the clause, and for comparisons also repeats the whole predicate.
    const comparison = e.bareMessage.startsWith('Cannot compare ');
    const statement = comparison ? `\nStatement: ${exprText(expr)}` : '';
    // Over a join ksqlDB has already flattened the sides' columns to ALIAS_COLUMN when it types the predicate.
    const flatten = (text: string) =>
      text
        .split(/('(?:[^']|'')*')/)
        .map((part, i) => (i % 2 ? part : part.replace(/\b([A-Z_][A-Z0-9_]*)\.([A-Z_][A-Z0-9_]*)\b/g, '$1_$2')))
        .join('');
    const message = comparison && overJoin ? flatten(e.bareMessage) : e.bareMessage;
    throw new SqlError(`Error in ${clause} expression: ${message}${statement}`, e.position);
  }
}

// Function names resolve in the scope's table (the planning engine's: built-ins and its own user functions).

export function isAggregateCall(e: Expr, scope: Scope): e is FunctionCall {
  return e.kind === 'FunctionCall' && isAggCall(e, scope);
}

export function aggregateFunction(name: string, scope: Scope): AggregateFunction | undefined {
  return scope.functions.lookupAggregate(name);
}

export function tableFunction(name: string, scope: Scope): TableFunction | undefined {
  return scope.functions.lookupTableFunction(name);
}
