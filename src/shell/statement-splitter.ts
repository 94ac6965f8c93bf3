// Cuts typed or scripted text into complete statements at top-level `;` (not inside strings,
// quoted names, comments or parentheses), using the parser's own lexer so both agree.

import { maskFunctionBodies } from '../parser/function-statements.js';
import { sqlLexer } from '../parser/lexer.js';

export interface Split {
  /** Complete statements, each with its `;`. */
  readonly statements: string[];
  /** Where each statement starts in the text (its first character after blanks). */
  readonly starts: number[];
  /** What follows the last complete statement (still being typed). */
  readonly rest: string;
  /** Why the rest cannot end however it goes on: an open string, quoted name or bracket, and where (offset in the text). */
  readonly unclosed?: { readonly offset: number; readonly message: string };
}

export function splitStatements(text: string): Split {
  // A CREATE FUNCTION's $$ body may hold anything: the lexer sees it as one string (same length).
  const lexed = sqlLexer.tokenize(maskFunctionBodies(text));
  // An unterminated string or quoted name swallows everything after it: nothing there ends.
  const stopAt = lexed.errors[0]?.offset ?? Infinity;
  const statements: string[] = [];
  const starts: number[] = [];
  let start = 0;
  /** Offsets of the brackets open at this point. */
  const open: number[] = [];
  for (const t of lexed.tokens) {
    if (t.startOffset >= stopAt) break;
    const name = t.tokenType.name;
    if (name === 'LParen' || name === 'LBracket') open.push(t.startOffset);
    else if (name === 'RParen' || name === 'RBracket') open.pop();
    else if (name === 'Semicolon' && open.length === 0) {
      const stmt = text.slice(start, t.startOffset + 1);
      if (stmt.replace(/;$/, '').trim() && hasTokens(stmt)) {
        statements.push(stmt.trim());
        starts.push(start + stmt.length - stmt.trimStart().length);
      }
      start = t.startOffset + 1;
    }
  }
  const rest = text.slice(start).replace(/^\s*\n/, '');
  if (stopAt !== Infinity) return { statements, starts, rest, unclosed: { offset: stopAt, message: QUOTES[text[stopAt] ?? ''] ?? `Unexpected character '${text[stopAt]}'` } };
  if (open.length) return { statements, starts, rest, unclosed: { offset: open[0]!, message: `'${text[open[0]!]}' is never closed` } };
  return { statements, starts, rest };
}

const QUOTES: Record<string, string> = { $: 'Function body ($$ … $$) is never closed', "'": 'String literal is never closed', '"': 'Quoted name is never closed', '`': 'Quoted name is never closed' };

function hasTokens(stmt: string): boolean {
  return sqlLexer.tokenize(maskFunctionBodies(stmt)).tokens.some((t) => t.tokenType.name !== 'Semicolon');
}

/** True when the text holds nothing but blanks and comments. */
export function isBlank(text: string): boolean {
  const lexed = sqlLexer.tokenize(text);
  return lexed.errors.length === 0 && lexed.tokens.length === 0;
}
