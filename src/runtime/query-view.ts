// What the engine shows of its running queries to the surfaces around it (the server's metrics,
// progress and console, the conformance runner): a read-only view per query, built on request
// from the live task, so no surface holds a task, its plan or the supervisor.

import { sourcesOf } from '../planner/plan.js';
import type { EngineState } from './engine-state.js';
import { operatorsInOrder } from './explain.js';
import { recordsInOf, recordsOutOf } from './operator-counts.js';
import type { QueryStatus } from './query-health.js';
import { BATCH_MS_BUCKETS, type QueryProgress } from './query-metrics.js';
import type { QueryTask } from './query-task.js';
import type { SinkPosition } from './sinks/sink-outbox.js';

/** Batch durations as a histogram: counts[i] batches took at most bucketsMs[i] ms (not cumulative). */
export interface BatchHistogram {
  readonly bucketsMs: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sumMs: number;
}

/** One built operator's live counts, in EXPLAIN's pre-order (the first is the sink, depth 0). */
export interface OperatorCountView {
  readonly depth: number;
  readonly operator: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

/** An external sink's delivery (WITH (sink='file'|'postgres'|…)). */
export interface ExternalSinkView {
  /** Where it writes, as SHOW SINKS says it. */
  readonly target: string;
  readonly position: SinkPosition;
}

export interface QueryView {
  readonly id: string;
  readonly type: 'PERSISTENT' | 'PUSH';
  readonly sql: string;
  /** The stream or table a persistent query writes. */
  readonly sink: string | undefined;
  /** RUNNING, or ERROR while a failed query backs off (push queries are always RUNNING). */
  readonly status: QueryStatus;
  /** The error of its last failed batch, kept after recovery. */
  readonly lastError: string | undefined;
  /** The streams and tables it reads. */
  readonly sources: readonly string[];
  /** The topics it reads. */
  readonly sourceTopics: readonly string[];
  readonly progress: QueryProgress;
  readonly batchDurations: BatchHistogram;
  /** Rows held in its state stores. */
  readonly stateRows: number;
  readonly externalSink: ExternalSinkView | undefined;
  /** Records into and out of each operator since the query started in this process. */
  readonly operators: readonly OperatorCountView[];
  /** Records waiting on one source topic's partitions. */
  lagOf(topic: string): number;
}

function view(task: QueryTask, fields: Pick<QueryView, 'id' | 'type' | 'sql' | 'sink' | 'status' | 'lastError'>): QueryView {
  const m = task.metrics;
  const ext = task.sink;
  return {
    ...fields,
    sources: [...new Set(sourcesOf(task.plan.root).map((s) => s.source.name))],
    sourceTopics: [
      ...new Set(
        sourcesOf(task.plan.root)
          .map((s) => s.source.topic)
          .filter((t): t is string => t !== undefined),
      ),
    ],
    progress: m.snapshot(),
    batchDurations: { bucketsMs: BATCH_MS_BUCKETS, counts: [...m.batchMsCounts], count: m.batches, sumMs: m.batchMsTotal },
    stateRows: task.stateRows,
    externalSink: ext ? { target: ext.writer.target, position: ext.position() } : undefined,
    operators: operatorsInOrder(task.operators).map(({ op, depth }) => ({ depth, operator: op.name, recordsIn: recordsInOf(op), recordsOut: recordsOutOf(op, depth === 0) })),
    lagOf: (topic) => task.lagOf(topic),
  };
}

/** Every query SHOW QUERIES lists, persistent then push. */
export function queryViews(state: EngineState): QueryView[] {
  const out: QueryView[] = [];
  for (const q of state.queries.values()) {
    if (q.internal) continue;
    const h = state.supervisor.status(q);
    out.push(view(q.task, { id: q.id, type: 'PERSISTENT', sql: q.sql, sink: q.sink, status: h.status, lastError: h.lastError }));
  }
  for (const [id, p] of state.pushQueries) out.push(view(p.task, { id, type: 'PUSH', sql: p.sql, sink: undefined, status: 'RUNNING', lastError: undefined }));
  return out;
}
