// PostgreSQL's transaction and cursor statements, which are not Eddy SQL but what clients send
// around it: BEGIN / START TRANSACTION, COMMIT / END, ROLLBACK / ABORT, and DECLARE … CURSOR,
// FETCH, MOVE and CLOSE (psql's FETCH_COUNT, psycopg's named cursors, Materialize-style
// subscriptions). This file only reads them; transaction.ts and cursor-fetch.ts carry them out.
//
// A cursor is NO SCROLL unless DECLAREd SCROLL (PostgreSQL's default for a query that could not
// scroll cheaply): FETCH/MOVE take every direction — NEXT, PRIOR, FIRST, LAST, ABSOLUTE n,
// RELATIVE n, n, ALL, FORWARD [n|ALL], BACKWARD [n|ALL] — and one that would go back on a NO
// SCROLL cursor fails when it runs, as PostgreSQL's does (cursor-fetch.ts). `WITH (timeout = '…')`
// after the cursor name is Materialize's: a FETCH from a push query returns what has arrived
// when it runs out.

import { statementSpans } from '../../parser/function-statements.js';
import { PgError } from './pg-error.js';

export type TransactionStatement =
  | { readonly kind: 'begin' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'declare'; readonly name: string; readonly hold: boolean; readonly scroll: boolean; readonly query: string; readonly queryOffset: number }
  | {
      readonly kind: 'fetch';
      readonly move: boolean;
      readonly name: string;
      readonly direction: FetchDirection;
      /** forward/backward: rows (Infinity: ALL; 0: the current row again); absolute/relative: the row. */
      readonly count: number;
      readonly timeoutMs: number | undefined;
    }
  | { readonly kind: 'close'; readonly name: string | undefined };

/** PostgreSQL's four kinds of FETCH: NEXT, PRIOR, FIRST and LAST are ±1 of one of them. */
export type FetchDirection = 'forward' | 'backward' | 'absolute' | 'relative';

const syntax = (message: string, at: number): PgError => new PgError({ severity: 'ERROR', code: '42601', message, position: at + 1 });

/** Reads a statement's words left to right, past whitespace and comments. */
class Scanner {
  at = 0;
  constructor(readonly sql: string) {}

  private skip(): void {
    for (;;) {
      const m = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)/.exec(this.sql.slice(this.at));
      if (!m) return;
      this.at += m[0].length;
    }
  }

  /** The next bare word, upper-cased, without taking it (undefined: something else is next). */
  peek(): string | undefined {
    this.skip();
    return /^[A-Za-z_][A-Za-z0-9_$]*/.exec(this.sql.slice(this.at))?.[0].toUpperCase();
  }

  take(word: string): boolean {
    if (this.peek() !== word) return false;
    this.at += word.length;
    return true;
  }

  expect(word: string): void {
    if (!this.take(word)) throw syntax(`syntax error: expected ${word} at or near "${this.sql.slice(this.at, this.at + 20).split(/\s/)[0]}"`, this.at);
  }

  /** An identifier: unquoted ones fold to lower case, "quoted" ones are taken as written. */
  name(): string {
    this.skip();
    const rest = this.sql.slice(this.at);
    const quoted = /^"((?:[^"]|"")+)"/.exec(rest);
    if (quoted) {
      this.at += quoted[0].length;
      return quoted[1]!.replace(/""/g, '"');
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest);
    if (!bare) throw syntax(`syntax error: expected a cursor name at or near "${rest.slice(0, 20).split(/\s/)[0]}"`, this.at);
    this.at += bare[0].length;
    return bare[0].toLowerCase();
  }

  number(): number | undefined {
    this.skip();
    const m = /^[+-]?\d+/.exec(this.sql.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return Number(m[0]);
  }

  punct(c: string): boolean {
    this.skip();
    if (this.sql[this.at] !== c) return false;
    this.at++;
    return true;
  }

  /** A 'string' literal's content. */
  string(): string | undefined {
    this.skip();
    const m = /^'((?:[^']|'')*)'/.exec(this.sql.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return m[1]!.replace(/''/g, "'");
  }

  /** Words and commas: BEGIN's transaction modes, COMMIT's AND [NO] CHAIN. */
  words(): void {
    this.at += /^[\sA-Za-z_,]*/.exec(this.sql.slice(this.at))![0].length;
  }

  /** Nothing but whitespace, comments and one `;` is left. */
  end(): void {
    this.punct(';');
    this.skip();
    if (this.at < this.sql.length) throw syntax(`syntax error at or near "${this.sql.slice(this.at, this.at + 20).split(/\s/)[0]}"`, this.at);
  }
}

/**
 * A simple Query's text cut at its top-level semicolons (the parser's statement spans: outside
 * quotes, comments, `$$` bodies and brackets), each piece with its `;` and where it starts; a last
 * piece without a semicolon is kept if not blank.
 */
export function splitStatements(sql: string): { readonly text: string; readonly offset: number }[] {
  return statementSpans(sql)
    .map((s) => ({ text: sql.slice(s.start, s.end < sql.length ? s.end + 1 : s.end), offset: s.start }))
    .filter((p, i, all) => i < all.length - 1 || p.text.endsWith(';') || p.text.trim() !== '');
}

