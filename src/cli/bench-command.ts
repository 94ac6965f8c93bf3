// `eddy bench`: the Nexmark benchmark (see README for the results table).

import type { Command } from 'commander';
import { benchTable, runBench, type BenchMode } from '../bench/nexmark-bench.js';

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the Nexmark benchmark (q0 q1 q2 q3 q5 q7 q8) through the engine, and its operators beside hand-written loops')
    .option('--events <n>', 'events per query', '2000000')
    .option('--batch <n>', 'events per micro-batch', '10000')
    .option('--trigger <ms>', 'trigger interval for the half-rate latency run', '100')
    .option('--queries <list>', 'comma-separated subset, e.g. q0,q1')
    .option('--mode <list>', 'engine (persistent queries over the nexmark source, beside the hand-written loop), log (JSON through the embedded log), operators (in-process, no engine); comma-separated', 'engine')
    .option('--json', 'print JSON')
    .action((opts: { events: string; batch: string; trigger: string; queries?: string; mode: string; json?: boolean }) => {
      const modes = opts.mode.split(',').filter((m): m is BenchMode => m === 'engine' || m === 'log' || m === 'operators');
      if (!modes.length) throw new Error(`--mode takes engine, log and/or operators, got '${opts.mode}'`);
      const o = { events: Number(opts.events), batch: Number(opts.batch), triggerMs: Number(opts.trigger), modes, ...(opts.queries ? { queries: opts.queries.split(',') } : {}) };
      const rows = runBench(o);
      process.stdout.write(opts.json ? `${JSON.stringify({ ...o, results: rows })}\n` : `${benchTable(rows, o)}\n`);
    });
}
