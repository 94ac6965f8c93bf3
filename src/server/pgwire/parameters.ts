// $1, $2 … in a statement, replaced by SQL literals before Eddy parses it. Eddy's grammar has no
// placeholders, so the value goes in as a literal of its type, quoted so no value can change the
// statement's shape: a string's quotes are doubled inside '…', a number must be a number, a
// boolean a boolean. The scanner skips '…' strings, "…" and `…` identifiers and comments, so a `$1`
// inside them stays text.

import { ParameterError } from './binary-parameters.js';
import { ARRAY_ELEMENT, OID } from './types.js';

interface Placeholder {
  readonly start: number;
  readonly end: number;
  readonly index: number;
}

function placeholders(sql: string): Placeholder[] {
  const out: Placeholder[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < sql.length) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      out.push({ start: i, end: j, index: Number(sql.slice(i + 1, j)) });
      i = j;
    } else i++;
  }
  return out;
}

/** How many parameters a statement takes: its highest $n. */
export function parameterCount(sql: string): number {
  return placeholders(sql).reduce((m, p) => Math.max(m, p.index), 0);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A signed number in parentheses: `a-$1` with -5 must not become the comment `a--5`. */
const num = (s: string): string => (/^[+-]/.test(s) ? `(${s})` : s);

/** One parameter's text as a literal, by the type the client declared (0: unspecified). */
export function literal(text: string | null, oid: number): string {
  if (text === null) return 'NULL';
  switch (oid) {
    case OID.BOOL: {
      const t = text.trim().toLowerCase();
      if (['t', 'true', 'on', 'yes', '1', 'y'].includes(t)) return 'TRUE';
      if (['f', 'false', 'off', 'no', '0', 'n'].includes(t)) return 'FALSE';
      throw new ParameterError(`invalid input syntax for type boolean: "${text}"`, '22P02');
    }
    case OID.INT4:
    case OID.INT8:
    case 21: // int2
      if (!INTEGER.test(text.trim())) throw new ParameterError(`invalid input syntax for type integer: "${text}"`, '22P02');
      return num(text.trim());
    case OID.FLOAT8:
    case OID.FLOAT4:
    case OID.NUMERIC: {
      const t = text.trim();
      // Eddy's literals have no NaN or infinity; a DOUBLE expression makes them.
      if (t === 'NaN' || t === 'Infinity' || t === '-Infinity') return `CAST(${quote(t)} AS DOUBLE)`;
      if (!NUMBER.test(t)) throw new ParameterError(`invalid input syntax for type numeric: "${text}"`, '22P02');
      return num(t);
    }
    case OID.BYTEA:
      return `TO_BYTES(${quote(text.replace(/^\\x/, ''))}, 'hex')`;
    case OID.DATE:
      return `CAST(${quote(text)} AS DATE)`;
    case OID.TIME:
      return `CAST(${quote(text)} AS TIME)`;
    case OID.TIMESTAMP:
      // PostgreSQL ignores a zone in a `timestamp` (without time zone) value, so a wall-clock time
      // stays as written: pgJDBC sends its Timestamps with the JVM's offset (`…10:20:30.12+02`).
      return `CAST(${quote(
        text
          .trim()
          .replace(' ', 'T')
          .replace(/(:\d\d(?:\.\d+)?)(?:Z|[+-]\d\d(?::?\d\d)?)$/, '$1'),
      )} AS TIMESTAMP)`;
    case OID.TIMESTAMPTZ:
      // Eddy's TIMESTAMP is UTC: the offset says how to get there (`+01` as `+01:00`).
      return `CAST(${quote(
        text
          .trim()
          .replace(' ', 'T')
          .replace(/([+-]\d\d)$/, '$1:00'),
      )} AS TIMESTAMP)`;
    case 0:
      // Unspecified (what node-postgres sends): a number reads as a number, `true`/`false` (how
      // JavaScript's booleans print) as a boolean, anything else as a string; CAST($1 AS STRING)
      // makes a digit string or `true` a string again.
      if (text === 'true' || text === 'false') return text.toUpperCase();
      return NUMBER.test(text) ? num(text) : quote(text);
    default:
      if (oid in ARRAY_ELEMENT) return arrayLiteral(text, ARRAY_ELEMENT[oid]!);
      return quote(text);
  }
}

/**
 * An array parameter (PostgreSQL's text form `{1,2}`, `{"a b",NULL}`) as `ARRAY[…]` of its
 * elements' literals. Only one dimension: Eddy's arrays have one. An empty array has no literal
 * in Eddy's SQL (ARRAY[] is refused, as in ksqlDB), so it is refused here with the reason.
 */
function arrayLiteral(text: string, element: number): string {
  const items = arrayItems(text);
  if (items.length === 0) throw new ParameterError('an empty array parameter has no Eddy SQL literal (ARRAY[] needs an element)', '0A000');
  return `ARRAY[${items.map((x) => literal(x, element)).join(', ')}]`;
}

/** The elements of an array's text form; an unquoted NULL is SQL NULL. */
export function arrayItems(text: string): (string | null)[] {
  const t = text.trim().replace(/^\[[^\]]*\]=/, '');
  if (!t.startsWith('{') || !t.endsWith('}')) throw new ParameterError(`malformed array literal: "${text}"`, '22P02');
  const body = t.slice(1, -1);
  const out: (string | null)[] = [];
  if (body.trim() === '') return out;
  let i = 0;
  while (i <= body.length) {
    while (body[i] === ' ') i++;
    if (body[i] === '{') throw new ParameterError("a multi-dimensional array parameter is not supported: Eddy's arrays have one dimension", '0A000');
    if (body[i] === '"') {
      let v = '';
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        v += body[i++] ?? '';
      }
      if (i >= body.length) throw new ParameterError(`malformed array literal: "${text}"`, '22P02');
      i++;
      out.push(v);
    } else {
      let v = '';
      while (i < body.length && body[i] !== ',') v += body[i++];
      v = v.trim();
      out.push(v.toUpperCase() === 'NULL' ? null : v);
    }
    while (body[i] === ' ') i++;
    if (i >= body.length) break;
    if (body[i] !== ',') throw new ParameterError(`malformed array literal: "${text}"`, '22P02');
    i++;
  }
  return out;
}

/** The statement with each $n replaced by its parameter's literal. */
export function substitute(sql: string, values: readonly (string | null)[], oids: readonly number[]): string {
  let out = '';
  let at = 0;
  for (const p of placeholders(sql)) {
    if (p.index < 1 || p.index > values.length) throw new Error(`there is no parameter $${p.index}`);
    out += sql.slice(at, p.start) + literal(values[p.index - 1]!, oids[p.index - 1] ?? 0);
    at = p.end;
  }
  return out + sql.slice(at);
}
