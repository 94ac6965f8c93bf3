#!/usr/bin/env node
// The `eddy` command. Argument parsing by commander (a well-kept parser beats a hand-rolled one).

import { Command } from 'commander';
import { registerBenchCommand } from './bench-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerServerCommand } from './server-command.js';
import { registerShellCommand } from './shell-command.js';
import { registerTestCommand } from './test-command.js';

const program = new Command();
program.name('eddy').description('Eddy — a SQL-first streaming database (ksqlDB SQL over micro-batches)').version('0.1.0');
registerTestCommand(program);
registerServerCommand(program);
registerBenchCommand(program);
registerDemoCommand(program, false);
registerShellCommand(program, true);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`eddy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
