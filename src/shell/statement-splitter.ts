// Cuts typed or scripted text into complete statements at top-level `;` (not inside strings,
// quoted names, comments or parentheses), using the parser's own lexer so both agree.

import { sqlLexer } from '../parser/lexer.js';

export interface Split {
  /** Complete statements, each with its `;`. */
  readonly statements: string[];
  /** Where each statement starts in the text (its first character after blanks). */
  readonly starts: number[];
  /** What follows the last complete statement (still being typed). */
  readonly rest: string;
}

export function splitStatements(text: string): Split {
  const lexed = sqlLexer.tokenize(text);
  // An unterminated string or quoted name swallows everything after it: nothing there ends.
  const stopAt = lexed.errors[0]?.offset ?? Infinity;
  const statements: string[] = [];
  const starts: number[] = [];
  let start = 0;
  let depth = 0;
  for (const t of lexed.tokens) {
    if (t.startOffset >= stopAt) break;
    const name = t.tokenType.name;
    if (name === 'LParen' || name === 'LBracket') depth++;
    else if (name === 'RParen' || name === 'RBracket') depth = Math.max(0, depth - 1);
    else if (name === 'Semicolon' && depth === 0) {
      const stmt = text.slice(start, t.startOffset + 1);
      if (stmt.replace(/;$/, '').trim() && hasTokens(stmt)) {
        statements.push(stmt.trim());
        starts.push(start + stmt.length - stmt.trimStart().length);
      }
      start = t.startOffset + 1;
    }
  }
  return { statements, starts, rest: text.slice(start).replace(/^\s*\n/, '') };
}

function hasTokens(stmt: string): boolean {
  return sqlLexer.tokenize(stmt).tokens.some((t) => t.tokenType.name !== 'Semicolon');
}

/** True when the text holds nothing but blanks and comments. */
export function isBlank(text: string): boolean {
  const lexed = sqlLexer.tokenize(text);
  return lexed.errors.length === 0 && lexed.tokens.length === 0;
}
