// `eddy bench`: every Nexmark query through the engine — persistent queries started with SQL over
// the nexmark source connector, ending in a discarding sink, each cycle committing state and offsets
// — beside a hand-written loop computing the same answer. Optional extra figures: "log" (the events
// as JSON records through the embedded log and a real sink topic), "file" (the events as JSON-lines
// files read by the file source, ingest included, and a real sink topic) and "operators" (the
// plans' operators fed in-process, no engine around them). Each real path's answer is checked
// against the hand-written loop's at the bench's own batch size.

import type { Rec } from '../planner/record.js';
import { BASELINES, type Row } from './nexmark-baselines.js';
import { DEFAULT_CONFIG, NexmarkGenerator, type GeneratorConfig } from '../engine-api.js';
import { NEXMARK_QUERIES, type BenchQuery } from './nexmark-queries.js';
import { isDeepStrictEqual } from 'node:util';
import { cpuSince, openEngineQuery, runEngine, runEngineAtHalfRate, type EngineFigures, type RealPath, type Via } from './nexmark-engine-runner.js';
import { prepareQuery, runEddy, type BenchFigures } from './nexmark-runner.js';

export type BenchMode = 'engine' | RealPath | 'operators';
export const BENCH_MODES: readonly BenchMode[] = ['engine', 'log', 'file', 'operators'];

/** Events of a real path's answer check: enough for q5's and q7's windows to close many times over. */
export const CHECK_EVENTS = 50_000;

/** Batches timed at half rate: with 200, p99 is the second-worst batch, not the worst alone. */
const HALF_RATE_BATCHES = 200;

export interface EngineRow extends EngineFigures {
  readonly query: string;
  readonly title: string;
  readonly target: number;
  readonly halfRateP99Ms: number;
  readonly triggerMs: number;
  readonly baselinePerSec: number;
  readonly baselinePerCpuSec: number;
  /** The engine's rate over the loop's, in CPU time (the steadier figure under load). */
  readonly ratio: number;
}

/** A real path's figures (via the embedded log or a file), beside the loop, with its answer's check. */
export interface LogRow extends EngineFigures {
  readonly query: string;
  readonly target: number;
  readonly via: RealPath;
  readonly baselinePerCpuSec: number;
  /** The path's rate over the loop's, in CPU time. */
  readonly ratio: number;
  readonly check: AnswerCheck;
}

/** The path's answer on CHECK_EVENTS events (distinct event times) at the bench's batch size, against the loop's. */
export interface AnswerCheck {
  readonly events: number;
  readonly batch: number;
  readonly rows: number;
  readonly ok: boolean;
}

export interface OperatorRow extends BenchFigures {
  readonly query: string;
  readonly target: number;
  readonly baselinePerSec: number;
  readonly baselinePerCpuSec: number;
  /** Operators' rate over the loop's, in CPU time (the steadier figure under load). */
  readonly ratio: number;
}

/** The hand-written loop over the same events: events per wall second and per CPU second. */
export function runBaseline(name: string, events: number): { perSec: number; perCpuSec: number } {
  const b = BASELINES[name]!(false);
  const gen = new NexmarkGenerator();
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < events; i++) b.push(gen.next());
  return { perSec: events / ((performance.now() - started) / 1000), perCpuSec: events / (cpuSince(cpu) / 1e6) };
}

/**
 * Event time with one event per millisecond: with no timestamp ties, the order in which a query
 * reads several topics is defined, so per-record answers do not depend on batch boundaries.
 */
export const DISTINCT_TIMES: GeneratorConfig = { ...DEFAULT_CONFIG, eventsPerSecond: 1000 };

function comparable(q: BenchQuery, eddy: Row[], baseline: Row[]): { eddy: Row[]; baseline: Row[] } {
  if (q.compare === 'sequence') return { eddy, baseline };
  const last = (rows: Row[]) => [...new Map(rows.map((r) => [r[0], r])).values()].sort((x, y) => Number(x[0]) - Number(y[0]));
  return { eddy: last(eddy), baseline: last(baseline) };
}

function baselineAnswer(q: BenchQuery, events: number, config: GeneratorConfig): Row[] {
  const b = BASELINES[q.name]!(true);
  const gen = new NexmarkGenerator(config);
  for (let i = 0; i < events; i++) b.push(gen.next());
  return b.out;
}

/**
 * The operators' answers (fed in-process) and the hand-written loop's, on the same small input, with
 * distinct event times: on a tie a table's change goes before a stream record (as in the engine),
 * even one it follows from (a bid and the new maximum it makes at the same millisecond, q7).
 */
