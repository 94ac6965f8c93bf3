// String functions.

import { createHash, randomUUID } from 'node:crypto';
import { T } from '../../../parser/sql-type.js';
import type { Value } from '../../values.js';
import { P, scalar } from '../define.js';
import { encodeText, javaBytes, javaText, type JavaEncoding } from './java-charsets.js';
import { checkedPattern, regexAll, regexFirst, regexReplace, regexSplit } from '../linear-regex.js';
import { checkChars } from '../output-limits.js';
import type { ScalarFunction } from '../types.js';

const s = (v: unknown) => v as string;
const n = (v: unknown) => v as number;

/** ksqlDB's 0-based start of a 1-based position: negative counts from the end, 0 is the start, clamped. */
function startIndex(length: number, pos: number): number {
  return pos < 0 ? Math.max(length + pos, 0) : Math.max(Math.min(pos - 1, length), 0);
}

function substring(str: string, pos: number, len?: number): string {
  const start = startIndex(str.length, pos);
  if (start >= str.length) return '';
  const end = len === undefined ? str.length : Math.min(str.length, start + Math.max(0, len));
  return str.slice(start, end);
}

function splitBytes(bytes: Uint8Array, delim: Uint8Array): Uint8Array[] {
  const b = Buffer.from(bytes);
  if (delim.length === 0 && b.length > 0) return [...b].map((x) => Uint8Array.of(x));
  if (delim.length === 0) return [new Uint8Array(0)];
  const out: Uint8Array[] = [];
  let from = 0;
  for (let i = b.indexOf(delim, from); i >= 0; i = b.indexOf(delim, from)) {
    out.push(new Uint8Array(b.subarray(from, i)));
    from = i + delim.length;
  }
  out.push(new Uint8Array(b.subarray(from)));
  return out;
}

/**
 * INSTR as ksqlDB computes it: 0 for a NULL string or substring, or a position farther than the
 * string is long; a negative position searches the reversed string from that distance from the
 * end; occurrences may overlap. (Apache Commons' substring/ordinalIndexOf semantics.)
 */
function instr(str: unknown, sub: unknown, position: unknown, occurrence: unknown): number {
  if (str === null || str === undefined || sub === null || sub === undefined) return 0;
  if (position === null || position === undefined || occurrence === null || occurrence === undefined) return 0;
  const text = str as string;
  const needle = sub as string;
  const pos = position as number;
  const nth = occurrence as number;
  if (Math.abs(pos) > text.length) return 0;
  if (pos < 0) {
    const rev = [...text].reverse().join('');
    const i = ordinalIndexOf(commonsSubstring(rev, -pos - 1), [...needle].reverse().join(''), nth);
    return i === -1 ? 0 : rev.length + pos - i - needle.length + 2;
  }
  const i = ordinalIndexOf(commonsSubstring(text, pos - 1), needle, nth);
  return i === -1 ? 0 : i + pos;
}

/** Commons' substring(str, start): a negative start counts from the end, clamped to the string. */
function commonsSubstring(str: string, start: number): string {
  const from = start < 0 ? Math.max(0, str.length + start) : start;
  return from > str.length ? '' : str.slice(from);
}

/** Commons' ordinalIndexOf: the index of the n-th (overlapping) occurrence, -1 when none or n ≤ 0. */
function ordinalIndexOf(str: string, search: string, n: number): number {
  if (n <= 0) return -1;
  if (search.length === 0) return 0;
  let found = -1;
  for (let k = 0; k < n; k++) {
    found = str.indexOf(search, found + 1);
    if (found < 0) return -1;
  }
  return found;
}

/** Java's INITCAP: lower-cased, then each run of non-blanks (with the blanks after it) capitalised; leading blanks go. */
function initCap(str: string): string {
  let out = '';
  for (const m of str.toLowerCase().matchAll(/[^ \t\n\x0B\f\r]+[ \t\n\x0B\f\r]*/g)) out += m[0].charAt(0).toUpperCase() + m[0].slice(1);
  return out;
}

/** CONCAT_WS takes a separator and at least one value; fewer is ksqlDB's runtime error. */
function atLeastTwo(a: readonly unknown[]): true {
  if (a.length < 2) throw new Error('Function Concat_WS expects at least two input arguments.');
  return true;
}

