// `eddy test`: the conformance runner for QTT/RQTT files, and for a user's own statements + records.

import type { Command } from 'commander';
import { fileSummary, runFiles, summaryLine, type CaseReport } from '../conformance/runner.js';
import { runUserCase } from '../conformance/user-case.js';

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('run ksqlDB query-validation test files (QTT/RQTT), or one case of your own')
    .argument('[paths...]', 'test files or directories')
    .option('--json', 'print {"cases":[…]} for tools')
    .option('--filter <regex>', 'only cases whose name matches')
    .option('--sql <file>', 'your statements (with --input/--output)')
    .option('--input <file>', 'input records: {"inputs":[{"topic","key","value","timestamp"}]}')
    .option('--output <file>', 'expected records: {"outputs":[…]}')
    .action((paths: string[], opts: { json?: boolean; filter?: string; sql?: string; input?: string; output?: string }) => {
      if (opts.sql) {
        const r = runUserCase(opts.sql, opts.input, opts.output);
        if (r.status === 'failed') process.stdout.write(`FAILED: ${r.reason}\n`);
        process.stdout.write(`${r.status === 'passed' ? 1 : 0} passed, ${r.status === 'failed' ? 1 : 0} failed\n`);
        process.exitCode = r.status === 'failed' ? 1 : 0;
        return;
      }
      if (!paths.length) throw new Error('name test files or directories, or use --sql');
      const json = !!opts.json;
      const summary = runFiles(paths, {
        ...(opts.filter ? { filter: new RegExp(opts.filter) } : {}),
        onFile: (file, reports: CaseReport[]) => {
          if (json) return;
          for (const r of reports) if (r.status === 'failed') process.stdout.write(`FAIL ${file} :: ${r.name}: ${r.reason}\n`);
          process.stdout.write(`${fileSummary(file, reports)}\n`);
        },
      });
      if (json) process.stdout.write(`${JSON.stringify({ cases: summary.cases })}\n`);
      else process.stdout.write(`${summaryLine(summary)}\n`);
      process.exitCode = summary.failed > 0 ? 1 : 0;
    });
}
