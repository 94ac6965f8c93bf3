// RUN SCRIPT 'file.sql' in the shell: the shell reads the file itself (so it works against a
// remote server too) and runs its statements one by one, which lets it show progress.

import { readFileSync } from 'node:fs';
import { ShellError } from './backend.js';
import { splitStatements } from './statement-splitter.js';

const RUN_SCRIPT = /^\s*RUN\s+SCRIPT\s+'((?:[^']|'')*)'\s*;?\s*$/i;

/** The path named by a RUN SCRIPT statement, or undefined for any other statement. */
export function runScriptPath(statement: string): string | undefined {
  const m = RUN_SCRIPT.exec(statement);
  return m ? m[1]!.replace(/''/g, "'") : undefined;
}

export function scriptStatements(path: string): string[] {
  let body: string;
  try {
    body = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ShellError(`Cannot read script '${path}': ${(e as Error).message}`);
  }
  const { statements, rest } = splitStatements(body);
  // The last statement of a file may leave out its `;`.
  return rest.trim() && !/^\s*(--[^\n]*\s*)*$/.test(rest) ? [...statements, rest.trim()] : statements;
}
