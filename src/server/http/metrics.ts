// GET /metrics: Prometheus's text exposition format (version 0.0.4). Per query the same figures
// SHOW QUERIES EXTENDED prints (QueryMetrics.snapshot and the supervisor's status), read at scrape
// time, so the two never disagree; per topic its records, per external sink its batches; per
// process memory and event-loop delay. Nothing is counted here: a scrape costs the batch loop nothing.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Eddy, QueryView } from '../../engine-api.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Kind = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * The event-loop monitor's timer period. What it records is the time between two of its timer's
 * runs, so an idle loop reads this much; the figures exported are what lies beyond it.
 */
const LOOP_RESOLUTION_MS = 10;

/** A label value as the format escapes it: backslash, double quote and newline. */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Readonly<Record<string, string>>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

class Exposition {
  private out = '';
  family(name: string, kind: Kind, help: string, samples: readonly (readonly [Readonly<Record<string, string>>, number])[], suffix = ''): void {
    if (!samples.length) return;
    this.out += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`;
    for (const [l, v] of samples) this.out += `${name}${suffix}${labels(l)} ${num(v)}\n`;
  }
  raw(text: string): void {
    this.out += text;
  }
  get text(): string {
    return this.out;
  }
}

/** Every query SHOW QUERIES lists, persistent then push, with its labels. */
function labelledQueries(eddy: Eddy): (QueryView & { readonly labels: Readonly<Record<string, string>> })[] {
  return eddy.queries().map((q) => ({ ...q, labels: { query_id: q.id, type: q.type } }));
}

export class MetricsExporter {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  /** The event-loop summary's _sum and _count: cumulative, as a summary's must be, though its quantiles are per scrape. */
  private loopDelaySum = 0;
  private loopDelayCount = 0;

  /**
   * Whether the event-loop monitor runs: from the first scrape on, not from the start. Its timer
   * wakes the process every 10 ms, which a server with its HTTP port open and no scraper paid for
   * nothing (small: an idle server's CPU with and without the port differs by less than the noise
   * of bench/console-bench.ts, a few ms a second, but not nothing).
   */
  private monitoring = false;

  constructor(private readonly eddy: Eddy) {}

  stop(): void {
    this.loopDelay.disable();
  }

  render(): string {
    const x = new Exposition();
    const qs = labelledQueries(this.eddy).map((q) => ({ ...q, m: q.progress }));
    const per = (f: (q: (typeof qs)[number]) => number) => qs.map((q) => [q.labels, f(q)] as const);
    x.family(
      'eddy_query_running',
      'gauge',
      'Whether the query runs (1) or is in ERROR (0), as SHOW QUERIES says.',
      per((q) => (q.status === 'RUNNING' ? 1 : 0)),
    );
    x.family(
      'eddy_query_batches_total',
      'counter',
      'Micro-batches the query has committed.',
      per((q) => q.m.batches),
      '',
    );
    x.family(
      'eddy_query_records_in_total',
      'counter',
      'Input records consumed (SHOW QUERIES EXTENDED: Records In).',
      per((q) => q.m.recordsIn),
    );
    x.family(
      'eddy_query_records_out_total',
      'counter',
      'Output records emitted.',
      per((q) => q.m.recordsOut),
    );
    x.family(
      'eddy_query_lag_records',
      'gauge',
      'Records waiting on the source partitions after the last batch (SHOW QUERIES EXTENDED: Lag).',
      per((q) => q.m.lag),
    );
    x.family(
      'eddy_query_source_lag_records',
      'gauge',
      "Records waiting on one source topic's partitions (the progress JSON's sources[].lag).",
      qs.flatMap((q) => q.sourceTopics.map((t) => [{ ...q.labels, topic: t }, q.lagOf(t)] as const)),
    );
    x.family(
      'eddy_query_errors_total',
      'counter',
      'Records that failed processing (SHOW QUERIES EXTENDED: Errors).',
      per((q) => q.m.errors),
    );
    x.family(
      'eddy_query_late_dropped_total',
      'counter',
      'Records dropped as later than the grace period (SHOW QUERIES EXTENDED: Late Dropped).',
      per((q) => q.m.lateDropped),
    );
    x.family(
      'eddy_query_state_rows',
      'gauge',
      "Rows held in the query's state stores.",
      per((q) => q.stateRows),
    );
    x.family(
      'eddy_query_processed_rows_per_second',
      'gauge',
      'Records per second of batch processing time (SHOW QUERIES EXTENDED: Rows/s, unrounded).',
      per((q) => q.m.processedRowsPerSecond),
    );
    x.family(
      'eddy_query_input_rows_per_second',
      'gauge',
      'Records per second of wall time arriving at the query.',
      per((q) => q.m.inputRowsPerSecond),
    );
    if (qs.length) {
      const name = 'eddy_query_batch_duration_seconds';
      x.raw(`# HELP ${name} Duration of each committed micro-batch.\n# TYPE ${name} histogram\n`);
      for (const q of qs) {
        const h = q.batchDurations;
        let cum = 0;
        h.bucketsMs.forEach((b, i) => {
          cum += h.counts[i]!;
          x.raw(`${name}_bucket${labels({ ...q.labels, le: num(b / 1000) })} ${cum}\n`);
        });
        x.raw(`${name}_bucket${labels({ ...q.labels, le: '+Inf' })} ${h.count}\n`);
        x.raw(`${name}_sum${labels(q.labels)} ${num(h.sumMs / 1000)}\n${name}_count${labels(q.labels)} ${h.count}\n`);
      }
    }
    // Per operator: its position in EXPLAIN's pre-order (0 is the sink) and its name, as EXPLAIN prints them.
    const ops = qs.flatMap((q) => q.operators.map((op, i) => ({ l: { ...q.labels, operator_id: String(i), operator: op.operator }, op })));
    x.family(
      'eddy_operator_records_in_total',
      'counter',
      "Records into the operator since the query started in this process (EXPLAIN's operator tree, by pre-order position).",
      ops.map((o) => [o.l, o.op.recordsIn] as const),
    );
    x.family(
      'eddy_operator_records_out_total',
      'counter',
      'Records the operator emitted to the one it feeds (the sink: records it wrote).',
      ops.map((o) => [o.l, o.op.recordsOut] as const),
    );
    const topics = this.eddy.topics().map((t) => [{ topic: t.name }, t.endOffsets.reduce((a, b) => a + b, 0)] as const);
    x.family('eddy_topic_records', 'gauge', "Records appended to the topic (the sum of its partitions' end offsets, as SHOW TOPICS).", topics);
    const sinks: { l: Record<string, string>; p: { staged: number; delivered: number; pending: number } }[] = [];
    for (const q of qs) {
      const s = q.externalSink;
      if (s) sinks.push({ l: { sink: q.sink ?? '', query_id: q.id, target: s.target }, p: s.position });
    }
    x.family(
      'eddy_sink_batches_staged_total',
      'counter',
      'Batches staged for the external sink (SHOW SINKS).',
      sinks.map((s) => [s.l, s.p.staged] as const),
    );
    x.family(
      'eddy_sink_batches_delivered_total',
      'counter',
      'Batches the external sink confirmed (SHOW SINKS).',
      sinks.map((s) => [s.l, s.p.delivered] as const),
    );
    x.family(
      'eddy_sink_batches_pending',
      'gauge',
      'Batches waiting for the external sink (SHOW SINKS).',
      sinks.map((s) => [s.l, s.p.pending] as const),
    );
    const mem = process.memoryUsage();
    x.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [[{}, mem.rss]]);
    x.family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [[{}, mem.heapUsed]]);
    x.family('nodejs_heap_total_bytes', 'gauge', 'V8 heap allocated, in bytes.', [[{}, mem.heapTotal]]);
    x.family('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript (buffers, SQLite), in bytes.', [[{}, mem.external]]);
    const d = this.loopDelay;
    if (!this.monitoring) {
      this.monitoring = true;
      d.enable();
    }
    const s = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e9 - LOOP_RESOLUTION_MS / 1000) : 0);
    // A summary (promtool: a quantile label belongs to one): quantiles of the delays since the
    // previous scrape; _sum and _count over every delay measured since the server started.
    if (d.count > 0) {
      this.loopDelaySum += s(d.mean) * d.count;
      this.loopDelayCount += d.count;
    }
    const loop = 'nodejs_eventloop_delay_seconds';
    x.family(
      loop,
      'summary',
      'Event-loop delay (perf_hooks.monitorEventLoopDelay, less its 10 ms timer period, measured from the first scrape on): quantiles since the previous scrape, sum and count since the first.',
      [
        [{ quantile: '0.5' }, s(d.percentile(50))],
        [{ quantile: '0.99' }, s(d.percentile(99))],
        [{ quantile: '1' }, s(d.max)],
      ],
    );
    x.raw(`${loop}_sum ${num(this.loopDelaySum)}\n${loop}_count ${this.loopDelayCount}\n`);
    x.family('nodejs_eventloop_delay_mean_seconds', 'gauge', 'Mean event-loop delay since the previous scrape.', [[{}, s(d.mean)]]);
    d.reset();
    return x.text;
  }
}