export function answers(q: BenchQuery, events: number, batch = 1000): { eddy: Row[]; baseline: Row[] } {
  const eddy: Row[] = [];
  const prepared = prepareQuery(q, (r: Rec) => eddy.push(r.cols));
  const gen = new NexmarkGenerator(DISTINCT_TIMES);
  for (let i = 0; i < events; i += batch) {
    for (let k = 0; k < batch && i + k < events; k++) prepared.route(gen.next());
    prepared.commit();
  }
  prepared.close();
  return comparable(q, eddy, baselineAnswer(q, events, DISTINCT_TIMES));
}

/** The engine's answers (the sink topic of the real persistent queries) and the loop's. */
export function engineAnswers(q: BenchQuery, events: number, batch: number, via: Via): { eddy: Row[]; baseline: Row[] } {
  const run = openEngineQuery(q, batch, { via, discard: false, events, config: DISTINCT_TIMES });
  if (via !== 'log') run.eddy.runUntilIdle();
  else
    for (let done = 0; done < events; done += batch) {
      run.ingest(Math.min(batch, events - done));
      run.eddy.runUntilIdle();
    }
  const eddy = run.outputs();
  run.close();
  return comparable(q, eddy, baselineAnswer(q, events, DISTINCT_TIMES));
}

export interface BenchOptions {
  readonly events: number;
  readonly batch: number;
  readonly triggerMs: number;
  readonly queries?: readonly string[];
  readonly modes: readonly BenchMode[];
  /** Measure the half-rate latency here, after the full-speed run (default); false leaves it NaN. */
  readonly halfRate?: boolean;
}

export interface BenchRows {
  readonly engine: EngineRow[];
  /** The real paths (log and file), in the order measured. */
  readonly log: LogRow[];
  readonly operators: OperatorRow[];
}

export function checkAnswer(q: BenchQuery, batch: number, via: Via): AnswerCheck {
  const { eddy, baseline } = engineAnswers(q, CHECK_EVENTS, batch, via);
  return { events: CHECK_EVENTS, batch, rows: baseline.length, ok: baseline.length > 0 && isDeepStrictEqual(eddy, baseline) };
}

/** p50/p99 batch latency of one query with its source paced at half of `maxRate`. */
export function halfRateLatency(query: string, maxRate: number, triggerMs: number): { p50Ms: number; p99Ms: number } {
  const q = NEXMARK_QUERIES.find((n) => n.name === query);
  if (!q) throw new Error(`Unknown query ${query}`);
  return runEngineAtHalfRate(q, maxRate, triggerMs, HALF_RATE_BATCHES);
}

