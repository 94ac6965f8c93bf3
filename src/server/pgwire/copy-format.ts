// `COPY t [(columns)] FROM STDIN [WITH] (options)` read as PostgreSQL defines it, and its two
// data formats: text (delimiter-separated, backslash escapes, `\N` for NULL) and CSV (QUOTE,
// ESCAPE, a NULL string matched only unquoted, quoted fields that span lines, FORCE_NULL and
// FORCE_NOT_NULL). Each record becomes its fields (a string or NULL) in the target's column
// order, which copy-in.ts hands to Eddy's own CSV reading of the columns' types. Options Eddy
// does not carry out (BINARY, FREEZE, DEFAULT, ON_ERROR, WHERE, a non-UTF-8 ENCODING) are refused
// by name, before any data is asked for; Eddy's own `FORMAT json` (one JSON object a line) is kept.

import { identifier } from './parameter-types.js';

export class CopyError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface CopySpec {
  readonly target: string;
  /** The column list, as written (undefined: every column but the headers, in order). */
  readonly columns: readonly string[] | undefined;
  readonly format: 'text' | 'csv' | 'json';
  /** HEADER: the first line is skipped, or (MATCH) must name the columns in order. */
  readonly header: boolean | 'match';
  readonly delimiter: string;
  /** The NULL string: `\N` in text, the empty unquoted field in CSV. */
  readonly null: string;
  readonly quote: string;
  readonly escape: string;
  /** CSV: columns whose unquoted NULL string is read as that string; '*': all. */
  readonly forceNotNull: readonly string[] | '*';
  /** CSV: columns whose quoted NULL string is read as NULL too; '*': all. */
  readonly forceNull: readonly string[] | '*';
}

type OptionValue = string | readonly string[] | true;

const NAME = String.raw`("(?:[^"]|"")*"|\x60(?:[^\x60]|\x60\x60)*\x60|[A-Za-z_][A-Za-z_0-9]*)`;
const COPY_FROM_STDIN = new RegExp(String.raw`^\s*COPY\s+${NAME}\s*(\([^)]*\))?\s*FROM\s+STDIN\b([\s\S]*?)\s*;?\s*$`, 'i');

const unsupported = (what: string): CopyError => new CopyError(`COPY FROM STDIN: ${what} is not supported by Eddy`, '0A000');

/** Reads option words, 'strings' (E'…' too), numbers and (lists) left to right. */
class OptionScanner {
  at = 0;
  constructor(readonly text: string) {}

  private skip(): void {
    this.at += /^\s*/.exec(this.text.slice(this.at))![0].length;
  }

  get done(): boolean {
    this.skip();
    return this.at >= this.text.length;
  }

  peek(): string {
    this.skip();
    return this.text[this.at] ?? '';
  }

  word(): string | undefined {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z_0-9]*/.exec(this.text.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return m[0].toUpperCase();
  }

  string(): string | undefined {
    this.skip();
    const m = /^(E?)'((?:[^']|'')*)'/i.exec(this.text.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    const s = m[2]!.replace(/''/g, "'");
    // E'\t' is a tab, as PostgreSQL reads an escape string.
    return m[1] ? s.replace(/\\(.)/g, (_x, c: string) => ({ t: '\t', n: '\n', r: '\r', b: '\b', f: '\f' })[c] ?? c) : s;
  }

  /** A value: 'string', word, number, or a parenthesized list of names. */
  value(): OptionValue | undefined {
    const s = this.string();
    if (s !== undefined) return s;
    this.skip();
    if (this.text[this.at] === '(') {
      const close = this.text.indexOf(')', this.at);
      if (close < 0) throw new CopyError('COPY option list: missing )', '42601');
      const inner = this.text.slice(this.at + 1, close);
      this.at = close + 1;
      return inner.split(',').map((n) => identifier(n.trim()));
    }
    const m = /^(?:[+-]?\d+|\*|[A-Za-z_][A-Za-z_0-9]*)/.exec(this.text.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return m[0];
  }

  /** Column names after FORCE NOT NULL in the old syntax: a, b, c (or *). */
  names(): readonly string[] {
    const out: string[] = [];
    do {
      this.skip();
      const m = /^(\*|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z_0-9]*)/.exec(this.text.slice(this.at));
      if (!m) break;
      this.at += m[0].length;
      out.push(m[0] === '*' ? '*' : identifier(m[0]));
    } while (this.peek() === ',' && ++this.at);
    return out;
  }
}

/** The `(FORMAT csv, HEADER, …)` list of PostgreSQL 9.0+. */
function optionList(s: OptionScanner): Map<string, OptionValue> {
  const opts = new Map<string, OptionValue>();
  for (;;) {
    const name = s.word();
    if (!name) throw new CopyError(`COPY option list: expected an option name at "${s.text.slice(s.at, s.at + 20)}"`, '42601');
    if (opts.has(name)) throw new CopyError(`conflicting or redundant options: ${name}`, '42601');
    const next = s.peek();
    opts.set(name, next === ',' || next === ')' ? true : (s.value() ?? true));
    const sep = s.peek();
    s.at++;
    if (sep === ')') return opts;
    if (sep !== ',') throw new CopyError(`COPY option list: expected , or ) after ${name}`, '42601');
  }
}

