// EXPLAIN: the plan of a statement, from the very door that statement goes through (a CREATE …
// AS SELECT's from planPersistentQuery, a push or pull query's from plan-select.ts), or a running
// query's by its id. EXPLAIN therefore shows what would run, and refuses what would not, as the
// statement would.

import type { Explain } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { QueryPlan } from './plan.js';
import { namedQueryPlan, planPersistentQuery } from './plan-persistent.js';
import { planPullQuery, planPushQuery } from './plan-select.js';
import { nothing, type NothingToDo, type StatementContext } from './statement-context.js';

/** The id EXPLAIN gives a plan it has not started. */
export const NOT_STARTED = '(not started)';

export type ExplainPlan =
  /** A running query (persistent or push): its task built the operators EXPLAIN prints. */
  | { readonly kind: 'ExplainRunning'; readonly id: string; readonly push: boolean; readonly analyze: boolean }
  /** A statement's plan, not started: EXPLAIN builds its operators in memory. */
  | {
      readonly kind: 'ExplainPlanned';
      readonly plan: QueryPlan;
      readonly analyze: boolean;
      /** A pull query: its rows go to the caller, with no sink operator (its plan's sink is not built). */
      readonly pull: boolean;
    }
  | NothingToDo;

export function planExplain(stmt: Explain, text: string, ctx: StatementContext): ExplainPlan {
  const { analyze } = stmt;
  if (stmt.target.kind === 'queryId') {
    const want = stmt.target.id.toUpperCase();
    const id = [...ctx.queries.keys()].find((k) => k.toUpperCase() === want);
    if (id) return { kind: 'ExplainRunning', id, push: false, analyze };
    const push = ctx.pushQueryIds().find((k) => k.toUpperCase() === want);
    if (push) return { kind: 'ExplainRunning', id: push, push: true, analyze };
    throw new SqlError(`Query with id:${stmt.target.id} does not exist, use SHOW QUERIES to view the full set of running queries.`, stmt);
  }
  const inner = stmt.target.statement;
  const sql = text.replace(/^\s*EXPLAIN\s+(ANALYZE\s+)?/i, '');
  if (inner.kind === 'CreateAsSelect' || inner.kind === 'InsertInto') {
    const p = planPersistentQuery(inner, sql, ctx);
    if (p.kind === 'SinkExists') return nothing(`${p.message} Nothing would run.`);
    return { kind: 'ExplainPlanned', plan: namedQueryPlan(p, NOT_STARTED), analyze, pull: false };
  }
  if (inner.kind === 'Query') {
    const planned = inner.emit ? planPushQuery(inner, sql, ctx) : planPullQuery(inner, sql, ctx);
    const sink = { kind: 'Push' as const, ...(planned.limit !== undefined ? { limit: planned.limit } : {}) };
    return { kind: 'ExplainPlanned', plan: { id: NOT_STARTED, sql, root: planned.root, sink, output: planned.output }, analyze, pull: planned.kind === 'PullQuery' };
  }
  throw new SqlError('EXPLAIN supports queries, CREATE … AS SELECT and INSERT INTO … SELECT.', stmt);
}
