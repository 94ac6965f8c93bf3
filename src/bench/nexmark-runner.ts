// Runs a Nexmark query through Eddy's planner and operators, batch by batch, committing operator
// state to SQLite after every batch, with a discarding sink. Events enter the plan as records
// (the generator is in-process), so the figures measure the micro-batch loop — planning, the
// operators, state and commits — not JSON decoding or the embedded log.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStatement } from '../parser/index.js';
import { planQuery } from '../planner/plan-query.js';
import { sourcesOf } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import type { Value } from '../planner/values.js';
import { buildPipeline } from '../runtime/build-pipeline.js';
import { Eddy } from '../runtime/engine.js';
import type { Emit, OperatorEnv } from '../runtime/operators/operator.js';
import { StateBacking, StateStore } from '../runtime/state/state-store.js';
import { staticBatchJoin } from '../runtime/static-table.js';
import { NexmarkGenerator, type NexmarkEvent } from './nexmark-generator.js';
import { NEXMARK_DDL, type BenchQuery } from './nexmark-queries.js';

type Router = (e: NexmarkEvent) => void;

function toRecs(e: NexmarkEvent): { source: string; rec: Rec }[] {
  switch (e.kind) {
    case 'bid': {
      const b = e.bid;
      return [{ source: 'BID', rec: { cols: [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra], ts: b.dateTime, partition: 0, offset: 0 } }];
    }
    case 'auction': {
      const a = e.auction;
      return [{ source: 'AUCTION', rec: { cols: [a.id, a.itemName, a.description, a.initialBid, a.reserve, a.dateTime, a.expires, a.seller, a.category, a.extra], ts: a.dateTime, partition: 0, offset: 0 } }];
    }
    case 'person': {
      const p = e.person;
      const cols: Value[] = [p.id, p.name, p.emailAddress, p.creditCard, p.city, p.state, p.dateTime, p.extra];
      return [
        { source: 'PERSON', rec: { cols, ts: p.dateTime, partition: 0, offset: 0 } },
        { source: 'PERSON_STREAM', rec: { cols, ts: p.dateTime, partition: 0, offset: 0 } },
      ];
    }
  }
}

export interface PreparedQuery {
  readonly route: Router;
  /** End the batch: operators' end-of-batch work, then state flushed in one transaction. */
  readonly commit: () => void;
  readonly close: () => void;
}

/** Plan every step of a query and wire them; `out` receives the final step's rows. */
export function prepareQuery(q: BenchQuery, out: (r: Rec) => void): PreparedQuery {
  const dir = mkdtempSync(join(tmpdir(), `eddy-bench-${q.name}-`));
  const eddy = Eddy.open({ dataDir: dir, autoStart: false });
  eddy.execute(NEXMARK_DDL);
  const db = eddy.state.db;
  const stores: StateStore<unknown>[] = [];
  const endBatch: (() => void)[] = [];
  const routes = new Map<string, Emit[]>();
  // Build from the last step back, so each step knows where its output goes.
  let downstream: Emit = out;
  const steps = [...q.steps];
  const planned = steps.map((step, i) => {
    const stmt = parseStatement(step.sql);
    if (stmt.kind === 'CreateAsSelect') eddy.execute(step.sql);
    if (step.feeds?.ddl) eddy.execute(step.feeds.ddl);
    const query = stmt.kind === 'CreateAsSelect' ? stmt.query : stmt.kind === 'Query' ? stmt : undefined;
    if (!query) throw new Error(`bench step must be a query: ${step.sql}`);
    return { i, step, plan: planQuery(query, eddy.state.catalog, { sink: () => {} }, stmt.kind === 'CreateAsSelect' ? { sinkName: stmt.name } : {}) };
  });
  const entriesByStep: Map<string, Emit>[] = [];
  for (let i = planned.length - 1; i >= 0; i--) {
    const { plan } = planned[i]!;
    const backing = new StateBacking(db, `bench_${q.name}_${i}`);
    const env: OperatorEnv = {
      store: <V,>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V) => {
        const s = new StateStore<V>(backing, name, enc, dec);
        stores.push(s as StateStore<unknown>);
        return s;
      },
      logError: () => {},
      countLate: () => {},
      staticJoin: (s, stream) => staticBatchJoin(db, s, stream),
    };
    const built = buildPipeline(plan.root, downstream, env);
    endBatch.unshift(...built.endBatch);
    entriesByStep[i] = built.entries;
    const fed = planned[i - 1]?.step.feeds?.source;
    const sources = sourcesOf(plan.root);
    if (fed) {
      const node = sources.find((s) => s.source.name === fed);
      if (!node) throw new Error(`${q.name}: step ${i} does not read ${fed}`);
      downstream = built.entries.get(node.alias)!;
    }
  }
  // Events reach every step that reads their stream, earlier steps first.
  for (let i = 0; i < planned.length; i++) {
    for (const node of sourcesOf(planned[i]!.plan.root)) {
      const entry = entriesByStep[i]!.get(node.alias)!;
      const list = routes.get(node.source.name) ?? [];
      list.push(entry);
      routes.set(node.source.name, list);
    }
  }
  const route: Router = (e) => {
    for (const { source, rec } of toRecs(e)) {
      const targets = routes.get(source);
      if (targets) for (const t of targets) t(rec);
    }
  };
  const flush = db.transaction(() => {
    for (const s of stores) s.flush();
  });
  return {
    route,
    commit: () => {
      for (const f of endBatch) f();
      flush();
    },
    close: () => {
      eddy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchFigures {
  readonly eventsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peakRssMiB: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** Eddy at full speed: `events` events in batches of `batch`. */
export function runEddy(q: BenchQuery, events: number, batch: number): BenchFigures {
  let outputs = 0;
  const prepared = prepareQuery(q, () => void outputs++);
  const gen = new NexmarkGenerator();
  const latencies: number[] = [];
  let peak = process.memoryUsage().rss;
  const started = performance.now();
  for (let done = 0; done < events; done += batch) {
    const t0 = performance.now();
    const n = Math.min(batch, events - done);
    for (let i = 0; i < n; i++) prepared.route(gen.next());
    prepared.commit();
    latencies.push(performance.now() - t0);
    if (latencies.length % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const secs = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  prepared.close();
  return { eventsPerSec: events / secs, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), peakRssMiB: peak / 1024 / 1024 };
}

/**
 * Batch latency at half the maximum rate: every trigger interval a batch holds the events that
 * arrived in it; its latency is the wait for the trigger plus its processing time.
 */
export function runAtHalfRate(q: BenchQuery, maxRate: number, intervalMs: number, batches: number): { p50Ms: number; p99Ms: number } {
  const prepared = prepareQuery(q, () => {});
  const gen = new NexmarkGenerator();
  const perBatch = Math.max(1, Math.floor(((maxRate / 2) * intervalMs) / 1000));
  const latencies: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) prepared.route(gen.next());
    prepared.commit();
    // The oldest event of the batch waited a whole interval for the trigger.
    latencies.push(intervalMs + (performance.now() - t0));
  }
  prepared.close();
  return { p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99) };
}
