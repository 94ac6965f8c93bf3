// `eddy bench`: the Nexmark benchmark (see README for the results table).

import type { Command } from 'commander';
import { benchTable, runBench } from '../bench/nexmark-bench.js';

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the Nexmark benchmark: q0 q1 q2 q3 q5 q7 q8 beside hand-written loops')
    .option('--events <n>', 'events per query', '2000000')
    .option('--batch <n>', 'events per micro-batch', '10000')
    .option('--trigger <ms>', 'trigger interval for the half-rate latency run', '100')
    .option('--queries <list>', 'comma-separated subset, e.g. q0,q1')
    .option('--json', 'print JSON')
    .action((opts: { events: string; batch: string; trigger: string; queries?: string; json?: boolean }) => {
      const o = { events: Number(opts.events), batch: Number(opts.batch), triggerMs: Number(opts.trigger), ...(opts.queries ? { queries: opts.queries.split(',') } : {}) };
      const rows = runBench(o);
      process.stdout.write(opts.json ? `${JSON.stringify({ ...o, results: rows })}\n` : `${benchTable(rows, o)}\n`);
    });
}