export function runBench(opts: BenchOptions): BenchRows {
  const rows: BenchRows = { engine: [], log: [], operators: [] };
  for (const q of NEXMARK_QUERIES) {
    if (opts.queries && !opts.queries.includes(q.name)) continue;
    // Warm up first, so no figure pays the JIT's compile time inside its measurement.
    const warmUp = Math.min(opts.events, 100_000);
    runBaseline(q.name, warmUp);
    const loop = runBaseline(q.name, opts.events);
    if (opts.modes.includes('engine')) {
      runEngine(q, warmUp, opts.batch);
      const f = runEngine(q, opts.events, opts.batch);
      const half = opts.halfRate === false ? { p99Ms: Number.NaN } : halfRateLatency(q.name, f.eventsPerSec, opts.triggerMs);
      rows.engine.push({
        query: q.name,
        title: q.title,
        target: q.target,
        ...f,
        halfRateP99Ms: half.p99Ms,
        triggerMs: opts.triggerMs,
        baselinePerSec: loop.perSec,
        baselinePerCpuSec: loop.perCpuSec,
        ratio: f.eventsPerCpuSec / loop.perCpuSec,
      });
    }
    for (const via of ['log', 'file'] as const) {
      if (!opts.modes.includes(via)) continue;
      runEngine(q, warmUp, opts.batch, via);
      const f = runEngine(q, opts.events, opts.batch, via);
      rows.log.push({ query: q.name, target: q.target, via, ...f, baselinePerCpuSec: loop.perCpuSec, ratio: f.eventsPerCpuSec / loop.perCpuSec, check: checkAnswer(q, opts.batch, via) });
    }
    if (opts.modes.includes('operators')) {
      runEddy(q, warmUp, opts.batch);
      const f = runEddy(q, opts.events, opts.batch);
      rows.operators.push({ query: q.name, target: q.target, ...f, baselinePerSec: loop.perSec, baselinePerCpuSec: loop.perCpuSec, ratio: f.eventsPerCpuSec / loop.perCpuSec });
    }
  }
  return rows;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mark = (ok: boolean) => (ok ? '✓' : '✗');
/** Skipped (--no-half-rate) is NaN here, null once it has been through JSON. */
const halfRate = (r: EngineRow) =>
  typeof r.halfRateP99Ms === 'number' && !Number.isNaN(r.halfRateP99Ms) ? `${r.halfRateP99Ms.toFixed(1)} (${r.triggerMs}) ${mark(r.halfRateP99Ms <= 2 * r.triggerMs)}` : '—';

export function benchTable(rows: BenchRows, opts: BenchOptions): string {
  const lines: string[] = [];
  if (rows.engine.length) {
    lines.push(
      `Engine: ${fmt(opts.events)} events per query, at most ${fmt(opts.batch)} records per query per cycle. Persistent queries started with SQL read`,
      "the nexmark source connector (events generated inside the timed cycles) and end in a discarding sink (WITH (sink='discard')); every",
      "cycle commits each query's state and offsets in one SQLite transaction (WAL file); chained steps pass changes through their topics.",
      'Beside it, the hand-written loop on the same events (no SQL, no SQLite, no engine). Half rate: the source paced at half the measured rate.',
      'Each query runs in its own process (unless --in-process): its peak RSS is its own.',
      '',
      '| query | events/s | target | events/CPU-s | loop events/CPU-s | Eddy / loop (CPU) | batch p50 ms | batch p99 ms | p99 at half rate (trigger ms) | peak RSS MiB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.engine.map(
        (r) =>
          `| ${r.query} ${r.title} | ${fmt(r.eventsPerSec)} | ${fmt(r.target)} ${mark(r.eventsPerSec >= r.target)} | ${fmt(r.eventsPerCpuSec)} | ${fmt(r.baselinePerCpuSec)} | ${r.ratio.toFixed(2)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${halfRate(r)} | ${r.peakRssMiB.toFixed(0)} |`,
      ),
      '',
    );
  }
  if (rows.log.length) {
    lines.push(
      'Real paths. log (--mode log): the events as JSON records appended to the embedded log (ingest, timed apart), read back and parsed by the',
      "same queries. file (--mode file): the events written to JSON-lines files first (not timed), read by CREATE STREAM … WITH (source='file',",
      "…, timestamp='DATETIME') inside the timed cycles (ingest included). Both write the answer to its sink topic in the same per-batch",
      `transaction. Answer: the path's answer on ${fmt(CHECK_EVENTS)} events at the bench's batch size against the hand-written loop's.`,
      '',
      '| query | path | events/s | events/CPU-s | loop events/CPU-s | path / loop (CPU) | log ingest events/s | batch p50 ms | batch p99 ms | peak RSS MiB | answer |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows.log.map(
        (r) =>
          `| ${r.query} | ${r.via} | ${fmt(r.eventsPerSec)} | ${fmt(r.eventsPerCpuSec)} | ${fmt(r.baselinePerCpuSec)} | ${r.ratio.toFixed(3)} | ${r.ingestPerSec === undefined ? '—' : fmt(r.ingestPerSec)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.peakRssMiB.toFixed(0)} | ${mark(r.check.ok)} ${fmt(r.check.rows)} rows (batch ${fmt(r.check.batch)}) |`,
      ),
      '',
    );
  }
  if (rows.operators.length) {
    lines.push(
      "Operators only: the same plans' operators fed records from the in-process generator, state committed to SQLite every batch;",
      'no engine cycle, no offsets, chained steps wired in memory. Beside the hand-written loop on the same events.',
      '',
      '| query | operators events/s (per CPU-s) | loop events/s (per CPU-s) | operators / loop, CPU time | batch p99 ms | peak RSS MiB |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.operators.map(
        (r) =>
          `| ${r.query} | ${fmt(r.eventsPerSec)} (${fmt(r.eventsPerCpuSec)}) | ${fmt(r.baselinePerSec)} (${fmt(r.baselinePerCpuSec)}) | ${r.ratio.toFixed(2)} | ${r.p99Ms.toFixed(1)} | ${r.peakRssMiB.toFixed(0)} |`,
      ),
    );
  }
  return lines.join('\n');
}
