// An error as a person wants to see it: the message, then the statement line at fault with a
// caret under the column the parser or planner pointed at.

import type { StatementFailure } from './backend.js';

/** `where` names the file (" of setup.sql") when the text is a script's. */
export function errorLines(statement: string, f: StatementFailure, where = ''): string[] {
  if (f.line === undefined || f.column === undefined) return [`ERROR: ${f.message}`];
  const lines = statement.split('\n');
  const at = lines[f.line - 1];
  const head = `ERROR at line ${f.line}, column ${f.column}${where}: ${f.message}`;
  if (at === undefined) return [head];
  const gutter = lines.length > 1 ? `${f.line} | ` : '';
  // Keep tabs as tabs so the caret lines up under them.
  const lead = at.slice(0, Math.max(0, f.column - 1)).replace(/[^\t]/g, ' ');
  return [head, `${gutter}${at}`, `${' '.repeat(gutter.length)}${lead}^`];
}
