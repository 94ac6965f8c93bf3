// `eddy test`: the conformance runner for QTT/RQTT files, and for a user's own statements + records.

import type { Command } from 'commander';
import { REGISTRY_FORMATS } from '../conformance/qtt-case.js';
import { countsOf, fileSummary, formatSummary, runFiles, runSucceeded, summaryLine, type CaseReport } from '../conformance/runner.js';
import { runUserCase } from '../conformance/user-case.js';

interface TestOptions {
  json?: boolean;
  filter?: string;
  sql?: string;
  input?: string;
  output?: string;
}

function failureLine(r: CaseReport): string {
  return `${r.status === 'unchecked' ? 'UNCHECKED' : 'FAIL'} ${r.file} :: ${r.name}: ${r.reason ?? ''}`;
}

function runOwnCase(opts: TestOptions & { sql: string }): void {
  const outcome = runUserCase(opts.sql, opts.input, opts.output);
  const report: CaseReport = { file: opts.sql, name: opts.sql, format: 'JSON', status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}) };
  const counts = countsOf([report]);
  if (opts.json) process.stdout.write(`${JSON.stringify({ cases: [report] })}\n`);
  else {
    if (report.status !== 'passed') process.stdout.write(`${failureLine(report)}\n`);
    process.stdout.write(`${summaryLine(counts)}\n`);
  }
  process.exitCode = runSucceeded(counts) ? 0 : 1;
}

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('run ksqlDB query-validation test files (QTT/RQTT), or one case of your own')
    .argument('[paths...]', 'test files or directories')
    .option('--json', 'print {"cases":[…]} for tools')
    .option('--filter <regex>', 'only cases whose name matches')
    .option('--sql <file>', 'your statements (with --input/--output)')
    .option('--input <file>', 'input records: {"inputs":[{"topic","key","value","timestamp"}]}')
    .option('--output <file>', 'expected records: {"outputs":[…]}; every topic your queries write is checked')
    .action((paths: string[], opts: TestOptions) => {
      if (opts.sql) return runOwnCase({ ...opts, sql: opts.sql });
      if (!paths.length) throw new Error('name test files or directories, or use --sql');
      const json = !!opts.json;
      const summary = runFiles(paths, {
        ...(opts.filter ? { filter: new RegExp(opts.filter) } : {}),
        onFile: (file, reports: CaseReport[]) => {
          if (json) return;
          for (const r of reports) if (r.status === 'failed' || r.status === 'unchecked') process.stdout.write(`${failureLine(r)}\n`);
          process.stdout.write(`${fileSummary(file, reports)}\n`);
        },
      });
      for (const f of summary.notTestFiles) process.stderr.write(`eddy test: ${f.file}: ${f.reason}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ cases: summary.cases, notTestFiles: summary.notTestFiles })}\n`);
      else {
        const byFormat = formatSummary(summary.cases, REGISTRY_FORMATS);
        if (byFormat) process.stdout.write(`${byFormat}\n`);
        process.stdout.write(`${summaryLine(summary)}\n`);
      }
      if (!summary.cases.length) process.stderr.write(`eddy test: no test cases in ${paths.join(', ')}${opts.filter ? ` matching /${opts.filter}/` : ''}\n`);
      process.exitCode = runSucceeded(summary) ? 0 : 1;
    });
}
