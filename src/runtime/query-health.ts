// Whether each persistent query runs or is in ERROR, and when a failed one tries again. A batch
// that throws (a SQLite error such as SQLITE_FULL, an I/O error, a broken sink) has rolled back:
// the query goes to ERROR with the error, waits out a backoff that doubles per failure (ksqlDB's
// ksql.query.retry.backoff.initial.ms / .max.ms) and then resumes from its committed offsets on a
// fresh task. Nothing here throws, so one query's failure never stops the others.

import type { ProcessingLog } from './processing-log.js';
import type { QueryTask } from './query-task.js';

/** What the supervisor needs of a running query (engine-state's SupervisedQuery): its id and its task. */
export interface SupervisedQuery {
  readonly id: string;
  task: QueryTask;
  /** A new task, resuming from the committed state and offsets. */
  readonly restart: () => QueryTask;
}

export type QueryStatus = 'RUNNING' | 'ERROR';

export interface QueryHealth {
  readonly status: QueryStatus;
  /** The error of the last failed batch (kept after recovery, for DESCRIBE). */
  readonly lastError: string | undefined;
  /** Failures since the query last ran a batch cleanly. */
  readonly failures: number;
  /** In ERROR: milliseconds until the next attempt. */
  readonly retryInMs: number;
}

export interface RetryBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

interface Health {
  status: QueryStatus;
  lastError: string | undefined;
  failures: number;
  retryAt: number;
  /** The failed task was stopped; the next attempt starts a fresh one from what was committed. */
  restartDue: boolean;
}

export class QuerySupervisor {
  // Keyed by the running query itself: a query re-created under the same id starts healthy.
  private readonly health = new WeakMap<SupervisedQuery, Health>();

  constructor(private readonly processingLog: ProcessingLog) {}

  /** One batch of `q`, unless it waits out a backoff; a failure is recorded and reported, never thrown. */
  step(q: SupervisedQuery, maxRecords: number, backoff: RetryBackoff, deadline = Infinity): number {
    const h = this.of(q);
    const now = Date.now();
    if (h.status === 'ERROR' && now < h.retryAt) return 0;
    try {
      if (h.restartDue) {
        const failed = q.task;
        q.task = q.restart();
        q.task.continueFrom(failed);
        h.restartDue = false;
      }
      const n = q.task.step(maxRecords, deadline);
      if (h.status === 'ERROR') {
        h.status = 'RUNNING';
        h.failures = 0;
        this.processingLog.write({ queryId: q.id, topic: null, partition: null, offset: null, reason: 'the query recovered and runs again' });
      }
      return n;
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      h.failures++;
      h.status = 'ERROR';
      h.lastError = message;
      const wait = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(h.failures - 1, 30));
      h.retryAt = now + wait;
      // The batch's transaction rolled back, but the task had moved on in memory (input
      // positions, operator state): the retry runs on a fresh task, as Kafka Streams restarts a failed task.
      q.task.stop();
      h.restartDue = true;
      this.processingLog.write({
        queryId: q.id,
        topic: null,
        partition: null,
        offset: null,
        reason: `batch failed and rolled back; the query is in ERROR and retries from its committed offsets in ${wait} ms (failure ${h.failures}): ${message}`,
      });
      return 0;
    }
  }

  status(q: SupervisedQuery): QueryHealth {
    const h = this.of(q);
    return { status: h.status, lastError: h.lastError, failures: h.failures, retryInMs: h.status === 'ERROR' ? Math.max(0, h.retryAt - Date.now()) : 0 };
  }

  private of(q: SupervisedQuery): Health {
    let h = this.health.get(q);
    if (!h) {
      h = { status: 'RUNNING', lastError: undefined, failures: 0, retryAt: 0, restartDue: false };
      this.health.set(q, h);
    }
    return h;
  }
}

/** The backoff from ksqlDB's property names; Eddy's defaults are shorter (one process, local disk). */
export function retryBackoff(properties: ReadonlyMap<string, string>): RetryBackoff {
  const ms = (name: string, fallback: number): number => {
    const v = Number(properties.get(name));
    return properties.has(name) && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return { initialMs: ms('ksql.query.retry.backoff.initial.ms', 1000), maxMs: ms('ksql.query.retry.backoff.max.ms', 60_000) };
}