/** The statement `sql` is, when it is one of the above; undefined for anything else (Eddy SQL, a catalog query). */
export function parseTransactionStatement(sql: string): TransactionStatement | undefined {
  const s = new Scanner(sql);
  const first = s.peek();
  switch (first) {
    case 'BEGIN':
    case 'START':
      s.take(first);
      if (first === 'START') s.expect('TRANSACTION');
      // BEGIN's modes (ISOLATION LEVEL …, READ ONLY, DEFERRABLE) change nothing here: Eddy's
      // statements are not transactional (transaction.ts).
      s.words();
      s.end();
      return { kind: 'begin' };
    case 'COMMIT':
    case 'END':
      s.take(first);
      s.words();
      s.end();
      return { kind: 'commit' };
    case 'ROLLBACK':
    case 'ABORT':
      s.take(first);
      s.take('WORK') || s.take('TRANSACTION');
      if (s.peek() === 'TO') throw new PgError({ severity: 'ERROR', code: '0A000', message: 'savepoints are not supported by Eddy' });
      s.words();
      s.end();
      return { kind: 'rollback' };
    case 'SAVEPOINT':
    case 'RELEASE':
      throw new PgError({ severity: 'ERROR', code: '0A000', message: 'savepoints are not supported by Eddy' });
    case 'DECLARE':
      return declare(s);
    case 'FETCH':
    case 'MOVE':
      return fetch(s, first === 'MOVE');
    case 'CLOSE':
      s.take('CLOSE');
      if (s.take('ALL')) {
        s.end();
        return { kind: 'close', name: undefined };
      }
      {
        const name = s.name();
        s.end();
        return { kind: 'close', name };
      }
    default:
      return undefined;
  }
}

/** DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR [{WITH | WITHOUT} HOLD] FOR query */
function declare(s: Scanner): TransactionStatement {
  s.take('DECLARE');
  const name = s.name();
  if (s.peek() === 'BINARY')
    throw new PgError({
      severity: 'ERROR',
      code: '0A000',
      message: 'binary cursors are not supported by Eddy: FETCH through the extended protocol with binary result formats instead',
      position: s.at + 1,
    });
  s.take('ASENSITIVE') || s.take('INSENSITIVE');
  let scroll = false;
  if (s.take('NO')) s.expect('SCROLL');
  else scroll = s.take('SCROLL');
  s.expect('CURSOR');
  let hold = false;
  if (s.take('WITH')) {
    s.expect('HOLD');
    hold = true;
  } else if (s.take('WITHOUT')) s.expect('HOLD');
  s.expect('FOR');
  const rest = s.sql.slice(s.at);
  const lead = /^\s*/.exec(rest)![0].length;
  const query = rest.slice(lead).replace(/;\s*$/, '');
  if (!/^(\(\s*)*(SELECT|WITH|VALUES|TABLE)\b/i.test(query)) throw syntax('DECLARE CURSOR takes a query: DECLARE name CURSOR FOR SELECT …', s.at + lead);
  return { kind: 'declare', name, hold, scroll, query, queryOffset: s.at + lead };
}

/**
 * FETCH / MOVE [NEXT | PRIOR | FIRST | LAST | ABSOLUTE n | RELATIVE n | n | ALL | FORWARD [n | ALL] |
 * BACKWARD [n | ALL]] [FROM | IN] name [WITH (timeout = 'interval')]
 */
function fetch(s: Scanner, move: boolean): TransactionStatement {
  s.take(move ? 'MOVE' : 'FETCH');
  let direction: FetchDirection = 'forward';
  let count = 1;
  const signed = (): number => {
    const n = s.number();
    if (n === undefined) throw syntax(`syntax error: expected a row count at or near "${s.sql.slice(s.at, s.at + 20).split(/\s/)[0]}"`, s.at);
    return n;
  };
  const word = s.peek();
  if (word === 'NEXT') s.take(word);
  else if (word === 'PRIOR') {
    s.take(word);
    direction = 'backward';
  } else if (word === 'FIRST' || word === 'LAST') {
    s.take(word);
    direction = 'absolute';
    count = word === 'FIRST' ? 1 : -1;
  } else if (word === 'ABSOLUTE' || word === 'RELATIVE') {
    s.take(word);
    direction = word === 'ABSOLUTE' ? 'absolute' : 'relative';
    count = signed();
  } else if (word === 'ALL') {
    s.take(word);
    count = Infinity;
  } else if (word === 'FORWARD' || word === 'BACKWARD') {
    s.take(word);
    direction = word === 'FORWARD' ? 'forward' : 'backward';
    if (s.take('ALL')) count = Infinity;
    else count = s.number() ?? 1;
  } else {
    const n = s.number();
    if (n !== undefined) count = n;
  }
  // FETCH -n is FETCH BACKWARD n (and BACKWARD -n is FORWARD n), as in PostgreSQL.
  if ((direction === 'forward' || direction === 'backward') && count < 0) {
    direction = direction === 'forward' ? 'backward' : 'forward';
    count = -count;
  }
  s.take('FROM') || s.take('IN');
  const name = s.name();
  let timeoutMs: number | undefined;
  if (s.take('WITH')) {
    if (!s.punct('(')) throw syntax('syntax error: expected ( after WITH', s.at);
    const optAt = s.at;
    if (s.name() !== 'timeout') throw syntax('FETCH takes one option, timeout', optAt);
    s.punct('=');
    const valueAt = s.at;
    const value = s.string() ?? String(s.number() ?? '');
    timeoutMs = interval(value, valueAt);
    if (!s.punct(')')) throw syntax('syntax error: expected )', s.at);
  }
  s.end();
  return { kind: 'fetch', move, name, direction, count, timeoutMs };
}

/** A timeout such as '1s', '250ms', '2 seconds', '0' (seconds, as Materialize reads a bare number). */
function interval(text: string, at: number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?)?\s*$/i.exec(text);
  if (!m) throw new PgError({ severity: 'ERROR', code: '22007', message: `invalid timeout '${text}': give a duration such as '1s' or '250ms'`, position: at + 1 });
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit.startsWith('ms') || unit.startsWith('milli') ? n : unit.startsWith('m') ? n * 60_000 : n * 1000;
}
