// GET /queries/<id>/progress: a query's progress shaped as Spark's StreamingQueryProgress (the
// JSON `query.lastProgress` prints), from the same snapshot SHOW QUERIES EXTENDED reads.

import type { Eddy } from '../../runtime/engine.js';
import { sourcesOf } from '../../planner/plan.js';
import { operatorsInOrder } from '../../runtime/explain.js';
import { recordsInOf, recordsOutOf } from '../../runtime/operator-counts.js';
import { queryViews } from './metrics.js';

export interface StreamingQueryProgress {
  readonly id: string;
  readonly name: string;
  readonly timestamp: string;
  readonly batchId: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: { readonly triggerExecution: number };
  readonly stateOperators: readonly { readonly operatorName: string; readonly numRowsTotal: number }[];
  readonly sources: readonly { readonly description: string; readonly lag: number }[];
  readonly sink: { readonly description: string; readonly numOutputRows: number };
  /** Eddy's own figures, beyond Spark's. */
  readonly eddy: {
    readonly type: string;
    readonly status: string;
    readonly lag: number;
    readonly lateDropped: number;
    readonly latencyMs: number | null;
    readonly errors: number;
    readonly lastError: string | null;
    /** The running operators in EXPLAIN's pre-order (sink first), with their live record counts. */
    readonly operators: readonly OperatorProgress[];
  };
}

export interface OperatorProgress {
  readonly depth: number;
  readonly operator: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

/** Undefined when no query has that id (matched as SHOW QUERIES prints it, or upper-cased). */
export function queryProgress(eddy: Eddy, id: string): StreamingQueryProgress | undefined {
  const view = queryViews(eddy).find((q) => q.labels.query_id === id || q.labels.query_id === id.toUpperCase());
  if (!view) return undefined;
  const qid = view.labels.query_id!;
  const persistent = eddy.state.queries.get(qid);
  const health = persistent ? eddy.state.supervisor.status(persistent) : undefined;
  const m = view.task.metrics.snapshot();
  const operators = operatorsInOrder(view.task.operators).map(({ op, depth }) => ({ depth, operator: op.name, recordsIn: recordsInOf(op), recordsOut: recordsOutOf(op, depth === 0) }));
  const topics = [...new Set(sourcesOf(view.task.plan.root).map((s) => s.source.topic).filter((t): t is string => t !== undefined))];
  return {
    id: qid,
    name: qid,
    timestamp: new Date().toISOString(),
    batchId: m.batches,
    numInputRows: m.recordsIn,
    inputRowsPerSecond: m.inputRowsPerSecond,
    processedRowsPerSecond: m.processedRowsPerSecond,
    durationMs: { triggerExecution: m.lastBatchMs },
    stateOperators: [{ operatorName: 'stateStores', numRowsTotal: view.task.stateRows }],
    sources: topics.map((t) => ({ description: `topic ${t}`, lag: view.task.lagOf(t) })),
    sink: { description: persistent?.sink ?? (persistent ? '' : 'push query client'), numOutputRows: m.recordsOut },
    eddy: { type: view.labels.type!, status: health?.status ?? 'RUNNING', lag: m.lag, lateDropped: m.lateDropped, latencyMs: m.latencyMs, errors: m.errors, lastError: health?.lastError ?? null, operators },
  };
}
