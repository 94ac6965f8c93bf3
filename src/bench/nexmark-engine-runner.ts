// Runs a Nexmark query the way a user's persistent queries run: the generator's events are encoded
// as JSON and appended to the embedded log (the ingest), then the engine's own micro-batch cycle
// (`Eddy.step`) reads them back, decodes them, runs every step's operators and commits each query's
// sink records, state and source offsets in one SQLite transaction per batch — into a real
// data directory (WAL). Nothing is wired by hand: the queries are started with SQL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceDef } from '../planner/catalog.js';
import type { Rec } from '../planner/record.js';
import type { Value } from '../planner/values.js';
import type { AppendRecord } from '../runtime/log/index.js';
import { Eddy } from '../runtime/engine.js';
import { recordCodec, type RecordCodec } from '../runtime/record-codec.js';
import { DEFAULT_CONFIG, NexmarkGenerator, type GeneratorConfig, type NexmarkEvent } from './nexmark-generator.js';
import { NEXMARK_DDL, type BenchQuery } from './nexmark-queries.js';

export interface EngineQuery {
  readonly eddy: Eddy;
  /** Encode `n` generated events and append them to their topics; returns the milliseconds spent. */
  ingest(n: number): number;
  /** Run micro-batch cycles until every query has read everything; returns the milliseconds spent. */
  cycle(): number;
  /** The records of the last step's sink topic, decoded. */
  outputs(): Value[][];
  close(): void;
}

interface TopicInput {
  readonly topic: string;
  readonly codec: RecordCodec;
  pending: AppendRecord[];
}

function inputFor(def: SourceDef | undefined): TopicInput {
  if (!def?.topic) throw new Error('Nexmark source without a topic');
  return { topic: def.topic, codec: recordCodec(def), pending: [] };
}

/** Open a fresh data directory, declare the Nexmark sources and start the query's steps. */
export function openEngineQuery(q: BenchQuery, batch: number, config: GeneratorConfig = DEFAULT_CONFIG): EngineQuery {
  const dir = mkdtempSync(join(tmpdir(), `eddy-bench-${q.name}-`));
  const eddy = Eddy.open({ dataDir: dir, autoStart: false, batch: { maxRecords: batch } });
  eddy.execute(NEXMARK_DDL);
  for (const step of q.steps) {
    eddy.execute(step.sql);
    if (step.feeds?.ddl) eddy.execute(step.feeds.ddl);
  }
  const { catalog } = eddy.state;
  const bid = inputFor(catalog.get('BID'));
  const auction = inputFor(catalog.get('AUCTION'));
  const person = inputFor(catalog.get('PERSON'));
  const sinkName = /^CREATE\s+(?:STREAM|TABLE)\s+(\w+)/i.exec(q.steps[q.steps.length - 1]!.sql)?.[1]?.toUpperCase();
  const sink = sinkName ? catalog.get(sinkName) : undefined;
  if (!sink?.topic) throw new Error(`${q.name}: the last step must create a sink`);
  const gen = new NexmarkGenerator(config);

  const stage = (e: NexmarkEvent): void => {
    const rec = (input: TopicInput, cols: Value[], ts: number) => input.pending.push(input.codec.encode({ cols, ts, partition: 0, offset: 0 } satisfies Rec));
    if (e.kind === 'bid') {
      const b = e.bid;
      rec(bid, [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra], b.dateTime);
    } else if (e.kind === 'auction') {
      const a = e.auction;
      rec(auction, [a.id, a.itemName, a.description, a.initialBid, a.reserve, a.dateTime, a.expires, a.seller, a.category, a.extra], a.dateTime);
    } else {
      const p = e.person;
      rec(person, [p.id, p.name, p.emailAddress, p.creditCard, p.city, p.state, p.dateTime, p.extra], p.dateTime);
    }
  };

  return {
    eddy,
    ingest(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) stage(gen.next());
      for (const input of [bid, auction, person]) {
        if (input.pending.length) eddy.produce(input.topic, input.pending);
        input.pending = [];
      }
      return performance.now() - t0;
    },
    cycle() {
      const t0 = performance.now();
      eddy.runUntilIdle();
      return performance.now() - t0;
    },
    outputs() {
      const codec = recordCodec(sink);
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

export interface EngineFigures {
  /** Events per second through the query's micro-batch cycles (log read → decode → operators → commit). */
  readonly eventsPerSec: number;
  /** The same per second of this process's CPU time: steadier than wall time on a shared machine. */
  readonly eventsPerCpuSec: number;
  /** Events per second encoded and appended to the embedded log. */
  readonly ingestPerSec: number;
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

/** The engine at full speed: `events` events, ingested and processed `batch` at a time. */
export function runEngine(q: BenchQuery, events: number, batch: number): EngineFigures {
  const run = openEngineQuery(q, batch);
  const latencies: number[] = [];
  let ingestMs = 0;
  let cpuMicros = 0;
  let peak = process.memoryUsage().rss;
  for (let done = 0; done < events; done += batch) {
    ingestMs += run.ingest(Math.min(batch, events - done));
    const cpu = process.cpuUsage();
    latencies.push(run.cycle());
    cpuMicros += cpuSince(cpu);
    if (latencies.length % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  run.close();
  const cycleMs = latencies.reduce((a, b) => a + b, 0);
  return { eventsPerSec: events / (cycleMs / 1000), eventsPerCpuSec: events / (cpuMicros / 1e6), ingestPerSec: events / (ingestMs / 1000), p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), peakRssMiB: peak / 1024 / 1024 };
}

/**
 * Batch latency at half the engine's maximum rate: every trigger interval the events that arrived
 * in it are in the log; the batch's latency is the wait for the trigger plus its cycle time.
 */
export function runEngineAtHalfRate(q: BenchQuery, maxRate: number, intervalMs: number, batches: number): { p50Ms: number; p99Ms: number } {
  const perBatch = Math.max(1, Math.floor(((maxRate / 2) * intervalMs) / 1000));
  const run = openEngineQuery(q, perBatch);
  const latencies: number[] = [];
  for (let b = 0; b < batches; b++) {
    run.ingest(perBatch);
    latencies.push(intervalMs + run.cycle());
  }
  run.close();
  return { p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99) };
}
