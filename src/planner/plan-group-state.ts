// (Eddy) A per-key state function in a grouped stream query → one GroupState node.
//
//   CREATE STREAM ALERTS AS SELECT USER_ID, TRACK(URL) AS A FROM CLICKS GROUP BY USER_ID;
//       the rows TRACK returns, one output record each, keyed by USER_ID (a stream)
//   CREATE TABLE TRACKED AS SELECT USER_ID, TRACK(URL) AS S FROM CLICKS GROUP BY USER_ID;
//       each key's state after each call (a table: pull queries read it by key; removed state
//       is a tombstone)
//
// The shape is ksqlDB's GROUP BY, because the function is per key as an aggregate is; what the
// query's sink is (STREAM or TABLE) says whether it wants the function's rows or its state, as
// Spark's flatMapGroupsWithState and updateStateByKey are one mechanism seen from two ends. The
// rules that make the node well-formed are checked here, at planning, with the call's location.

import type { Expr, FunctionCall, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { ColumnDef } from './catalog.js';
import { compile, type ErrorRoute } from './compile.js';
import { exprText, walkExpr } from './expr-text.js';
import type { ArgInfo } from './functions/types.js';
import type { StateFunction } from './functions/user-state-functions.js';
import type { CompiledExpr, GroupStateNode, PlanNode, ProjectNode, Schema } from './plan.js';
import type { PlannedRelation } from './plan-relation.js';
import type { RelationScope } from './relation-scope.js';

export interface GroupStateColumn {
  readonly expr: Expr;
  readonly name: string;
  readonly loc: Expr['loc'];
}

/** What plan-query.ts knows and this file needs (passed in, so imports keep pointing one way). */
export interface GroupStateContext {
  readonly q: Query;
  readonly rel: PlannedRelation;
  readonly scope: RelationScope;
  readonly input: PlanNode;
  readonly columns: readonly GroupStateColumn[];
  readonly errors: ErrorRoute;
  /** The sink is a TABLE (CREATE TABLE AS): the node emits each key's state; otherwise the function's rows. */
  readonly intoTable: boolean;
  /** A persistent query (keys first, all selected); otherwise a push query (the select list as written). */
  readonly persistent: boolean;
  readonly sameExpr: (a: Expr, b: Expr) => boolean;
  readonly columnName: (e: Expr) => string | undefined;
  readonly groupsBySourceKey: boolean;
  readonly argInfo: (e: Expr, c: CompiledExpr) => ArgInfo;
}

/** The state function a call names, if it names one. */
export function stateFunctionOf(e: Expr, scope: RelationScope): StateFunction | undefined {
  return e.kind === 'FunctionCall' ? scope.functions.lookupStateFunction(e.name) : undefined;
}

/** Whether a select list calls a state function anywhere (then the query is planned here). */
export function callsStateFunction(columns: readonly GroupStateColumn[], scope: RelationScope): boolean {
  let found = false;
  for (const c of columns)
    walkExpr(c.expr, (x) => {
      if (stateFunctionOf(x, scope)) found = true;
      return !found;
    });
  return found;
}

export function planGroupState(ctx: GroupStateContext): { root: PlanNode; output: Schema } {
  const { q, rel, scope, columns, errors } = ctx;
  const calls = columns.filter((c) => stateFunctionOf(c.expr, scope));
  const nested = columns.find((c) => !stateFunctionOf(c.expr, scope) && callsStateFunction([c], scope));
  if (nested) throw new SqlError(`A state function must be a whole item of the SELECT list, not inside an expression: ${exprText(nested.expr)}`, nested.expr);
  const call = calls[0]!.expr as FunctionCall;
  const fn = stateFunctionOf(call, scope)!;
  if (calls.length > 1) throw new SqlError(`A query calls at most one state function: ${calls.map((c) => exprText(c.expr)).join(', ')}`, calls[1]!.expr);
  if (!q.groupBy?.length) throw new SqlError(`State function ${fn.name} keeps state per key: the query needs a GROUP BY (GROUP BY the key)`, call);
  if (q.window) throw new SqlError(`State function ${fn.name} cannot be used with a WINDOW: it keeps its own state per key (set timeouts for time-based behaviour)`, q.window);
  if (q.having) throw new SqlError(`HAVING is not supported with state function ${fn.name}: filter its output in another query`, q.having);
  if (q.partitionBy?.length) throw new SqlError('PARTITION BY is not supported with GROUP BY.', q.partitionBy[0]!);
  if (rel.isTable) throw new SqlError(`State function ${fn.name} reads a stream: a table's changes are not records to fold into state`, call);
  if (q.emit === 'FINAL') throw new SqlError(`EMIT FINAL is not supported with state function ${fn.name}: its outputs are what the function returns`, call);

  const groupBy = q.groupBy;
  const groupCompiled = groupBy.map((g) => compile(g, scope, errors));
  for (const a of call.args) {
    let agg = '';
    walkExpr(a, (x) => {
      if (x.kind === 'FunctionCall' && scope.functions.lookupAggregate(x.name)) agg = x.name;
      return !agg;
    });
    if (agg) throw new SqlError(`Aggregate function ${agg} cannot be an argument of state function ${fn.name}`, a);
  }
  const args = call.args.map((a) => compile(a, scope, errors));
  let impl;
  try {
    impl = fn.resolve(call.args.map((a, i) => ctx.argInfo(a, args[i]!)));
  } catch (e) {
    throw new SqlError((e as Error).message, call);
  }

  // Every other select item is a group-by expression (a key column of the output).
  const keyNames: string[] = [];
  const keySelect: number[] = [];
  let generated = columns.filter((c) => /^KSQL_COL_\d+$/.test(c.name)).length;
  for (const g of groupBy) {
    const hit = columns.findIndex((c, i) => !keySelect.includes(i) && ctx.sameExpr(c.expr, g));
    keySelect.push(hit);
    keyNames.push(hit >= 0 ? columns[hit]!.name : (ctx.columnName(g) ?? `KSQL_COL_${generated++}`));
  }
  const strays = columns.filter((c, i) => c !== calls[0] && !keySelect.includes(i));
  if (strays.length) {
    throw new SqlError(
      `With state function ${fn.name}, the SELECT list holds the GROUP BY expressions and the call only: ${strays.map((s) => exprText(s.expr)).join(', ')} is neither (select the field of the function's row in another query)`,
      strays[0]!.loc,
    );
  }
  const missing = keySelect.indexOf(-1);
  if (ctx.persistent && missing >= 0) {
    const g = exprText(groupBy[missing]!);
    throw new SqlError(`The query must include the grouping expression ${g} in its projection (eg, SELECT ${g}...).`, groupBy[missing]!);
  }

  const emits = ctx.intoTable ? 'state' : 'rows';
  const valueName = calls[0]!.name;
  const cols: ColumnDef[] = [
    ...groupBy.map((g, i) => ({ name: keyNames[i]!, type: groupCompiled[i]!.type, role: 'key' as const, text: exprText(g) })),
    { name: valueName, type: emits === 'state' ? impl.stateType : impl.returnType, role: 'value' as const },
  ];
  const schema: Schema = { columns: cols, isTable: emits === 'state' };
  const node: GroupStateNode = {
    kind: 'GroupState',
    input: ctx.input,
    groupBy: groupCompiled,
    call: { text: exprText(call), impl, args },
    emits,
    ...(ctx.groupsBySourceKey ? {} : { repartition: true }),
    schema,
  };
  if (ctx.persistent) return { root: node, output: schema };
  // A push query answers with the select list as written.
  const order = columns.map((c, i) => (c === calls[0] ? groupBy.length : keySelect.indexOf(i)));
  const exprs: CompiledExpr[] = order.map((k) => ({ text: cols[k]!.name, type: cols[k]!.type, eval: (r) => r.cols[k] ?? null }));
  const out: Schema = { columns: order.map((k) => cols[k]!), isTable: schema.isTable };
  const root: ProjectNode = { kind: 'Project', input: node, exprs, schema: out };
  return { root, output: out };
}
