// Scripts: the text of -f, -e, standard input or RUN SCRIPT 'file.sql', cut into statements that
// remember where in the text they start, so an error points at the file's line and column. RUN
// SCRIPT is read by the shell itself (so it works against a remote server too) and run statement
// by statement, which lets it show progress.

import { readFileSync } from 'node:fs';
import { ShellError, type StatementFailure } from './backend.js';
import { errorLines } from './error-caret.js';
import { isBlank, splitStatements } from './statement-splitter.js';

const RUN_SCRIPT = /^\s*RUN\s+SCRIPT\s+'((?:[^']|'')*)'\s*;?\s*$/i;

export interface ScriptStatement {
  readonly sql: string;
  /** 1-based line and column of the statement's first character in the script. */
  readonly line: number;
  readonly column: number;
}

export interface Script {
  /** The file it came from; undefined for -e and standard input. */
  readonly name?: string;
  readonly text: string;
  readonly statements: readonly ScriptStatement[];
  /** Why the script's end cannot be run (an open string, quoted name or bracket), and where. */
  readonly unclosed?: StatementFailure;
}

/** The path named by a RUN SCRIPT statement, or undefined for any other statement. */
export function runScriptPath(statement: string): string | undefined {
  const m = RUN_SCRIPT.exec(statement);
  return m ? m[1]!.replace(/''/g, "'") : undefined;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: (before.match(/\n/g)?.length ?? 0) + 1, column: offset - lineStart + 1 };
}

export function scriptOf(text: string, name?: string): Script {
  const { statements, starts, rest, unclosed } = splitStatements(text);
  const found = statements.map((sql, i) => ({ sql, at: starts[i]! }));
  // The last statement of a script may leave out its `;` — but not a quote or bracket.
  if (!unclosed && !isBlank(rest)) found.push({ sql: rest.trim(), at: text.length - rest.trimStart().length });
  return {
    ...(name !== undefined ? { name } : {}),
    text,
    statements: found.map(({ sql, at }) => ({ sql, ...positionOf(text, at) })),
    ...(unclosed ? { unclosed: { message: unclosed.message, ...positionOf(text, unclosed.offset) } } : {}),
  };
}

export function readScript(path: string): Script {
  let body: string;
  try {
    body = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ShellError(`Cannot read script '${path}': ${(e as Error).message}`);
  }
  return scriptOf(body, path);
}

/** A statement's error with its position moved from the statement into the script. */
export function scriptErrorLines(script: Script, s: ScriptStatement, f: StatementFailure): string[] {
  const of = script.name !== undefined ? ` of ${script.name}` : '';
  if (f.line === undefined || f.column === undefined) return [`ERROR${of ? ` in the statement at line ${s.line}${of}` : ''}: ${f.message}`];
  const line = s.line + f.line - 1;
  const column = f.line === 1 ? s.column + f.column - 1 : f.column;
  return errorLines(script.text, { message: f.message, line, column }, of);
}
