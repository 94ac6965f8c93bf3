// SELECT → micro-batch operator plan: relation, WHERE, then either the aggregation
// (plan-aggregate.ts) or the projection — keyed for persistent and PARTITION BY queries
// (plan-projection.ts), as written for pull and push queries (plan-transient-projection.ts) —
// and a bounded query's ORDER BY. The select list is expanded and named in select-list.ts.

import type { Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { checkReservedOutputNames } from './reserved-names.js';
import type { Catalog } from './catalog.js';
import { checkNewPlannerQuery, newPlannerEnabled } from './new-planner-rules.js';
import { compileClause, type ErrorRoute } from './compile.js';
import { exprText } from './expr-text.js';
import type { PlanNode } from './plan.js';
import { planRelation, type PlannedRelation } from './plan-relation.js';
import { columnUse } from './source-reads.js';
import { checkEmitFinal, checkPersistentQuery } from './persistent-query-rules.js';
import { RelationScope } from './relation-scope.js';
import { checkWithoutFrom, isBoundedQuery } from './adhoc-query-rules.js';
import { staticKeyLookup } from './static-key-lookup.js';
import { callsStateFunction, planGroupState } from './plan-group-state.js';
import { orderPlan, orderTargets, refuseOrderBy, type OrderTarget } from './order-by.js';
import type { Binding } from './scope.js';
import type { PlannedQuery } from './planned-query.js';
import { columnName, selectColumns, type SelectColumn } from './select-list.js';
import { argInfo } from './function-calls.js';
import { containsAggregate, sameExpr } from './query-exprs.js';
import { rejectWindowBounds } from './window-bounds.js';
import { groupsBySourceKey, planAggregate } from './plan-aggregate.js';
import { planProjection } from './plan-projection.js';
import { planTransientProjection } from './plan-transient-projection.js';

export type { PlannedQuery } from './planned-query.js';

export interface PlanQueryOptions {
  /** The CSAS/CTAS/INSERT target, for messages that name it. */
  readonly sinkName?: string;
  /** Session properties, for functions configured by them (ksql.functions.*). */
  readonly properties?: ReadonlyMap<string, string>;
  /** A pull query: its WHERE is interpreted, which words some errors its own way (compile.ts). */
  readonly pull?: boolean;
  /** The statement's text, for the errors ksqlDB ends with `Statement: <text>`. */
  readonly statementText?: string;
  /** The persistent query writes a TABLE (CREATE TABLE AS): a state function then gives its state, not its rows. */
  readonly intoTable?: boolean;
}

export function planQuery(q: Query, catalog: Catalog, errors: ErrorRoute, opts: PlanQueryOptions = {}): PlannedQuery {
  // Persistent queries (CSAS/CTAS/INSERT) must carry their keys; pull and push queries answer
  // with the select list as written.
  const persistent = opts.sinkName !== undefined;
  // A finite answer (static tables only, or no FROM) may be sorted and aggregated as one group.
  const bounded = isBoundedQuery(q, catalog, persistent);
  // ksqlDB's grammar has no ORDER BY: its syntax error comes before any other complaint.
  if (q.orderBy && !bounded) refuseOrderBy(q.orderBy, opts.statementText);
  if (persistent) checkPersistentQuery(q, catalog);
  checkWithoutFrom(q);
  checkEmitFinal(q);
  const newPlanner = !opts.pull && q.from !== undefined && newPlannerEnabled(opts.properties);
  if (newPlanner) checkNewPlannerQuery(q, catalog);
  // A persistent query's sources decode only the columns it reads (source-reads.ts).
  const rel = withKeyLookup(planRelation(q.from, catalog, errors, persistent ? columnUse(q) : undefined), q, persistent);
  const extra = new Map<string, Binding>();
  if (rel.joinKey) extra.set('ROWKEY', rel.joinKey);
  const relScope = new RelationScope(rel.entries, catalog.functions, { pseudoColumns: true, extra });
  const sink = opts.sinkName ?? 'OUTPUT';
  let node: PlanNode = rel.node;

  if (q.where) {
    if (containsAggregate(q.where, relScope)) throw new SqlError('Aggregate functions are not allowed in WHERE; use HAVING.', q.where);
    rejectWindowBounds(q.where, relScope, true, (name) => `Error in WHERE expression: Unknown column ${name}.`);
    const predicate = compileClause('WHERE', q.where, relScope, errors, rel.isJoin, opts.pull);
    if (predicate.type.kind !== 'BOOLEAN') throw new SqlError(`Type error in WHERE expression: Should evaluate to boolean but is ${exprText(q.where)} (${predicate.type.kind}) instead.`, q.where);
    node = { kind: 'Filter', input: node, predicate, schema: node.schema };
  }

  if (persistent) checkReservedOutputNames(q, rel.isJoin);
  const columns = selectColumns(q, rel, relScope, errors, !persistent);
  if (callsStateFunction(columns, relScope)) {
    const planned = planGroupState({
      q,
      rel,
      scope: relScope,
      input: node,
      columns,
      errors,
      intoTable: opts.intoTable === true,
      persistent,
      sameExpr: (a, b) => sameExpr(a, b, relScope),
      columnName: (e) => columnName(e, rel),
      groupsBySourceKey: groupsBySourceKey(q.groupBy ?? [], rel),
      argInfo,
    });
    return { ...planned, relation: rel };
  }
  const aggregated = !!q.groupBy?.length || columns.some((c) => containsAggregate(c.expr, relScope)) || q.having !== undefined;
  if (q.window && !aggregated) throw new SqlError('WINDOW clause requires a GROUP BY clause.', q.window);
  const targets = q.orderBy ? orderTargets(q.orderBy.items, columns) : [];
  if (aggregated) {
    const extra = targets.findIndex((t) => t.kind === 'extra');
    if (extra >= 0)
      throw new SqlError(
        `ORDER BY ${exprText(q.orderBy!.items[extra]!.expr)}: an aggregation sorts by a column of its select list; select it, or give its position or name.`,
        q.orderBy!.items[extra]!,
      );
    return withOrder(planAggregate(q, rel, relScope, node, columns, errors, sink, persistent, bounded, opts.properties), q, targets);
  }
  if (q.having) throw new SqlError('HAVING requires a GROUP BY clause.', q.having);
  if (!persistent && !q.partitionBy?.length) {
    // Expressions sorted by but not selected are computed after the select list, then dropped.
    const extras: SelectColumn[] = targets.flatMap((t, i) => (t.kind === 'extra' ? [{ expr: t.expr, name: `KSQL_ORDER_${i}`, loc: t.expr.loc }] : []));
    return withOrder(planTransientProjection(rel, relScope, node, [...columns, ...extras], errors), q, targets, columns.length);
  }
  if (q.orderBy) throw new SqlError('ORDER BY cannot be combined with PARTITION BY.', q.orderBy);
  return planProjection(q, rel, relScope, node, columns, errors, sink, persistent, newPlanner);
}

/** A pull query over one static table that fixes its whole primary key reads that row by the key. */
function withKeyLookup(rel: PlannedRelation, q: Query, persistent: boolean): PlannedRelation {
  if (persistent || q.emit !== undefined || rel.node.kind !== 'Source') return rel;
  const keyLookup = staticKeyLookup(q, rel.node.source);
  return keyLookup ? { ...rel, node: { ...rel.node, keyLookup } } : rel;
}

/** The ORDER BY of a planned query, its output cut to the `width` columns the caller sees. */
function withOrder(planned: PlannedQuery, q: Query, targets: readonly OrderTarget[], width = planned.output.columns.length): PlannedQuery {
  if (!q.orderBy) return planned;
  const order = orderPlan(q.orderBy.items, targets, planned.root.schema.columns, width);
  const output = width < planned.output.columns.length ? { ...planned.output, columns: planned.output.columns.slice(0, width) } : planned.output;
  return { ...planned, output, order };
}
