// The SQL front end's public face: text → typed AST, or a SqlError with line and column.

import type { IRecognitionException, IToken } from 'chevrotain';
import type { Expr, ParsedStatement, Statement } from './ast.js';
import { SqlError } from './errors.js';
import { SemanticError } from './expression-parser.js';
import { parseWithFunctions } from './function-statements.js';
import { KEYWORDS, Semicolon, sqlLexer } from './lexer.js';
import type { SqlType } from './sql-type.js';
import { StatementParser } from './statement-parser.js';
import { ksqlSyntaxError } from './syntax-error.js';

export * from './ast.js';
export { SqlError, isSqlError } from './errors.js';
export * from './sql-type.js';
export { KEYWORDS } from './lexer.js';

const parser = new StatementParser();

function tokenize(text: string): IToken[] {
  const lexed = sqlLexer.tokenize(text);
  const err = lexed.errors[0];
  if (err) {
    const ch = text.slice(err.offset, err.offset + err.length);
    const what = ch.startsWith("'") ? 'unterminated string literal' : ch.startsWith('`') || ch.startsWith('"') ? 'unterminated quoted identifier' : `unexpected character '${ch.slice(0, 1)}'`;
    // ksqlDB's first line (`Syntax Error`), then what the lexer met, then the statement's line.
    const line = err.line ?? 1;
    throw new SqlError(`Syntax Error\n${what}`, { line, column: err.column ?? 1, offset: err.offset }, { statement: text.split(/\r?\n/)[line - 1] ?? '' });
  }
  return lexed.tokens;
}

function syntaxError(e: IRecognitionException, tokens: readonly IToken[], text: string, startRule: string): SqlError {
  return ksqlSyntaxError({ error: e, tokens, text, startRule, oracle: parser, hint: habitHint });
}

/** What a newcomer's SQL habit (PostgreSQL, DuckDB) needs instead, after ksqlDB's own message. */
function habitHint(t: IToken | undefined, before: string): string {
  // ORDER BY parses before EMIT and LIMIT only; met anywhere else it is a misplaced one.
  if (/^ORDER$/i.test(t?.image ?? '') || /\bORDER\s*$/i.test(before)) {
    return "ORDER BY goes before EMIT and LIMIT; it sorts ad-hoc queries over static tables and SELECTs without FROM (ksqlDB's streams and tables have no ORDER BY: a stream has no end to sort by).";
  }
  return '';
}

/** A rule the grammar checks by hand, at its token; a syntax rule in ksqlDB's form. */
function semanticError(e: SemanticError, text: string): SqlError {
  const line = e.token.startLine ?? 1;
  const at = { line, column: e.token.startColumn ?? 1, offset: e.token.startOffset };
  if (!e.syntax) return new SqlError(e.message, at);
  return new SqlError(`Syntax Error\n${e.message}`, at, { statement: text.split(/\r?\n/)[line - 1] ?? '' });
}

function run<T>(text: string, startRule: string, rule: (p: StatementParser) => T): T {
  const tokens = tokenize(text);
  parser.input = tokens;
  let result: T;
  try {
    result = rule(parser);
  } catch (e) {
    if (e instanceof SemanticError) throw semanticError(e, text);
    throw e;
  }
  if (parser.errors.length) throw syntaxError(parser.errors[0]!, tokens, text, startRule);
  return result;
}

/** Parse a script of statements separated by `;` (the last `;` is optional). */
export function parse(sql: string): ParsedStatement[] {
  // CREATE/DROP FUNCTION have their own reader (function-statements.ts): $$ bodies are not SQL.
  return parseWithFunctions(sql, parseSql, parseType) ?? parseSql(sql);
}

function parseSql(sql: string): ParsedStatement[] {
  const tokens = tokenize(sql);
  const out: ParsedStatement[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i]!.tokenType === Semicolon) {
      i++;
      continue;
    }
    let j = i;
    let depth = 0;
    // A statement ends at a top-level ';' (never inside parentheses or brackets).
    while (j < tokens.length && !(tokens[j]!.tokenType === Semicolon && depth === 0)) {
      const name = tokens[j]!.tokenType.name;
      if (name === 'LParen' || name === 'LBracket') depth++;
      else if (name === 'RParen' || name === 'RBracket') depth--;
      j++;
    }
    const slice = tokens.slice(i, j);
    const first = slice[0]!;
    const last = slice[slice.length - 1]!;
    parser.input = slice;
    let statement: Statement;
    try {
      statement = parser.statement();
    } catch (e) {
      if (e instanceof SemanticError) throw semanticError(e, sql);
      throw e;
    }
    if (parser.errors.length) throw syntaxError(parser.errors[0]!, slice, sql, 'statement');
    out.push({ statement, text: sql.slice(first.startOffset, (last.endOffset ?? last.startOffset) + 1) });
    i = j + 1;
  }
  return out;
}

export function parseStatement(sql: string): Statement {
  const all = parse(sql);
  if (all.length !== 1) throw new SqlError(`Expected exactly one statement, got ${all.length}`);
  return all[0]!.statement;
}

export function parseExpression(text: string): Expr {
  return run(text, 'expression', (p) => p.expression());
}

export function parseType(text: string): SqlType {
  return run(text, 'sqlType', (p) => p.sqlType());
}

/** Keywords that may come next at `offset` (for tab completion); catalog names are the caller's. */
export function suggestAt(text: string, offset: number): string[] {
  const before = text.slice(0, offset);
  const start = before.lastIndexOf(';') + 1;
  let tokens: IToken[];
  try {
    tokens = sqlLexer.tokenize(before.slice(start)).tokens;
  } catch {
    return [];
  }
  // The word under the cursor is being typed: complete it rather than what follows it.
  const partial = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  if (partial && tokens.length && tokens[tokens.length - 1]!.endOffset === before.length - start - 1) tokens = tokens.slice(0, -1);
  let paths;
  try {
    paths = parser.computeContentAssist('statement', tokens);
  } catch {
    return [];
  }
  const words = new Set<string>();
  for (const p of paths) {
    const name = p.nextTokenType.name;
    if (KEYWORDS.includes(name)) words.add(name);
  }
  return [...words].filter((w) => w.startsWith(partial.toUpperCase())).sort();
}
