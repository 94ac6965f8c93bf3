// Resolving aggregate and table function calls against their arguments: which arguments are
// constants (and their values), and error messages that name a built-in as ksqlDB declares it.

import type { Expr, FunctionCall } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { compile, tableFunction, type ErrorRoute } from './compile.js';
import { declaredName } from './functions/declared-names.js';
import type { ArgInfo, TableFunctionImpl } from './functions/types.js';
import type { CompiledExpr } from './plan.js';
import type { Rec } from './record.js';
import type { RelationScope } from './relation-scope.js';
import type { Scope } from './scope.js';

function isConstantExpr(e: Expr): boolean {
  return (
    e.kind === 'NumberLiteral' || e.kind === 'StringLiteral' || e.kind === 'BooleanLiteral' || e.kind === 'NullLiteral' || (e.kind === 'Unary' && e.op === '-' && e.operand.kind === 'NumberLiteral')
  );
}

const NO_REC: Rec = { cols: [], ts: 0, partition: 0, offset: 0 };

export function argInfo(e: Expr, c: CompiledExpr): ArgInfo {
  if (!isConstantExpr(e)) return { type: c.type, isConstant: false, text: c.text };
  const v = c.eval(NO_REC);
  return { type: e.kind === 'NullLiteral' ? null : c.type, isConstant: true, constant: v };
}

/** A built-in's error names it as ksqlDB declares it ('collect_list', 'COUNT'); a user function keeps its name. */
export function quoteDeclaredName(message: string, name: string, scope: Scope): string {
  return scope.functions.isBuiltIn(name) ? message.replace(`Function '${name}'`, `Function '${declaredName(name)}'`) : message;
}

/**
 * A table function call of the SELECT list, resolved against its arguments' types: a call that
 * does not fit is a planning error at the call's line and column; a failing record at run time
 * goes through `errors` (the processing log), as a scalar call's does.
 */
export function planTableFunctionCall(e: FunctionCall, scope: RelationScope, errors: ErrorRoute): { impl: TableFunctionImpl; args: CompiledExpr[] } {
  const tf = tableFunction(e.name, scope)!;
  const args = e.args.map((a) => compile(a, scope, errors));
  try {
    return {
      impl: tf.resolve(
        e.args.map((a, i) => argInfo(a, args[i]!)),
        { properties: new Map(), onError: (m) => errors.sink(m) },
      ),
      args,
    };
  } catch (err) {
    if (err instanceof SqlError) throw err;
    throw new SqlError(quoteDeclaredName((err as Error).message, tf.name, scope), e);
  }
}

/** Whether a select list calls a table function, refused over a table source as ksqlDB refuses it. */
export function callsTableFunction(columns: readonly { readonly expr: Expr }[], scope: RelationScope, sourceIsTable: boolean): boolean {
  const call = columns.find((c) => c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope));
  if (call && sourceIsTable) throw new SqlError('Table source is not supported with table functions', call.expr);
  return call !== undefined;
}
