// CREATE [OR REPLACE] [AGGREGATE | STATE] FUNCTION … LANGUAGE JAVASCRIPT AS $$ … $$ (a scalar
// function, a table function with RETURNS TABLE (…) / RETURNS SETOF type, an aggregate, or a
// per-key state function with RETURNS … STATE type) and DROP
// FUNCTION [IF EXISTS].
//
// Kept apart from the chevrotain grammar on purpose: a function body is another language, and
// its `$$ … $$` may hold anything (`;`, quotes, braces) that the SQL lexer must never see. So a
// script is first cut into statements here (aware of strings, quoted names, comments and $$
// bodies); a function statement is read by the small hand-written reader below, and every other
// statement goes to the ordinary parser with the text before it blanked out, so its errors keep
// their line and column in the whole script.

import type { CreateFunction, DropFunction, Loc, ParsedStatement } from './ast.js';
import { SqlError } from './errors.js';
import type { SqlType } from './sql-type.js';

const HEAD = /^(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:AGGREGATE|STATE)\s+)?FUNCTION|DROP\s+FUNCTION)\b/i;

export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Statement spans of a script, split at top-level `;` (the `;` itself is not in a span): outside
 * '…', "…", `…`, comments, `$$ … $$` bodies and brackets.
 */
export function statementSpans(sql: string): Span[] {
  const out: Span[] = [];
  let start = 0;
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close + 1;
      continue; // a doubled quote ('') is two strings back to back: the same span either way
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    }
    if (c === '$' && sql[i + 1] === '$') {
      const close = sql.indexOf('$$', i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ';' && depth <= 0) {
      out.push({ start, end: i });
      start = i + 1;
      depth = 0;
    }
    i++;
  }
  if (start < sql.length) out.push({ start, end: sql.length });
  return out;
}

/**
 * The text with each `$$ … $$` function body turned into a string literal of the same length
 * (`'` + blanks + `'`), so a tool that cuts statements with the SQL lexer (the shell) sees one
 * token there and never a `;` inside; an unterminated body becomes an unterminated string.
 */
export function maskFunctionBodies(sql: string): string {
  if (!sql.includes('$$')) return sql;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    let j = i + 1;
    if (c === "'" || c === '"' || c === '`') {
      const close = sql.indexOf(c, i + 1);
      j = close < 0 ? sql.length : close + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      j = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      j = close < 0 ? sql.length : close + 2;
    } else if (c === '$' && sql[i + 1] === '$') {
      const close = sql.indexOf('$$', i + 2);
      const blank = (n: number) => sql.slice(i + 1, i + 1 + n).replace(/[^\n]/g, ' ');
      if (close < 0) {
        out += `'${blank(sql.length - i - 1)}`;
        return out;
      }
      out += `'${blank(close + 2 - i - 2)}'`;
      i = close + 2;
      continue;
    }
    out += sql.slice(i, j);
    i = j;
  }
  return out;
}

/** Offset of the first character that is not whitespace or a comment. */
function skipBlank(sql: string, i: number, end: number): number {
  for (;;) {
    while (i < end && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 || nl > end ? end : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 || close > end ? end : close + 2;
    } else return i;
  }
}