/** The pre-9.0 words psql's \copy may pass on: [BINARY] [DELIMITER [AS] 'c'] [NULL [AS] 's'] [CSV [HEADER] [QUOTE [AS] 'q'] [ESCAPE [AS] 'e'] [FORCE NOT NULL cols]]. */
function oldOptions(s: OptionScanner): Map<string, OptionValue> {
  const opts = new Map<string, OptionValue>();
  while (!s.done) {
    const w = s.word();
    if (w === 'BINARY' || w === 'CSV') opts.set('FORMAT', w.toLowerCase());
    else if (w === 'HEADER') opts.set('HEADER', true);
    else if (w === 'DELIMITER' || w === 'NULL' || w === 'QUOTE' || w === 'ESCAPE') {
      const save = s.at;
      if (s.word() !== 'AS') s.at = save;
      const v = s.string();
      if (v === undefined) throw new CopyError(`COPY ${w} takes a quoted string`, '42601');
      opts.set(w, v);
    } else if (w === 'FORCE') {
      if (s.word() !== 'NOT' || s.word() !== 'NULL') throw new CopyError('COPY FROM takes FORCE NOT NULL (FORCE QUOTE is for COPY TO)', '42601');
      opts.set('FORCE_NOT_NULL', s.names());
    } else if (w === 'OIDS') throw unsupported('OIDS');
    else throw new CopyError(`COPY FROM STDIN option not understood: ${s.text.slice(s.at - (w?.length ?? 0)).trim()}`, '42601');
  }
  return opts;
}

function oneByte(name: string, v: string): string {
  if (Buffer.byteLength(v) !== 1) throw new CopyError(`COPY ${name.toLowerCase()} must be a single one-byte character`, '22023');
  return v;
}

const bool = (name: string, v: OptionValue): boolean => {
  if (v === true) return true;
  const t = typeof v === 'string' ? v.toLowerCase() : '';
  if (['true', 'on', '1', 'yes'].includes(t)) return true;
  if (['false', 'off', '0', 'no'].includes(t)) return false;
  throw new CopyError(`${name.toLowerCase()} requires a Boolean value`, '22023');
};

/** `COPY t FROM STDIN …`, its options checked as PostgreSQL checks them; undefined when `sql` is not one. */
export function parseCopyFromStdin(sql: string): CopySpec | undefined {
  const m = COPY_FROM_STDIN.exec(sql);
  if (!m) return undefined;
  const columns = m[2]
    ? m[2]
        .slice(1, -1)
        .split(',')
        .map((c) => identifier(c.trim()))
    : undefined;
  const rest = m[3]!.trim();
  if (/\bWHERE\b/i.test(rest.replace(/'(?:[^']|'')*'/g, ''))) throw unsupported('COPY … WHERE');
  const s = new OptionScanner(rest.replace(/^WITH\b/i, ''));
  const opts = s.peek() === '(' ? (s.at++, optionList(s)) : oldOptions(s);
  if (!s.done) throw new CopyError(`COPY FROM STDIN: unexpected "${s.text.slice(s.at).trim()}" after the options`, '42601');
  const known = ['FORMAT', 'HEADER', 'DELIMITER', 'NULL', 'QUOTE', 'ESCAPE', 'FORCE_NOT_NULL', 'FORCE_NULL', 'ENCODING'];
  for (const [k] of opts) {
    if (['FREEZE', 'DEFAULT', 'ON_ERROR', 'LOG_VERBOSITY', 'REJECT_LIMIT', 'OIDS'].includes(k)) throw unsupported(`option ${k}`);
    if (k === 'FORCE_QUOTE') throw new CopyError('COPY FORCE_QUOTE cannot be used with COPY FROM', '0A000');
    if (!known.includes(k)) throw new CopyError(`option "${k.toLowerCase()}" not recognized`, '42601');
  }
  const str = (k: string): string | undefined => {
    const v = opts.get(k);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new CopyError(`COPY ${k.toLowerCase()} takes a string`, '42601');
    return v;
  };
  const format = (str('FORMAT') ?? 'text').toLowerCase();
  if (format === 'binary') throw unsupported('FORMAT binary');
  if (format !== 'text' && format !== 'csv' && format !== 'json') throw new CopyError(`COPY format "${format}" not recognized`, '22023');
  const encoding = str('ENCODING');
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) throw unsupported(`ENCODING ${encoding} (UTF-8 only)`);
  const csv = format === 'csv';
  const headerOpt = opts.get('HEADER');
  const header: boolean | 'match' = headerOpt === undefined ? false : typeof headerOpt === 'string' && headerOpt.toLowerCase() === 'match' ? 'match' : bool('HEADER', headerOpt);
  const delimiter = oneByte('DELIMITER', str('DELIMITER') ?? (csv ? ',' : '\t'));
  const nullString = str('NULL') ?? (csv ? '' : '\\N');
  for (const k of ['QUOTE', 'ESCAPE', 'FORCE_NOT_NULL', 'FORCE_NULL']) if (opts.has(k) && !csv) throw new CopyError(`COPY ${k.toLowerCase()} requires CSV mode`, '0A000');
  const quote = oneByte('QUOTE', str('QUOTE') ?? '"');
  const escape = oneByte('ESCAPE', str('ESCAPE') ?? quote);
  if (/[\r\n]/.test(delimiter)) throw new CopyError('COPY delimiter cannot be newline or carriage return', '22023');
  if (/[\r\n]/.test(nullString)) throw new CopyError('COPY null representation cannot use newline or carriage return', '22023');
  if (!csv && (delimiter === '\\' || /[a-z0-9.]/i.test(delimiter))) throw new CopyError(`COPY delimiter cannot be "${delimiter}"`, '22023');
  if (csv && delimiter === quote) throw new CopyError('COPY delimiter and quote must be different', '22023');
  if (nullString.includes(delimiter)) throw new CopyError('COPY delimiter character must not appear in the NULL specification', '22023');
  if (csv && nullString.includes(quote)) throw new CopyError('CSV quote character must not appear in the NULL specification', '22023');
  if (format === 'json' && columns) throw unsupported('a column list with FORMAT json (each line names its fields)');
  const force = (k: string): readonly string[] | '*' => {
    const v = opts.get(k);
    if (v === undefined) return [];
    if (v === '*' || (Array.isArray(v) && v.includes('*'))) return '*';
    if (!Array.isArray(v)) throw new CopyError(`COPY ${k.toLowerCase()} takes a list of columns: (a, b)`, '42601');
    return v as readonly string[];
  };
  return { target: identifier(m[1]!), columns, format, header, delimiter, null: nullString, quote, escape, forceNotNull: force('FORCE_NOT_NULL'), forceNull: force('FORCE_NULL') };
}

