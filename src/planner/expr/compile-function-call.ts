// Scalar function calls, with lambda arguments (TRANSFORM, FILTER, REDUCE, ...) compiled against
// a LambdaScope whose frame the function fills before each call of the lambda.

import type { Expr, FunctionCall } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { isTimeUnit } from '../../parser/expression-parser.js';
import { exprText } from '../expr-text.js';
import { declaredName } from '../functions/declared-names.js';
import type { ArgInfo, LambdaValue } from '../functions/types.js';
import type { Scope } from '../scope.js';
import type { Value } from '../values.js';
import { NO_REC, type CompileContext, type ExprNode } from './expr-node.js';
import { canonicalLong } from '../long.js';
import { LambdaScope } from './lambda-scope.js';

/** Functions whose result changes from call to call, so a call with constant arguments is not folded. */
const VOLATILE = ['RANDOM', 'UUID', 'UNIX_TIMESTAMP', 'UNIX_DATE', 'NOW'];

export function compileFunctionCall(ctx: CompileContext, e: FunctionCall): ExprNode {
  const scope = ctx.scope;
  const functions = scope.functions;
  const fn = functions.lookupScalar(e.name);
  if (!fn) {
    if (functions.lookupAggregate(e.name)) {
      if (!scope.allowAggregates) throw new SqlError(`Aggregate function ${e.name} can only be used in the SELECT list or HAVING clause of a GROUP BY query.`, e);
      throw new SqlError(`Aggregate functions can not be nested: ${exprText(e)}`, e);
    }
    if (functions.lookupTableFunction(e.name)) throw new SqlError(`Table function ${e.name} can only be used on its own in the SELECT list.`, e);
    throw new SqlError(`Can't find any functions with the name '${e.name}'`, e);
  }
  // Unit names such as DAYS arrive as bare identifiers; pass them as constant strings.
  const argExprs: Expr[] = e.args.map((a) => (a.kind === 'ColumnRef' && !a.source && isTimeUnit(a.name) && !resolves(scope, a) ? { kind: 'StringLiteral', value: a.name, loc: a.loc } : a));
  const nodes: (ExprNode | undefined)[] = argExprs.map((a) => (a.kind === 'Lambda' ? undefined : ctx.compile(a)));
  const types = nodes.map((n) => n?.type ?? null);
  const lambdas: { frame: Value[]; body: ExprNode; arity: number }[] = [];
  const infos: ArgInfo[] = argExprs.map((a, i) => {
    if (a.kind === 'Lambda') {
      const paramTypes = fn.lambdaParamTypes?.(types, i);
      if (!paramTypes) throw new SqlError(`Function '${e.name}' does not accept a lambda argument.`, a);
      if (paramTypes.length !== a.params.length) throw new SqlError(`The lambda for ${e.name} takes ${paramTypes.length} parameter(s), got ${a.params.length}.`, a);
      const frame: Value[] = [];
      const body = ctx.compile(a.body, new LambdaScope(scope, a.params, paramTypes, frame));
      lambdas[i] = { frame, body, arity: a.params.length };
      return { type: body.type, isConstant: false, lambda: { arity: a.params.length } };
    }
    const n = nodes[i]!;
    return n.constant ? { type: n.type, isConstant: true, constant: n.eval(NO_REC) } : { type: n.type, isConstant: false };
  });
  let impl;
  try {
    impl = fn.resolve(infos);
  } catch (err) {
    throw new SqlError((err as Error).message.replace(`Function '${fn.name}'`, `Function '${fn.declaredAs ?? declaredName(fn.name)}'`), e);
  }
  // A body typed BIGINT may compute in doubles: its result is put in BIGINT's canonical form (long.ts).
  const body = impl.fn;
  const f = impl.returnType.kind === 'BIGINT' ? (a: readonly unknown[]) => canonicalLong(body(a)) as Value : body;
  const tolerant = impl.nullTolerant === true;
  const onError = ctx.onError;
  const count = argExprs.length;
  const hasLambda = lambdas.length > 0;
  const constant = !hasLambda && nodes.every((n) => n?.constant) && !VOLATILE.includes(e.name);
  return {
    type: impl.returnType,
    constant,
    eval: (r) => {
      const args = new Array<unknown>(count);
      for (let i = 0; i < count; i++) {
        const n = nodes[i];
        if (n) {
          const v = n.eval(r);
          if (v === null && !tolerant) return null;
          args[i] = v;
        } else {
          const l = lambdas[i]!;
          const lambda: LambdaValue = (...ps: Value[]) => {
            for (let k = 0; k < ps.length; k++) l.frame[k] = ps[k]!;
            return l.body.eval(r);
          };
          args[i] = lambda;
        }
      }
      try {
        const out = f(args);
        return out === undefined ? null : out;
      } catch (err) {
        onError(`Error computing function ${e.name}: ${(err as Error).message}`);
        return null;
      }
    },
  };
}

function resolves(scope: Scope, ref: Expr & { kind: 'ColumnRef' }): boolean {
  try {
    scope.resolveColumn(ref);
    return true;
  } catch {
    return false;
  }
}
