// Runs a Nexmark query the way a user's persistent queries run, started with SQL and driven by the
// engine's own micro-batch cycle (`Eddy.step`), which commits each query's output, state and source
// offsets in one SQLite transaction per batch into a real data directory (WAL). Two inputs:
// - via 'nexmark' (the benchmark): the sources are the nexmark source connector, whose topics are
//   served straight from the generator — the events are generated inside the timed cycles, as
//   Flink's and RisingWave's Nexmark sources do — and the answer goes to a discarding sink;
// - via 'log': the events are JSON records appended to the embedded log (ingest, timed apart) and
//   read back and parsed by the queries, and the answer is written to its sink topic;
// - via 'file': the events are written to JSON-lines files first (not timed), which the sources
//   read with source='file' inside the timed cycles (ingest included, as a user's file arrives).
// The real paths are the values of RealPath; another one (a Kafka broker) is one more case of
// `via` here: its DDL in nexmarkDdl, its filling in openEngineQuery, its timing in runEngine.

import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceDef } from '../planner/catalog.js';
import type { Value } from '../planner/values.js';
import { DEFAULT_CONFIG, Eddy, NexmarkGenerator, type AppendRecord, type GeneratorConfig, type NexmarkEvent, type RecordCodec } from '../engine-api.js';
import { nexmarkDdl, nexmarkFile, nexmarkLine, toRec, type BenchQuery } from './nexmark-queries.js';

/** The paths a user's records take into the engine that the bench measures beside the generator. */
export type RealPath = 'log' | 'file';
export type Via = 'nexmark' | RealPath;

export interface EngineSetup {
  readonly via: Via;
  /** End in a discarding sink (WITH (sink='discard')) rather than the sink topic. */
  readonly discard: boolean;
  /** Events in the sequence (the nexmark source's max_rows). */
  readonly events: number;
  readonly config?: GeneratorConfig;
  /** Pace the nexmark source by the wall clock, events per second. */
  readonly rate?: number;
}

export interface EngineQuery {
  readonly eddy: Eddy;
  /** Via the log: encode the next `n` events and append them to their topics; returns the milliseconds spent. */
  ingest(n: number): number;
  /** The records of the last step's sink topic, decoded. */
  outputs(): Value[][];
  close(): void;
}

interface TopicInput {
  readonly topic: string;
  readonly codec: RecordCodec;
  pending: AppendRecord[];
}

/** A declared source's topic; undefined when the query does not use that kind of event. */
function inputFor(def: SourceDef | undefined): TopicInput | undefined {
  return def?.topic ? { topic: def.topic, codec: Eddy.formats.records(def), pending: [] } : undefined;
}

/** `CREATE STREAM Q0 AS …` → `CREATE STREAM Q0 WITH (sink='discard') AS …`. */
function discarding(sql: string): string {
  return sql.replace(/^(CREATE\s+(?:STREAM|TABLE)\s+\w+)\s+AS\b/i, "$1 WITH (sink='discard') AS");
}