function locAt(sql: string, offset: number): Loc {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (sql.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** The text with everything before `upTo` turned to spaces (newlines kept), so positions hold. */
function blankBefore(sql: string, upTo: number): string {
  return sql.slice(0, upTo).replace(/[^\n]/g, ' ') + sql.slice(upTo);
}

/**
 * Parse a script that holds function statements; undefined when it holds none (the caller's
 * ordinary parse then runs untouched). `parseRest` parses the other statements.
 */
export function parseWithFunctions(sql: string, parseRest: (text: string) => ParsedStatement[], parseType: (text: string) => SqlType): ParsedStatement[] | undefined {
  if (!/\bFUNCTION\b/i.test(sql)) return undefined;
  const all = statementSpans(sql);
  const heads = all.map((s) => skipBlank(sql, s.start, s.end));
  if (!all.some((s, k) => HEAD.test(sql.slice(heads[k]!, s.end)))) return undefined;
  const out: ParsedStatement[] = [];
  for (const [k, s] of all.entries()) {
    const at = heads[k]!;
    if (at >= s.end) continue;
    const text = sql.slice(at, s.end).trimEnd();
    if (HEAD.test(text)) out.push({ statement: new Reader(sql, at, s.end, parseType).statement(), text });
    else out.push(...parseRest(blankBefore(sql.slice(0, s.end), s.start)));
  }
  return out;
}

/** A hand-written reader for the two statements, over sql[pos, end). */
class Reader {
  constructor(
    private readonly sql: string,
    private pos: number,
    private readonly end: number,
    private readonly parseType: (text: string) => SqlType,
  ) {}

  statement(): CreateFunction | DropFunction {
    const loc = locAt(this.sql, this.pos);
    if (this.keyword('DROP')) {
      this.expect('FUNCTION');
      let ifExists = false;
      if (this.keyword('IF')) {
        this.expect('EXISTS');
        ifExists = true;
      }
      const name = this.identifier();
      this.atEnd();
      return { kind: 'DropFunction', name, ifExists, loc };
    }
    this.expect('CREATE');
    let orReplace = false;
    if (this.keyword('OR')) {
      this.expect('REPLACE');
      orReplace = true;
    }
    const aggregate = this.keyword('AGGREGATE');
    const stateful = !aggregate && this.keyword('STATE');
    this.expect('FUNCTION');
    const name = this.identifier();
    const params = this.params();
    this.expect('RETURNS');
    let functionKind: CreateFunction['functionKind'] = aggregate ? 'AGGREGATE' : stateful ? 'STATE' : 'SCALAR';
    let returns: SqlType;
    if (!aggregate && this.keyword('TABLE')) {
      // RETURNS TABLE (WORD STRING, POS INT): each row a STRUCT of those columns.
      const at = this.pos;
      const columns = this.params('columns');
      if (!columns.length) throw new SqlError('Syntax Error: RETURNS TABLE needs at least one column', locAt(this.sql, at));
      returns = { kind: 'STRUCT', fields: columns };
      if (!stateful) functionKind = 'TABLE';
    } else if (!aggregate && this.keyword('SETOF')) {
      returns = this.typeUntil(/\b(?:LANGUAGE|RETURNS|CALLED|STATE)\b/iy);
      if (!stateful) functionKind = 'TABLE';
    } else returns = this.typeUntil(/\b(?:LANGUAGE|RETURNS|CALLED|STATE)\b/iy);
    // A state function's rows are of the RETURNS type; what it keeps per key is of the STATE type.
    let state: SqlType | undefined;
    if (stateful) {
      if (!this.keyword('STATE')) throw this.error('Syntax Error: a STATE FUNCTION declares the type of its per-key state after RETURNS: STATE type');
      state = this.typeUntil(/\b(?:LANGUAGE|RETURNS|CALLED)\b/iy);
    }
    let nullInput: 'call' | 'returnNull' = 'call';
    let language: 'JAVASCRIPT' | undefined;
    for (;;) {
      if (this.keyword('LANGUAGE')) {
        const l = this.identifier();
        if (l !== 'JAVASCRIPT' && l !== 'JS') throw this.error(`Unsupported function language '${l}': Eddy runs LANGUAGE JAVASCRIPT functions`);
        language = 'JAVASCRIPT';
      } else if (this.keyword('RETURNS')) {
        this.expect('NULL'), this.expect('ON'), this.expect('NULL'), this.expect('INPUT');
        nullInput = 'returnNull';
      } else if (this.keyword('CALLED')) {
        this.expect('ON'), this.expect('NULL'), this.expect('INPUT');
        nullInput = 'call';
      } else break;
    }
    if (!language) throw this.error('Syntax Error: expected LANGUAGE JAVASCRIPT before AS $$ … $$');
    this.expect('AS');
    this.blank();
    if (!this.sql.startsWith('$$', this.pos)) throw this.error('Syntax Error: expected the function body as $$ … $$');
    const close = this.sql.indexOf('$$', this.pos + 2);
    if (close < 0 || close >= this.end) throw this.error('Syntax Error: unterminated $$ function body');
    const bodyAt = locAt(this.sql, this.pos + 2);
    const body = this.sql.slice(this.pos + 2, close);
    this.pos = close + 2;
    this.atEnd();
    return { kind: 'CreateFunction', name, orReplace, functionKind, params, returns, language, body, bodyAt, nullInput, ...(state ? { state } : {}), loc };
  }

  private error(message: string): SqlError {
    return new SqlError(message, locAt(this.sql, Math.min(this.pos, this.end)));
  }

  private blank(): void {
    this.pos = skipBlank(this.sql, this.pos, this.end);
  }

  private keyword(word: string): boolean {
    this.blank();
    const re = new RegExp(`${word}\\b`, 'iy');
    re.lastIndex = this.pos;
    if (this.pos >= this.end || !re.test(this.sql)) return false;
    this.pos = re.lastIndex;
    return true;
  }

  private expect(word: string): void {
    if (!this.keyword(word)) throw this.error(`Syntax Error: expected ${word}${this.pos < this.end ? ` at '${this.sql.slice(this.pos, this.pos + 12).split(/\s/)[0]}'` : ' before end of input'}`);
  }

  private identifier(): string {
    this.blank();
    const re = /`((?:[^`]|``)+)`|"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)/y;
    re.lastIndex = this.pos;
    const m = this.pos < this.end ? re.exec(this.sql) : null;
    if (!m) throw this.error('Syntax Error: expected a name');
    this.pos = re.lastIndex;
    return m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2] !== undefined ? m[2].replace(/""/g, '"') : m[3]!.toUpperCase();
  }

  private params(what: 'parameters' | 'columns' = 'parameters'): { name: string; type: SqlType }[] {
    this.blank();
    if (this.sql[this.pos] !== '(')
      throw this.error(what === 'parameters' ? "Syntax Error: expected '(' and the function's parameters" : "Syntax Error: expected '(' and the table's columns after RETURNS TABLE");
    this.pos++;
    const out: { name: string; type: SqlType }[] = [];
    this.blank();
    if (this.sql[this.pos] === ')') {
      this.pos++;
      return out;
    }
    for (;;) {
      const name = this.identifier();
      if (out.some((p) => p.name === name)) throw this.error(`${what === 'parameters' ? 'Parameter' : 'Column'} ${name} appears twice`);
      out.push({ name, type: this.typeUntil(/[,)]/y, true) });
      const c = this.sql[this.pos];
      this.pos++;
      if (c === ')') return out;
    }
  }

  /** A SQL type up to `stop` at nesting depth 0 (commas inside DECIMAL(10, 2) or MAP<…> do not stop it). */
  private typeUntil(stop: RegExp, required = false): SqlType {
    this.blank();
    const from = this.pos;
    let depth = 0;
    let i = from;
    for (; i < this.end; i++) {
      const c = this.sql[i]!;
      if (depth === 0) {
        stop.lastIndex = i;
        if (stop.test(this.sql) && (i === from || /[\s,)]/.test(this.sql[i - 1]!) || stop.source.startsWith('['))) break;
      }
      if (c === '(' || c === '<') depth++;
      else if (c === ')' || c === '>') depth--;
    }
    if (required && i >= this.end) throw this.error("Syntax Error: expected ')' after the parameters");
    const text = this.sql.slice(from, i).trim();
    if (!text) throw this.error('Syntax Error: expected a type');
    try {
      const t = this.parseType(text);
      this.pos = i;
      return t;
    } catch (e) {
      this.pos = from;
      throw this.error(`Invalid type '${text}': ${e instanceof SqlError ? e.bareMessage : (e as Error).message}`);
    }
  }

  private atEnd(): void {
    this.blank();
    if (this.pos < this.end) throw this.error(`Syntax Error: unexpected '${this.sql.slice(this.pos, this.pos + 12).split(/\s/)[0]}' after the statement`);
  }
}
