// `eddy bench`: every Nexmark query through Eddy, beside the hand-written loop on the same
// generator in the same run, with the ratio, batch latencies and peak RSS.

import type { Rec } from '../planner/record.js';
import { BASELINES, type Row } from './nexmark-baselines.js';
import { NexmarkGenerator } from './nexmark-generator.js';
import { NEXMARK_QUERIES, type BenchQuery } from './nexmark-queries.js';
import { prepareQuery, runAtHalfRate, runEddy, type BenchFigures } from './nexmark-runner.js';

export interface BenchRow extends BenchFigures {
  readonly query: string;
  readonly title: string;
  readonly target: number;
  readonly baselinePerSec: number;
  readonly ratio: number;
  readonly halfRateP99Ms: number;
  readonly triggerMs: number;
}

export function runBaseline(name: string, events: number): number {
  const b = BASELINES[name]!(false);
  const gen = new NexmarkGenerator();
  const started = performance.now();
  for (let i = 0; i < events; i++) b.push(gen.next());
  return events / ((performance.now() - started) / 1000);
}

/** Eddy's and the hand-written loop's answers on the same small input. */
export function answers(q: BenchQuery, events: number): { eddy: Row[]; baseline: Row[] } {
  const eddy: Row[] = [];
  const prepared = prepareQuery(q, (r: Rec) => eddy.push(r.cols));
  const gen = new NexmarkGenerator();
  for (let i = 0; i < events; i += 1000) {
    for (let k = 0; k < 1000 && i + k < events; k++) prepared.route(gen.next());
    prepared.commit();
  }
  prepared.close();
  const b = BASELINES[q.name]!(true);
  const gen2 = new NexmarkGenerator();
  for (let i = 0; i < events; i++) b.push(gen2.next());
  if (q.compare === 'sequence') return { eddy, baseline: b.out };
  const last = (rows: Row[]) => [...new Map(rows.map((r) => [r[0], r])).values()].sort((x, y) => Number(x[0]) - Number(y[0]));
  return { eddy: last(eddy), baseline: last(b.out) };
}

export function runBench(opts: { events: number; batch: number; triggerMs: number; queries?: string[] }): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const q of NEXMARK_QUERIES) {
    if (opts.queries && !opts.queries.includes(q.name)) continue;
    const eddy = runEddy(q, opts.events, opts.batch);
    const baselinePerSec = runBaseline(q.name, opts.events);
    const half = runAtHalfRate(q, eddy.eventsPerSec, opts.triggerMs, 50);
    rows.push({ query: q.name, title: q.title, target: q.target, ...eddy, baselinePerSec, ratio: eddy.eventsPerSec / baselinePerSec, halfRateP99Ms: half.p99Ms, triggerMs: opts.triggerMs });
  }
  return rows;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function benchTable(rows: readonly BenchRow[], opts: { events: number; batch: number }): string {
  const lines = [
    `Nexmark, ${fmt(opts.events)} events per query, batches of ${fmt(opts.batch)}; state committed to SQLite every batch; discarding sink.`,
    'Events enter the plan as records from the in-process generator (no JSON decoding, no embedded log).',
    '',
    '| query | Eddy events/s | target | hand-written loop events/s | Eddy / loop | batch p50 ms | batch p99 ms | p99 at half rate (trigger ms) | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.query} ${r.title} | ${fmt(r.eventsPerSec)} | ${fmt(r.target)} ${r.eventsPerSec >= r.target ? '✓' : '✗'} | ${fmt(r.baselinePerSec)} | ${r.ratio.toFixed(2)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.halfRateP99Ms.toFixed(1)} (${r.triggerMs}) ${r.halfRateP99Ms <= 2 * r.triggerMs ? '✓' : '✗'} | ${r.peakRssMiB.toFixed(0)} |`,
    ),
  ];
  return lines.join('\n');
}
