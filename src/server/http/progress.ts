// GET /queries/<id>/progress: a query's progress shaped as Spark's StreamingQueryProgress (the
// JSON `query.lastProgress` prints), from the same snapshot SHOW QUERIES EXTENDED reads.

import type { Eddy } from '../../engine-api.js';

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
  const view = eddy.queries().find((q) => q.id === id || q.id === id.toUpperCase());
  if (!view) return undefined;
  const qid = view.id;
  const persistent = view.type === 'PERSISTENT';
  const m = view.progress;
  return {
    id: qid,
    name: qid,
    timestamp: new Date().toISOString(),
    batchId: m.batches,
    numInputRows: m.recordsIn,
    inputRowsPerSecond: m.inputRowsPerSecond,
    processedRowsPerSecond: m.processedRowsPerSecond,
    durationMs: { triggerExecution: m.lastBatchMs },
    stateOperators: [{ operatorName: 'stateStores', numRowsTotal: view.stateRows }],
    sources: view.sourceTopics.map((t) => ({ description: `topic ${t}`, lag: view.lagOf(t) })),
    sink: { description: persistent ? (view.sink ?? '') : 'push query client', numOutputRows: m.recordsOut },
    eddy: { type: view.type, status: view.status, lag: m.lag, lateDropped: m.lateDropped, latencyMs: m.latencyMs, errors: m.errors, lastError: view.lastError ?? null, operators: view.operators },
  };
}