/** The UUID text of 16 bytes (two big-endian longs), NULL for any other length. */
function uuidOf(b: Uint8Array): Value {
  if (b.length !== 16) return null;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Java-escape decoding (Commons Text's unescapeJava): backslash-u and four hex digits, octal, b t n f r, quotes and backslashes. */
function unescapeJava(str: string): string {
  const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', "'": "'", '\\': '\\' };
  return str.replace(/\\(u+([0-9a-fA-F]{0,4})|[0-7]{1,3}|.?)/gs, (_all: string, esc: string, hex: string | undefined) => {
    if (esc.startsWith('u')) {
      if (hex === undefined || hex.length !== 4) throw new Error(`Unable to parse unicode value: ${hex ?? ''}`);
      return String.fromCharCode(parseInt(hex, 16));
    }
    if (/^[0-7]/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
    return simple[esc] ?? esc;
  });
}

function padBytes(left: boolean) {
  return (a: unknown[]): Value => {
    const input = a[0] as Uint8Array;
    const len = n(a[1]);
    const p = a[2] as Uint8Array;
    if (len < 0 || p.length === 0) return null;
    if (input.length > len) return new Uint8Array(input.subarray(0, len));
    checkChars(left ? 'LPAD' : 'RPAD', len);
    const out = new Uint8Array(len);
    const fill = len - input.length;
    for (let i = 0; i < fill; i++) out[left ? i : input.length + i] = p[i % p.length]!;
    out.set(input, left ? fill : 0);
    return out;
  };
}

function pad(left: boolean) {
  return (a: unknown[]): Value => {
    const str = s(a[0]);
    const len = n(a[1]);
    const p = s(a[2]);
    if (len < 0 || p === '') return null;
    if (str.length >= len) return str.slice(0, len);
    checkChars(left ? 'LPAD' : 'RPAD', len);
    const fill = p.repeat(Math.ceil((len - str.length) / p.length)).slice(0, len - str.length);
    return left ? fill + str : str + fill;
  };
}

export const stringFunctions: ScalarFunction[] = [
  scalar('LCASE', 'string', 'Lower-cases a string.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).toLowerCase() }]),
  scalar('UCASE', 'string', 'Upper-cases a string.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).toUpperCase() }]),
  scalar('LEN', 'string', 'The length of a string (UTF-16 code units, as Java counts) or bytes.', [
    { params: [P.STRING], returns: T.INTEGER, fn: (a) => s(a[0]).length },
    { params: [P.BYTES], returns: T.INTEGER, fn: (a) => (a[0] as Uint8Array).length },
  ]),
  scalar('TRIM', 'string', 'Removes leading and trailing whitespace.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).trim() }]),
  scalar('LTRIM', 'string', 'Removes leading whitespace.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).trimStart() }]),
  scalar('RTRIM', 'string', 'Removes trailing whitespace.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).trimEnd() }]),
  scalar('INITCAP', 'string', 'Capitalises the first letter of each word and lower-cases the rest.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => initCap(s(a[0])) }]),
  scalar('SUBSTRING', 'string', 'The part of a string (or bytes) from a 1-based position (negative counts from the end), optionally of a length.', [
    { params: [P.STRING, P.INT], returns: T.STRING, fn: (a) => substring(s(a[0]), n(a[1])) },
    { params: [P.STRING, P.INT, P.INT], returns: T.STRING, fn: (a) => substring(s(a[0]), n(a[1]), n(a[2])) },
    // Positions as for strings: 0 is the start, negative counts from the end.
    { params: [P.BYTES, P.INT], returns: T.BYTES, fn: (a) => new Uint8Array(Buffer.from(a[0] as Uint8Array).subarray(startIndex((a[0] as Uint8Array).length, n(a[1])))) },
    {
      params: [P.BYTES, P.INT, P.INT],
      returns: T.BYTES,
      fn: (a) => {
        const b = Buffer.from(a[0] as Uint8Array);
        const start = startIndex(b.length, n(a[1]));
        return new Uint8Array(b.subarray(start, Math.max(start, Math.min(b.length, start + n(a[2])))));
      },
    },
  ]),
  scalar('CONCAT', 'string', 'Joins strings (or bytes); NULL arguments are skipped.', [
    { params: [], variadic: P.STRING, returns: T.STRING, nullTolerant: true, fn: (a) => a.filter((x) => x !== null && x !== undefined).join('') },
    { params: [], variadic: P.BYTES, returns: T.BYTES, nullTolerant: true, fn: (a) => Buffer.concat(a.filter((x) => x !== null && x !== undefined) as Uint8Array[]) },
  ]),
  scalar('CONCAT_WS', 'string', 'Joins strings with a separator; NULL values are skipped, a NULL separator gives NULL.', [
    {
      params: [P.STRING],
      variadic: P.STRING,
      returns: T.STRING,
      nullTolerant: true,
      fn: (a) =>
        atLeastTwo(a) && a[0] === null
          ? null
          : a
              .slice(1)
              .filter((x) => x !== null)
              .join(s(a[0])),
    },
    {
      params: [P.BYTES],
      variadic: P.BYTES,
      returns: T.BYTES,
      nullTolerant: true,
      fn: (a) => {
        if (atLeastTwo(a) && a[0] === null) return null;
        const parts = (a.slice(1).filter((x) => x !== null && x !== undefined) as Uint8Array[]).flatMap((x, i) => (i === 0 ? [x] : [a[0] as Uint8Array, x]));
        return new Uint8Array(Buffer.concat(parts));
      },
    },
  ]),
  scalar('ELT', 'string', 'The n-th (1-based) of the strings that follow, NULL when n is out of range or NULL.', [
    {
      params: [P.INT],
      variadic: P.STRING,
      returns: T.STRING,
      nullTolerant: true,
      fn: (a) => (a[0] === null || (a[0] as number) < 1 || (a[0] as number) >= a.length ? null : ((a[a[0] as number] ?? null) as Value)),
    },
  ]),
  scalar('FIELD', 'string', 'The 1-based position of a string among those that follow, 0 when absent or NULL.', [
    { params: [P.STRING], variadic: P.STRING, returns: T.INTEGER, nullTolerant: true, fn: (a) => (a[0] === null ? 0 : a.indexOf(a[0], 1) === -1 ? 0 : a.indexOf(a[0], 1)) },
  ]),
  scalar('REPLACE', 'string', 'Replaces every occurrence of a substring (an empty one: before every character and at the end, as Java does).', [
    { params: [P.STRING, P.STRING, P.STRING], returns: T.STRING, fn: (a) => s(a[0]).replaceAll(s(a[1]), () => s(a[2])) },
  ]),
  // ksqlDB's INSTR returns 0, not NULL, when the string or the substring is NULL.
  scalar('INSTR', 'string', 'The 1-based position of a substring (0 when absent or NULL), from a position (negative: from the end), for an occurrence.', [
    { params: [P.STRING, P.STRING], returns: T.INTEGER, nullTolerant: true, fn: (a) => instr(a[0], a[1], 1, 1) },
    { params: [P.STRING, P.STRING, P.INT], returns: T.INTEGER, nullTolerant: true, fn: (a) => instr(a[0], a[1], a[2], 1) },
    { params: [P.STRING, P.STRING, P.INT, P.INT], returns: T.INTEGER, nullTolerant: true, fn: (a) => instr(a[0], a[1], a[2], a[3]) },
  ]),
  scalar('LPAD', 'string', 'Pads a string (or bytes) on the left to a length, truncating a longer one; NULL for a negative length or an empty padding.', [
    { params: [P.STRING, P.INT, P.STRING], returns: T.STRING, fn: pad(true) },
    { params: [P.BYTES, P.INT, P.BYTES], returns: T.BYTES, fn: padBytes(true) },
  ]),
  scalar('RPAD', 'string', 'Pads a string (or bytes) on the right to a length, truncating a longer one; NULL for a negative length or an empty padding.', [
    { params: [P.STRING, P.INT, P.STRING], returns: T.STRING, fn: pad(false) },
    { params: [P.BYTES, P.INT, P.BYTES], returns: T.BYTES, fn: padBytes(false) },
  ]),
  scalar('SPLIT', 'string', 'Splits a string by a delimiter into an array (an empty delimiter splits into characters).', [
    { params: [P.STRING, P.STRING], returns: T.array(T.STRING), fn: (a) => (s(a[0]) === '' ? [''] : s(a[1]) === '' ? [...s(a[0])] : s(a[0]).split(s(a[1]))) },
    { params: [P.BYTES, P.BYTES], returns: T.array(T.BYTES), fn: (a) => splitBytes(a[0] as Uint8Array, a[1] as Uint8Array) },
  ]),
  scalar('SPLIT_TO_MAP', 'string', 'Splits "k1=v1;k2=v2" into a map, given the entry and key/value delimiters.', [
    {
      params: [P.STRING, P.STRING, P.STRING],
      returns: T.map(T.STRING, T.STRING),
      // Empty entries are skipped; an entry without the key/value delimiter is dropped, and one
      // with several keeps its first two parts (ksqlDB splits it fully). Equal delimiters give NULL.
      fn: (a) => {
        if (s(a[1]) === '' || s(a[2]) === '' || s(a[1]) === s(a[2])) return null;
        const m = new Map<Value, Value>();
        for (const e of s(a[0]).split(s(a[1]))) {
          const parts = e.split(s(a[2]));
          if (e !== '' && parts.length >= 2) m.set(parts[0]!, parts[1]!);
        }
        return m;
      },
    },
  ]),
  scalar('REGEXP_EXTRACT', 'string', 'The first match of a regular expression (or of one capturing group) in a string.', [
    { params: [P.STRING, P.STRING], returns: checkedPattern('REGEXP_EXTRACT', 0, T.STRING), fn: (a) => regexFirst('REGEXP_EXTRACT', s(a[0]), s(a[1])) },
    { params: [P.STRING, P.STRING, P.INT], returns: checkedPattern('REGEXP_EXTRACT', 0, T.STRING), fn: (a) => regexFirst('REGEXP_EXTRACT', s(a[0]), s(a[1]), n(a[2])) },
  ]),
  scalar('REGEXP_EXTRACT_ALL', 'string', 'Every match of a regular expression (or of one capturing group).', [
    { params: [P.STRING, P.STRING], returns: checkedPattern('REGEXP_EXTRACT_ALL', 0, T.array(T.STRING)), fn: (a) => regexAll('REGEXP_EXTRACT_ALL', s(a[0]), s(a[1])) },
    { params: [P.STRING, P.STRING, P.INT], returns: checkedPattern('REGEXP_EXTRACT_ALL', 0, T.array(T.STRING)), fn: (a) => regexAll('REGEXP_EXTRACT_ALL', s(a[0]), s(a[1]), n(a[2])) },
  ]),
  scalar('REGEXP_REPLACE', 'string', 'Replaces every match of a regular expression.', [
    { params: [P.STRING, P.STRING, P.STRING], returns: checkedPattern('REGEXP_REPLACE', 1, T.STRING), fn: (a) => regexReplace('REGEXP_REPLACE', s(a[1]), s(a[0]), s(a[2])) },
  ]),
  scalar('REGEXP_SPLIT_TO_ARRAY', 'string', 'Splits a string by a regular expression.', [
    { params: [P.STRING, P.STRING], returns: checkedPattern('REGEXP_SPLIT_TO_ARRAY', 1, T.array(T.STRING)), fn: (a) => regexSplit('REGEXP_SPLIT_TO_ARRAY', s(a[1]), s(a[0])) },
  ]),
  scalar('ENCODE', 'string', "Re-encodes a string between 'hex', 'utf8', 'ascii' and 'base64'.", [
    { params: [P.STRING, P.STRING, P.STRING], returns: T.STRING, fn: (a) => encodeText(s(a[0]), s(a[1]), s(a[2])) },
  ]),
  scalar('TO_BYTES', 'conversion', "A string's bytes in an encoding ('hex', 'utf8', 'ascii', 'base64').", [
    {
      params: [P.STRING, P.STRING],
      returns: T.BYTES,
      fn: (a) => {
        const enc = s(a[1]).toLowerCase();
        if (!['hex', 'utf8', 'ascii', 'base64'].includes(enc)) throw new Error(`Unknown encoding type '${s(a[1])}'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'.`);
        return javaBytes(s(a[0]), enc as JavaEncoding);
      },
    },
  ]),
  scalar('FROM_BYTES', 'conversion', "Bytes as a string in an encoding ('hex', 'utf8', 'ascii', 'base64').", [
    {
      params: [P.BYTES, P.STRING],
      returns: T.STRING,
      fn: (a) => {
        const enc = s(a[1]).toLowerCase();
        if (!['hex', 'utf8', 'ascii', 'base64'].includes(enc)) throw new Error(`Unknown encoding type '${s(a[1])}'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'.`);
        return javaText(a[0] as Uint8Array, enc as JavaEncoding);
      },
    },
  ]),
  scalar('MD5', 'string', 'The MD5 digest of a string, as hex.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => createHash('md5').update(s(a[0])).digest('hex') }]),
  scalar('UUID', 'string', 'A random (version 4) UUID, or the UUID whose 16 bytes are given (NULL for any other length).', [
    { params: [], returns: T.STRING, fn: () => randomUUID() },
    { params: [P.BYTES], returns: T.STRING, fn: (a) => uuidOf(a[0] as Uint8Array) },
  ]),
  scalar('CHR', 'string', 'The character with a Unicode code point (or "\\uXXXX" text).', [
    // Not a code point (below 0, past U+10FFFF): NULL.
    { params: [P.INT], returns: T.STRING, fn: (a) => (n(a[0]) >= 0 && n(a[0]) <= 0x10ffff ? String.fromCodePoint(n(a[0])) : null) },
    // Text of at least six characters starting \\u, Java-unescaped whole (so '\\u0041BC' is 'ABC'); anything else NULL.
    { params: [P.STRING], returns: T.STRING, fn: (a) => (s(a[0]).length >= 6 && s(a[0]).startsWith('\\u') ? unescapeJava(s(a[0])) : null) },
  ]),
];
