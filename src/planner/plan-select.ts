// SELECT as a statement: a push query (EMIT CHANGES / EMIT FINAL) or a pull query, planned with
// every rule of meaning checked and everything its run needs decided — which source drives a
// pull, whether it reads only a stream's newest batch, whether its rows are the last per key. The
// runtime (runtime/statements/select.ts) starts a push plan as a task and runs a pull plan once
// over a snapshot; EXPLAIN (plan-explain.ts) plans through these same functions.

import type { Query, Relation, SourceRef } from '../parser/ast.js';
import { newErrorRoute, type ErrorRoute } from './compile.js';
import type { OrderPlan } from './order-by.js';
import { inputsOf, sourcesOf, type PlanNode, type Schema, type SourceNode } from './plan.js';
import { planQuery } from './plan-query.js';
import { checkPullQuery } from './pull-query-rules.js';
import type { StatementContext } from './statement-context.js';
import type { Value } from './values.js';

export interface PushQueryPlan {
  readonly kind: 'PushQuery';
  readonly root: PlanNode;
  readonly output: Schema;
  /** LIMIT: the query ends after this many rows. */
  readonly limit?: number;
  /** Where evaluation errors go: the runtime points it at its processing log. */
  readonly errors: ErrorRoute;
}

export interface PullQueryPlan {
  readonly kind: 'PullQuery';
  /** The statement, for the errors its run may raise (a time budget run out). */
  readonly query: Query;
  readonly root: PlanNode;
  readonly output: Schema;
  /** ORDER BY of a bounded query: the answer is sorted once every row is in, then LIMIT applies. */
  readonly order?: OrderPlan;
  readonly limit?: number;
  /** The source whose snapshot drives the query (a topic's, else a static table); none for a SELECT without FROM. */
  readonly main?: SourceNode;
  /** `latest.<stream>` in FROM: only the driving stream's newest micro-batch is read. */
  readonly latestOnly: boolean;
  /** An aggregation over a stream: the answer is the last row per key (and window), not every change. */
  readonly aggregated: boolean;
  /** The output's key columns, the first of each row. */
  readonly keyCount: number;
  /** The driving source's key, when the WHERE fixes it: a static table reads that row only. */
  readonly key?: readonly Value[];
}

export function planPushQuery(q: Query, text: string, ctx: StatementContext): PushQueryPlan {
  const errors = newErrorRoute();
  const planned = planQuery(q, ctx.catalog, errors, { properties: ctx.properties, statementText: text });
  return { kind: 'PushQuery', root: planned.root, output: planned.output, ...(q.limit !== undefined ? { limit: q.limit } : {}), errors };
}

export function planPullQuery(q: Query, text: string, ctx: StatementContext): PullQueryPlan {
  checkPullQuery(q, ctx.catalog, { tableScanEnabled: ctx.properties.get('ksql.query.pull.table.scan.enabled') !== 'false' });
  const refs = q.from ? sourceRefs(q.from) : [];
  const planned = planQuery(q, ctx.catalog, newErrorRoute(), { properties: ctx.properties, pull: true, statementText: text });
  const sources = sourcesOf(planned.root);
  const driving = sources.filter((s) => s.source.topic);
  // No source: a SELECT without FROM, whose plan reads one row of no columns.
  const main: SourceNode | undefined = driving[0] ?? sources[0];
  // latest.<stream> may stand anywhere in FROM (e.g. joined with a static table): it narrows the driving stream.
  const latestOnly = main !== undefined && refs.some((r) => r.schema === 'LATEST' && r.name.toUpperCase() === main.source.name.toUpperCase());
  const aggregated = planned.output.isTable && planned.root.kind === 'Project' && planned.root.input.kind !== 'Source' && containsAggregate(planned.root);
  return {
    kind: 'PullQuery',
    query: q,
    root: planned.root,
    output: planned.output,
    ...(planned.order ? { order: planned.order } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(main ? { main } : {}),
    latestOnly,
    aggregated,
    keyCount: planned.output.columns.filter((c) => c.role === 'key').length,
    ...(main?.keyLookup ? { key: main.keyLookup } : {}),
  };
}

function sourceRefs(r: Relation): SourceRef[] {
  return r.kind === 'SourceRef' ? [r] : [...sourceRefs(r.left), r.right];
}

function containsAggregate(n: PlanNode): boolean {
  return n.kind === 'Aggregate' || inputsOf(n).some(containsAggregate);
}
