#!/usr/bin/env node
// The `eddy` command. Argument parsing by commander (a well-kept parser beats a hand-rolled one).

import { Command, type Help } from 'commander';
import { readFileSync } from 'node:fs';
import { registerBenchCommand } from './bench-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerServerCommand } from './server-command.js';
import { registerShellCommand } from './shell-command.js';
import { registerTestCommand } from './test-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('eddy')
  .usage('[shell options] | <command> [options]')
  .description('Eddy — a SQL-first streaming database (ksqlDB SQL over micro-batches)')
  .version(version, '-V, --version', 'print the version')
  .showSuggestionAfterError();
registerTestCommand(program);
registerServerCommand(program);
registerBenchCommand(program);
registerDemoCommand(program, false);
program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`${version}\n`);
  });
const shell = registerShellCommand(program, true);

// `eddy` alone is `eddy shell`: its options belong in the first help a newcomer reads.
program.addHelpText('after', () => {
  const help: Help = shell.createHelp();
  const options = help.visibleOptions(shell).filter((o) => o.long !== '--help');
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  const lines = options.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`);
  return `\nShell options (\`eddy [options]\` is \`eddy shell [options]\`):\n${lines.join('\n')}\n\nExamples:\n  eddy                                   the shell, data in ./.eddy\n  eddy --memory -e "SHOW FUNCTIONS;"     run statements and exit\n  eddy -f setup.sql --data ./data        run a file against a data directory\n  eddy server --port 7878                serve over TCP (docs/protocol.md)\n`;
});

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`eddy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
