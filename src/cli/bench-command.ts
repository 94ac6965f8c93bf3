// `eddy bench`: the Nexmark benchmark (see README for the results table). Each query runs in its
// own child process, so its peak RSS and its garbage collector are its own, not what the queries
// before it left behind.

import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { BENCH_MODES, benchTable, halfRateLatency, runBench, type BenchMode, type BenchOptions, type BenchRows } from '../bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../bench/nexmark-queries.js';

interface BenchCliOptions {
  events: string;
  batch: string;
  trigger: string;
  queries?: string;
  mode: string;
  json?: boolean;
  inProcess?: boolean;
  halfRate: boolean;
  halfRateAt?: string;
  kafka?: string;
  partitions: string;
  rounds: string;
}

/** Run `eddy bench … extra` for one query in a fresh process and return what it printed as JSON. */
function runChild<T>(query: string, o: BenchOptions, extra: readonly string[]): T {
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    'bench',
    '--in-process',
    '--json',
    '--queries',
    query,
    '--events',
    String(o.events),
    '--batch',
    String(o.batch),
    '--trigger',
    String(o.triggerMs),
    '--mode',
    o.modes.join(','),
    ...extra,
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bench ${query} failed (exit ${String(r.status ?? r.signal)})`);
  return JSON.parse(r.stdout) as T;
}

/**
 * One query: full speed in one process, then the half-rate latency in another — after a
 * 20M-event run the heap it leaves behind shows up in the paced run's slowest batches.
 */
function runQuery(query: string, o: BenchOptions): BenchRows {
  const rows = runChild<{ results: BenchRows }>(query, o, ['--no-half-rate']).results;
  const engine = rows.engine.map((r) => ({ ...r, halfRateP99Ms: runChild<{ p99Ms: number }>(query, o, ['--half-rate-at', String(r.eventsPerSec)]).p99Ms }));
  return { ...rows, engine };
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the Nexmark benchmark (q0 q1 q2 q3 q5 q7 q8) through the engine, beside hand-written loops')
    .option('--events <n>', 'events per query', '2000000')
    .option('--batch <n>', 'records per query per micro-batch', '10000')
    .option('--trigger <ms>', 'trigger interval for the half-rate latency run', '100')
    .option('--queries <list>', 'comma-separated subset, e.g. q0,q1')
    .option(
      '--mode <list>',
      'engine (persistent queries over the nexmark source, beside the hand-written loop), log (JSON records through the embedded log), file (JSON-lines files through the file source, ingest included), operators (in-process, no engine); comma-separated',
      'engine',
    )
    .option('--in-process', 'run every query in this process (default: child processes per query)')
    .option('--no-half-rate', 'skip the half-rate latency run')
    .option('--half-rate-at <eventsPerSec>', 'only the half-rate latency run, for this maximum rate (what the child processes run)')
    .option('--json', 'print JSON')
    .option('--kafka <brokers>', 'Kafka mode instead: Kafka → filter → Kafka (exactly-once) on this broker, beside a transactional kafkajs loop; --events records')
    .option('--partitions <n>', 'Kafka mode: partitions of the input and output topics', '4')
    .option('--rounds <n>', 'Kafka mode: runs of each, alternating', '2')
    .action(async (opts: BenchCliOptions) => {
      if (opts.kafka) {
        // Loaded only for this mode: it brings kafkajs (after the engine's mend of its read_committed
        // filter) into the CLI's own process, which no other command needs.
        const { runKafkaMode } = await import('../bench/kafka-mode.js');
        await runKafkaMode({ brokers: opts.kafka, records: Number(opts.events), batch: Number(opts.batch), partitions: Number(opts.partitions), rounds: Number(opts.rounds) }, opts.json === true);
        return;
      }
      const given = opts.mode.split(',');
      const wrong = given.filter((m) => !BENCH_MODES.includes(m as BenchMode));
      if (wrong.length || !given.length) throw new Error(`--mode takes ${BENCH_MODES.join(', ')} (comma-separated), got '${opts.mode}'`);
      const modes = given as BenchMode[];
      const queries = opts.queries ? opts.queries.split(',') : NEXMARK_QUERIES.map((q) => q.name);
      const unknown = queries.filter((q) => !NEXMARK_QUERIES.some((n) => n.name === q));
      if (unknown.length) throw new Error(`Unknown queries: ${unknown.join(', ')} (known: ${NEXMARK_QUERIES.map((q) => q.name).join(' ')})`);
      const o: BenchOptions = { events: Number(opts.events), batch: Number(opts.batch), triggerMs: Number(opts.trigger), modes, queries, halfRate: opts.halfRate };
      if (opts.halfRateAt !== undefined) {
        if (queries.length !== 1) throw new Error('--half-rate-at measures one query: give --queries qN');
        process.stdout.write(`${JSON.stringify(halfRateLatency(queries[0]!, Number(opts.halfRateAt), o.triggerMs))}\n`);
        return;
      }
      let rows: BenchRows;
      if (opts.inProcess) rows = runBench(o);
      else {
        rows = { engine: [], log: [], operators: [] };
        for (const q of queries) {
          const r = opts.halfRate ? runQuery(q, o) : runChild<{ results: BenchRows }>(q, o, ['--no-half-rate']).results;
          rows.engine.push(...r.engine);
          rows.log.push(...r.log);
          rows.operators.push(...r.operators);
        }
      }
      process.stdout.write(opts.json ? `${JSON.stringify({ ...o, results: rows })}\n` : `${benchTable(rows, o)}\n`);
    });
}