const TEXT_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One record of the text format as its fields: split on the delimiter, the NULL string matched before de-escaping. */
export function textFields(line: string, spec: Pick<CopySpec, 'delimiter' | 'null'>): (string | null)[] {
  const out: (string | null)[] = [];
  let raw = '';
  let cur = '';
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (c === undefined || c === spec.delimiter) {
      out.push(raw === spec.null ? null : cur);
      raw = cur = '';
    } else if (c === '\\' && i + 1 < line.length) {
      const n = line[++i]!;
      raw += c + n;
      let m: RegExpExecArray | null;
      if ((m = /^[0-7]{1,3}/.exec(line.slice(i)))) {
        cur += String.fromCharCode(parseInt(m[0], 8));
        raw += m[0].slice(1);
        i += m[0].length - 1;
      } else if (n === 'x' && (m = /^[0-9a-fA-F]{1,2}/.exec(line.slice(i + 1)))) {
        cur += String.fromCharCode(parseInt(m[0], 16));
        raw += m[0];
        i += m[0].length;
      } else cur += TEXT_ESCAPES[n] ?? n;
    } else {
      raw += c;
      cur += c;
    }
  }
  return out;
}

/** A CSV field as read: its text, and whether it was quoted (a quoted field is never the NULL string). */
export interface CsvField {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * One CSV record from `text` (a line, or lines joined by \n while a quote is open): its fields,
 * or undefined when a quoted field is still open at the end (the record goes on on the next line).
 */
export function csvFields(text: string, spec: Pick<CopySpec, 'delimiter' | 'quote' | 'escape'>): CsvField[] | undefined {
  const out: CsvField[] = [];
  let cur = '';
  let quoted = false;
  let inQuote = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === undefined) return undefined;
      if (c === spec.escape && (text[i + 1] === spec.quote || (spec.escape !== spec.quote && text[i + 1] === spec.escape))) {
        cur += text[++i]!;
      } else if (c === spec.quote) inQuote = false;
      else cur += c;
    } else if (c === undefined || c === spec.delimiter) {
      out.push({ text: cur, quoted });
      cur = '';
      quoted = false;
    } else if (c === spec.quote) {
      inQuote = true;
      quoted = true;
    } else cur += c;
  }
  return out;
}

/** CSV fields as values: the unquoted NULL string is NULL (FORCE_NOT_NULL: not), a quoted one only with FORCE_NULL. */
export function csvValues(fields: readonly CsvField[], names: readonly string[], spec: Pick<CopySpec, 'null' | 'forceNotNull' | 'forceNull'>): (string | null)[] {
  const has = (list: readonly string[] | '*', i: number): boolean => list === '*' || list.some((n) => n.toUpperCase() === names[i]?.toUpperCase());
  return fields.map((f, i) => {
    if (f.text !== spec.null) return f.text;
    if (!f.quoted) return has(spec.forceNotNull, i) ? f.text : null;
    return has(spec.forceNull, i) ? null : f.text;
  });
}

/** Fields as one line of Eddy's CSV (comma-separated): NULL an empty field, an empty string `""`. */
export function eddyCsvLine(fields: readonly (string | null)[]): string {
  return fields.map((f) => (f === null ? '' : f === '' || /[",\n\r]/.test(f) || /^\s|\s$/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
