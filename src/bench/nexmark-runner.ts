// Operators only: runs a Nexmark query's plans through Eddy's operators, batch by batch, committing
// operator state to SQLite after every batch, with a discarding sink. Events enter the plans as
// records from the in-process generator and chained steps are wired in memory, so this measures
// the operators and state commits alone — no embedded log, no JSON, no sink topic, no offsets.
// The real path a user's query takes is measured by nexmark-engine-runner.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStatement } from '../parser/index.js';
import { planQuery } from '../planner/plan-query.js';
import { sourcesOf } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import { buildPipeline } from '../runtime/build-pipeline.js';
import { Eddy, NexmarkGenerator, type NexmarkEvent } from '../engine-api.js';
import type { Emit } from '../runtime/operators/operator.js';
import type { StateStore } from '../runtime/state/state-store.js';
import { openOperatorEnv } from '../runtime/task/operator-env.js';
import { cpuSince, pct } from './nexmark-engine-runner.js';
import { NEXMARK_DDL, toRec, type BenchQuery } from './nexmark-queries.js';

type Router = (e: NexmarkEvent) => void;

export interface PreparedQuery {
  readonly route: Router;
  /** End the batch: operators' end-of-batch work, then state flushed in one transaction. */
  readonly commit: () => void;
  readonly close: () => void;
}

/** A record waiting for a later step's turn in the batch; a table's change goes first on a time tie. */
interface Queued {
  readonly rec: Rec;
  readonly to: Emit;
  readonly table: boolean;
}

/**
 * Plan every step of a query and wire them; `out` receives the final step's rows. Steps take their
 * turns in each batch as the engine's queries do: the first step reads the events as they come; a
 * later step reads its batch once the earlier steps have ended theirs (aggregations emit their
 * changes then), events and earlier steps' changes merged by timestamp, a table's change first.
 */
export function prepareQuery(q: BenchQuery, out: (r: Rec) => void): PreparedQuery {
  const dir = mkdtempSync(join(tmpdir(), `eddy-bench-${q.name}-`));
  const eddy = Eddy.open({ dataDir: dir, autoStart: false });
  eddy.execute(NEXMARK_DDL);
  const db = eddy.state.db;
  const stores: StateStore<unknown>[] = [];
  const endBatch: (() => void)[][] = [];
  const queues: Queued[][] = [];
  const routes = new Map<string, { step: number; entry: Emit; table: boolean }[]>();
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
    // The env a persistent task's operators get (runtime/task/operator-env.ts), errors and late records ignored.
    const { env } = openOperatorEnv({ db, persistentOwner: `bench_${q.name}_${i}`, pullStore: undefined, logError: () => {}, countLate: () => {} }, stores);
    const built = buildPipeline(plan.root, downstream, env);
    endBatch[i] = built.endBatch;
    entriesByStep[i] = built.entries;
    queues[i] = [];
    const fed = planned[i - 1]?.step.feeds?.source;
    const sources = sourcesOf(plan.root);
    if (fed) {
      const node = sources.find((s) => s.source.name === fed);
      if (!node) throw new Error(`${q.name}: step ${i} does not read ${fed}`);
      const to = built.entries.get(node.alias)!;
      const queue = queues[i]!;
      const table = node.schema.isTable;
      downstream = (rec) => queue.push({ rec, to, table });
    }
  }
  // Events reach every step that reads their stream, earlier steps first.
  for (let i = 0; i < planned.length; i++) {
    for (const node of sourcesOf(planned[i]!.plan.root)) {
      const entry = entriesByStep[i]!.get(node.alias)!;
      const list = routes.get(node.source.name) ?? [];
      list.push({ step: i, entry, table: node.schema.isTable });
      routes.set(node.source.name, list);
    }
  }
  const route: Router = (e) => {
    const { sources, rec } = toRec(e);
    for (const source of sources) {
      const targets = routes.get(source);
      if (!targets) continue;
      // Each reader gets its own record: operators may keep what they are given.
      for (const t of targets) {
        const r = sources.length > 1 ? { ...rec } : rec;
        if (t.step === 0) t.entry(r);
        else queues[t.step]!.push({ rec: r, to: t.entry, table: t.table });
      }
    }
  };
  const flush = db.transaction(() => {
    for (const s of stores) s.flush();
  });
  return {
    route,
    commit: () => {
      for (let i = 0; i < planned.length; i++) {
        const queue = queues[i]!;
        if (queue.length) {
          queue.sort((a, b) => a.rec.ts - b.rec.ts || Number(b.table) - Number(a.table)); // stable
          for (const x of queue) x.to(x.rec);
          queue.length = 0;
        }
        for (const f of endBatch[i]!) f();
      }
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
  /** Per second of this process's CPU time: steadier than wall time on a shared machine. */
  readonly eventsPerCpuSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peakRssMiB: number;
}

/** The operators at full speed: `events` events in batches of `batch`. */
export function runEddy(q: BenchQuery, events: number, batch: number): BenchFigures {
  let outputs = 0;
  const prepared = prepareQuery(q, () => void outputs++);
  const gen = new NexmarkGenerator();
  const latencies: number[] = [];
  let peak = process.memoryUsage().rss;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let done = 0; done < events; done += batch) {
    const t0 = performance.now();
    const n = Math.min(batch, events - done);
    for (let i = 0; i < n; i++) prepared.route(gen.next());
    prepared.commit();
    latencies.push(performance.now() - t0);
    if (latencies.length % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const secs = (performance.now() - started) / 1000;
  const cpuSecs = cpuSince(cpu) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  prepared.close();
  return { eventsPerSec: events / secs, eventsPerCpuSec: events / cpuSecs, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), peakRssMiB: peak / 1024 / 1024 };
}
