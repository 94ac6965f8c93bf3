// Per-query progress, as Spark's StreamingQueryProgress reports it.

export interface QueryProgress {
  readonly batches: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Input rate: records per second of wall time between the starts of the last batches. */
  readonly inputRowsPerSecond: number;
  /** Processing rate: records per second of batch processing time. */
  readonly processedRowsPerSecond: number;
  readonly lastBatchMs: number;
  readonly lag: number;
  readonly lateDropped: number;
  readonly errors: number;
  /**
   * Wall-clock time at the last batch's commit less the ROWTIME of the last record it read, in ms:
   * for records stamped as they arrive, how long the newest waited for its result. Null before a
   * batch; a batch of undecodable records only leaves it as it was.
   */
  readonly latencyMs: number | null;
}

/** Upper bounds (ms) of the batch-duration histogram's buckets, as Prometheus histograms count them. */
export const BATCH_MS_BUCKETS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

export class QueryMetrics {
  batches = 0;
  /** Batches that took at most BATCH_MS_BUCKETS[i] ms (not cumulative; the exporter sums them). */
  readonly batchMsCounts: number[] = BATCH_MS_BUCKETS.map(() => 0);
  /** Total time of all batches, in ms (the histogram's sum). */
  batchMsTotal = 0;
  recordsIn = 0;
  recordsOut = 0;
  lateDropped = 0;
  errors = 0;
  /** Scale-out: times the state was restored from the changelogs (a task was gained). */
  restores = 0;
  lastBatchMs = 0;
  lag = 0;
  latencyMs: number | null = null;
  private busyMs = 0;
  private windowStart = performance.now();
  private windowRecords = 0;
  private inputRate = 0;
  /** The counters a batch moves before it commits, as they were at its start (markBatch). */
  private readonly mark = { recordsOut: 0, lateDropped: 0, errors: 0 };

  /** A batch starts: what rollBack goes back to. */
  markBatch(): void {
    this.mark.recordsOut = this.recordsOut;
    this.mark.lateDropped = this.lateDropped;
    this.mark.errors = this.errors;
  }

  /**
   * The batch rolled back (it threw): what it emitted, dropped as late or failed is not counted, as
   * its output and its processing-log entries went with the transaction; the retry counts them.
   */
  rollBack(): void {
    this.recordsOut = this.mark.recordsOut;
    this.lateDropped = this.mark.lateDropped;
    this.errors = this.mark.errors;
  }

  recordBatch(records: number, ms: number, lag: number, lastRowtime?: number): void {
    this.batches++;
    if (lastRowtime !== undefined) this.latencyMs = Date.now() - lastRowtime;
    this.recordsIn += records;
    this.lastBatchMs = ms;
    this.busyMs += ms;
    this.batchMsTotal += ms;
    const bucket = BATCH_MS_BUCKETS.findIndex((b) => ms <= b);
    if (bucket >= 0) this.batchMsCounts[bucket]!++;
    this.lag = lag;
    this.windowRecords += records;
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.inputRate = (this.windowRecords * 1000) / (now - this.windowStart);
      this.windowStart = now;
      this.windowRecords = 0;
    }
  }

  /**
   * Goes on from `prev`, the figures of the task this one replaces (a failed batch's retry starts a
   * fresh task): a query's figures count since it started in this process, not since its last retry.
   */
  continueFrom(prev: QueryMetrics): void {
    this.batches = prev.batches;
    prev.batchMsCounts.forEach((n, i) => (this.batchMsCounts[i] = n));
    this.batchMsTotal = prev.batchMsTotal;
    this.recordsIn = prev.recordsIn;
    this.recordsOut = prev.recordsOut;
    this.lateDropped = prev.lateDropped;
    this.errors = prev.errors;
    this.restores = prev.restores;
    this.lastBatchMs = prev.lastBatchMs;
    this.lag = prev.lag;
    this.latencyMs = prev.latencyMs;
    this.busyMs = prev.busyMs;
    this.windowStart = prev.windowStart;
    this.windowRecords = prev.windowRecords;
    this.inputRate = prev.inputRate;
  }

  snapshot(): QueryProgress {
    const elapsed = performance.now() - this.windowStart;
    const inputRowsPerSecond = this.inputRate || (elapsed > 0 ? (this.windowRecords * 1000) / elapsed : 0);
    return {
      batches: this.batches,
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      inputRowsPerSecond,
      processedRowsPerSecond: this.busyMs > 0 ? (this.recordsIn * 1000) / this.busyMs : 0,
      lastBatchMs: this.lastBatchMs,
      lag: this.lag,
      lateDropped: this.lateDropped,
      errors: this.errors,
      latencyMs: this.latencyMs,
    };
  }
}