/** Open a fresh data directory, declare the Nexmark sources and start the query's steps. */
export function openEngineQuery(q: BenchQuery, batch: number, setup: EngineSetup): EngineQuery {
  const config = setup.config ?? DEFAULT_CONFIG;
  const dir = mkdtempSync(join(tmpdir(), `eddy-bench-${q.name}-`));
  const eddy = Eddy.open({ dataDir: dir, autoStart: false, batch: { maxRecords: batch }, properties: { 'auto.offset.reset': 'earliest' } });
  if (setup.via === 'file') writeEventFiles(dir, setup.events, config);
  const input =
    setup.via === 'log'
      ? ({ via: 'log' } as const)
      : setup.via === 'file'
        ? ({ via: 'file', dir } as const)
        : ({ via: 'nexmark', events: setup.events, eventsPerSecond: config.eventsPerSecond, ...(setup.rate ? { rate: setup.rate } : {}) } as const);
  eddy.execute(
    nexmarkDdl(
      input,
      q.steps.map((s) => s.sql),
    ),
  );
  q.steps.forEach((step, i) => {
    eddy.execute(setup.discard && i === q.steps.length - 1 ? discarding(step.sql) : step.sql);
    if (step.feeds?.ddl) eddy.execute(step.feeds.ddl);
  });
  const sinkName = /^CREATE\s+(?:STREAM|TABLE)\s+(\w+)/i.exec(q.steps[q.steps.length - 1]!.sql)?.[1]?.toUpperCase();
  const sink = sinkName ? eddy.source(sinkName) : undefined;
  if (!sink?.topic) throw new Error(`${q.name}: the last step must create a sink`);

  let ingest: (n: number) => number = () => 0;
  if (setup.via === 'log') {
    const inputs = new Map<string, TopicInput>();
    for (const name of ['BID', 'AUCTION', 'PERSON', 'PERSON_STREAM']) {
      const input = inputFor(eddy.source(name));
      // PERSON and PERSON_STREAM share the person topic: append each person once.
      if (input && ![...inputs.values()].some((i) => i.topic === input.topic)) inputs.set(name, input);
    }
    const gen = new NexmarkGenerator(config);
    const stage = (e: NexmarkEvent): void => {
      const { sources, rec } = toRec(e);
      for (const name of sources) inputs.get(name)?.pending.push(inputs.get(name)!.codec.encode(rec));
    };
    ingest = (n) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) stage(gen.next());
      for (const input of inputs.values()) {
        if (!input.pending.length) continue;
        eddy.produce(input.topic, input.pending);
        input.pending = [];
      }
      return performance.now() - t0;
    };
  }

  return {
    eddy,
    ingest,
    outputs() {
      const codec = Eddy.formats.records(sink);
      return eddy.readTopic(sink.topic!).flatMap((r) => {
        const d = codec.decode(r);
        return d.rec ? [d.rec.cols] : [];
      });
    },
    close() {
      eddy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The events as JSON lines, one file per kind (bid, auction, person), written in 4 MiB pieces. */
function writeEventFiles(dir: string, events: number, config: GeneratorConfig): void {
  const files = new Map<string, { fd: number; text: string }>();
  const flush = (f: { fd: number; text: string }) => {
    writeSync(f.fd, f.text);
    f.text = '';
  };
  for (const event of ['bid', 'auction', 'person']) files.set(event, { fd: openSync(nexmarkFile(dir, event), 'w'), text: '' });
  const gen = new NexmarkGenerator(config);
  try {
    for (let i = 0; i < events; i++) {
      const { event, line } = nexmarkLine(gen.next());
      const f = files.get(event)!;
      f.text += line;
      if (f.text.length >= 4 << 20) flush(f);
    }
    for (const f of files.values()) flush(f);
  } finally {
    for (const f of files.values()) closeSync(f.fd);
  }
}

export interface EngineFigures {
  /** Events per second through the query's micro-batch cycles (read → operators → commit). */
  readonly eventsPerSec: number;
  /** The same per second of this process's CPU time: steadier than wall time on a shared machine. */
  readonly eventsPerCpuSec: number;
  /** Via the log: events per second encoded and appended to the embedded log. */
  readonly ingestPerSec?: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peakRssMiB: number;
}

/** Microseconds of CPU (user + system) this process used since `from`. */
export function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** Time one engine cycle (every query reads at most one batch); returns [records read, ms]. */
function timedStep(eddy: Eddy): [number, number] {
  const t0 = performance.now();
  const n = eddy.step();
  return [n, performance.now() - t0];
}

/**
 * The engine at full speed on `events` events, `batch` records per query per cycle. Via the
 * nexmark source all events exist from the start and generating them is part of each cycle; via
 * the log, each batch's events are ingested (timed apart) before its cycles.
 */
export function runEngine(q: BenchQuery, events: number, batch: number, via: Via = 'nexmark'): EngineFigures {
  // The real paths write their answer to its sink topic, as a user's query does; the generator's ends in a discarding sink.
  const run = openEngineQuery(q, batch, { via, discard: via === 'nexmark', events });
  const latencies: number[] = [];
  let ingestMs = 0;
  let cpuMicros = 0;
  let peak = process.memoryUsage().rss;
  const cycle = () => {
    const cpu = process.cpuUsage();
    for (;;) {
      const [n, ms] = timedStep(run.eddy);
      if (n === 0) break;
      latencies.push(ms);
      if (latencies.length % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    cpuMicros += cpuSince(cpu);
  };
  // From the generator or a file, every event is there from the start: the cycles read it all (the file's ingest included).
  if (via !== 'log') cycle();
  else
    for (let done = 0; done < events; done += batch) {
      ingestMs += run.ingest(Math.min(batch, events - done));
      cycle();
    }
  peak = Math.max(peak, process.memoryUsage().rss);
  run.close();
  const cycleMs = latencies.reduce((a, b) => a + b, 0);
  return {
    eventsPerSec: events / (cycleMs / 1000),
    eventsPerCpuSec: events / (cpuMicros / 1e6),
    ...(via === 'log' ? { ingestPerSec: events / (ingestMs / 1000) } : {}),
    p50Ms: pct(latencies, 50),
    p99Ms: pct(latencies, 99),
    peakRssMiB: peak / 1024 / 1024,
  };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepUntil(t: number): void {
  const ms = t - performance.now();
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Batch latency at half the engine's maximum rate: the nexmark source paced by the wall clock at
 * `maxRate / 2` events per second, a cycle every `intervalMs` (the trigger). A batch holds what
 * arrived since the previous trigger, so its oldest event waited from then until the batch
 * committed: that is the batch's latency. A cycle that overruns delays the next trigger.
 */
export function runEngineAtHalfRate(q: BenchQuery, maxRate: number, intervalMs: number, batches: number): { p50Ms: number; p99Ms: number } {
  const rate = Math.max(1, Math.floor(maxRate / 2));
  // The source starts at CREATE; the first batches work off what arrived while the queries were
  // being created: steady state is what is measured, after WARM_UP triggers.
  const WARM_UP = 10;
  const run = openEngineQuery(q, Number.MAX_SAFE_INTEGER, { via: 'nexmark', discard: true, events: Math.ceil((rate * intervalMs * (batches + WARM_UP + 5)) / 1000), rate });
  const latencies: number[] = [];
  let previous = performance.now();
  for (let b = 0; b < WARM_UP + batches; b++) {
    sleepUntil(previous + intervalMs);
    const trigger = performance.now();
    run.eddy.step(); // one batch per trigger: everything that arrived (records keep arriving meanwhile)
    if (b >= WARM_UP) latencies.push(performance.now() - previous);
    previous = trigger;
  }
  run.close();
  return { p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99) };
}
