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

function substring(str: string, pos: number, len?: number): string {
  const start = pos > 0 ? pos - 1 : pos < 0 ? Math.max(0, str.length + pos) : 0;
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

function instr(str: string, sub: string, position = 1, occurrence = 1): number {
  if (position >= 0) {
    let from = Math.max(0, position - 1);
    for (let k = 0; k < occurrence; k++) {
      const i = str.indexOf(sub, from);
      if (i < 0) return 0;
      if (k === occurrence - 1) return i + 1;
      from = i + 1;
    }
    return 0;
  }
  let from = str.length + position;
  for (let k = 0; k < occurrence; k++) {
    if (from < 0) return 0;
    const i = str.lastIndexOf(sub, from);
    if (i < 0) return 0;
    if (k === occurrence - 1) return i + 1;
    from = i - 1;
  }
  return 0;
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
  scalar('LEN', 'string', 'The length of a string (characters) or bytes.', [
    { params: [P.STRING], returns: T.INTEGER, fn: (a) => [...s(a[0])].length },
    { params: [P.BYTES], returns: T.INTEGER, fn: (a) => (a[0] as Uint8Array).length },
  ]),
  scalar('TRIM', 'string', 'Removes leading and trailing whitespace.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).trim() }]),
  scalar('LTRIM', 'string', 'Removes leading whitespace.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).trimStart() }]),
  scalar('RTRIM', 'string', 'Removes trailing whitespace.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).trimEnd() }]),
  scalar('INITCAP', 'string', 'Capitalises the first letter of each word and lower-cases the rest.', [
    { params: [P.STRING], returns: T.STRING, fn: (a) => s(a[0]).replace(/\S+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()) },
  ]),
  scalar('SUBSTRING', 'string', 'The part of a string (or bytes) from a 1-based position (negative counts from the end), optionally of a length.', [
    { params: [P.STRING, P.INT], returns: T.STRING, fn: (a) => substring(s(a[0]), n(a[1])) },
    { params: [P.STRING, P.INT, P.INT], returns: T.STRING, fn: (a) => substring(s(a[0]), n(a[1]), n(a[2])) },
    { params: [P.BYTES, P.INT], returns: T.BYTES, fn: (a) => Buffer.from(a[0] as Uint8Array).subarray(n(a[1]) > 0 ? n(a[1]) - 1 : Math.max(0, (a[0] as Uint8Array).length + n(a[1]))) },
    {
      params: [P.BYTES, P.INT, P.INT],
      returns: T.BYTES,
      fn: (a) => {
        const b = Buffer.from(a[0] as Uint8Array);
        const start = n(a[1]) > 0 ? n(a[1]) - 1 : Math.max(0, b.length + n(a[1]));
        return b.subarray(start, Math.min(b.length, start + n(a[2])));
      },
    },
  ]),
  scalar('CONCAT', 'string', 'Joins strings (or bytes); NULL arguments are skipped.', [
    { params: [], variadic: P.STRING, returns: T.STRING, nullTolerant: true, fn: (a) => a.filter((x) => x !== null && x !== undefined).join('') },
    { params: [], variadic: P.BYTES, returns: T.BYTES, nullTolerant: true, fn: (a) => Buffer.concat(a.filter((x) => x !== null && x !== undefined) as Uint8Array[]) },
  ]),
  scalar('CONCAT_WS', 'string', 'Joins strings with a separator; NULL values are skipped, a NULL separator gives NULL.', [
    { params: [P.STRING], variadic: P.STRING, returns: T.STRING, nullTolerant: true, fn: (a) => (a[0] === null ? null : a.slice(1).filter((x) => x !== null).join(s(a[0]))) },
    {
      params: [P.BYTES],
      variadic: P.BYTES,
      returns: T.BYTES,
      nullTolerant: true,
      fn: (a) => {
        if (a[0] === null) return null;
        const parts = (a.slice(1).filter((x) => x !== null && x !== undefined) as Uint8Array[]).flatMap((x, i) => (i === 0 ? [x] : [a[0] as Uint8Array, x]));
        return new Uint8Array(Buffer.concat(parts));
      },
    },
  ]),
  scalar('ELT', 'string', 'The n-th (1-based) of the strings that follow, NULL when n is out of range or NULL.', [
    { params: [P.INT], variadic: P.STRING, returns: T.STRING, nullTolerant: true, fn: (a) => (a[0] === null || (a[0] as number) < 1 || (a[0] as number) >= a.length ? null : ((a[a[0] as number] ?? null) as Value)) },
  ]),
  scalar('FIELD', 'string', 'The 1-based position of a string among those that follow, 0 when absent or NULL.', [
    { params: [P.STRING], variadic: P.STRING, returns: T.INTEGER, nullTolerant: true, fn: (a) => (a[0] === null ? 0 : a.indexOf(a[0], 1) === -1 ? 0 : a.indexOf(a[0], 1)) },
  ]),
  scalar('REPLACE', 'string', 'Replaces every occurrence of a substring.', [{ params: [P.STRING, P.STRING, P.STRING], returns: T.STRING, fn: (a) => s(a[0]).split(s(a[1])).join(s(a[2])) }]),
  scalar('INSTR', 'string', 'The 1-based position of a substring (0 when absent), from a position, for an occurrence.', [
    { params: [P.STRING, P.STRING], returns: T.INTEGER, fn: (a) => instr(s(a[0]), s(a[1])) },
    { params: [P.STRING, P.STRING, P.INT], returns: T.INTEGER, fn: (a) => instr(s(a[0]), s(a[1]), n(a[2])) },
    { params: [P.STRING, P.STRING, P.INT, P.INT], returns: T.INTEGER, fn: (a) => instr(s(a[0]), s(a[1]), n(a[2]), n(a[3])) },
  ]),
  scalar('LPAD', 'string', 'Pads a string on the left to a length.', [{ params: [P.STRING, P.INT, P.STRING], returns: T.STRING, fn: pad(true) }]),
  scalar('RPAD', 'string', 'Pads a string on the right to a length.', [{ params: [P.STRING, P.INT, P.STRING], returns: T.STRING, fn: pad(false) }]),
  scalar('SPLIT', 'string', 'Splits a string by a delimiter into an array (an empty delimiter splits into characters).', [
    { params: [P.STRING, P.STRING], returns: T.array(T.STRING), fn: (a) => (s(a[0]) === '' ? [''] : s(a[1]) === '' ? [...s(a[0])] : s(a[0]).split(s(a[1]))) },
    { params: [P.BYTES, P.BYTES], returns: T.array(T.BYTES), fn: (a) => splitBytes(a[0] as Uint8Array, a[1] as Uint8Array) },
  ]),
  scalar('SPLIT_TO_MAP', 'string', 'Splits "k1=v1;k2=v2" into a map, given the entry and key/value delimiters.', [
    {
      params: [P.STRING, P.STRING, P.STRING],
      returns: T.map(T.STRING, T.STRING),
      // Empty entries are skipped; an entry without the key/value delimiter is dropped, and one
      // with several keeps its first two parts (ksqlDB splits it fully).
      fn: (a) => {
        if (s(a[1]) === '' || s(a[2]) === '') return null;
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
  scalar('REGEXP_SPLIT_TO_ARRAY', 'string', 'Splits a string by a regular expression.', [{ params: [P.STRING, P.STRING], returns: checkedPattern('REGEXP_SPLIT_TO_ARRAY', 1, T.array(T.STRING)), fn: (a) => regexSplit('REGEXP_SPLIT_TO_ARRAY', s(a[1]), s(a[0])) }]),
  scalar('ENCODE', 'string', "Re-encodes a string between 'hex', 'utf8', 'ascii' and 'base64'.", [{ params: [P.STRING, P.STRING, P.STRING], returns: T.STRING, fn: (a) => encodeText(s(a[0]), s(a[1]), s(a[2])) }]),
  scalar('TO_BYTES', 'conversion', "A string's bytes in an encoding ('hex', 'utf8', 'ascii', 'base64').", [
    {
      params: [P.STRING, P.STRING],
      returns: T.BYTES,
      fn: (a) => {
        const enc = s(a[1]).toLowerCase();
        if (!['hex', 'utf8', 'ascii', 'base64'].includes(enc)) throw new Error(`Unsupported encoding: ${s(a[1])}`);
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
        if (!['hex', 'utf8', 'ascii', 'base64'].includes(enc)) throw new Error(`Unsupported encoding: ${s(a[1])}`);
        return javaText(a[0] as Uint8Array, enc as JavaEncoding);
      },
    },
  ]),
  scalar('MD5', 'string', 'The MD5 digest of a string, as hex.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => createHash('md5').update(s(a[0])).digest('hex') }]),
  scalar('UUID', 'string', 'A random UUID.', [{ params: [], returns: T.STRING, fn: () => randomUUID() }]),
  scalar('CHR', 'string', 'The character with a Unicode code point (or "\\uXXXX" text).', [
    { params: [P.INT], returns: T.STRING, fn: (a) => String.fromCodePoint(n(a[0])) },
    { params: [P.STRING], returns: T.STRING, fn: (a) => (/^\\u[0-9a-fA-F]{4}$/.test(s(a[0])) ? String.fromCharCode(parseInt(s(a[0]).slice(2), 16)) : null) },
  ]),
  scalar('MASK', 'string', 'Masks letters (X/x), digits (n) and other characters (-).', [{ params: [P.STRING], returns: T.STRING, fn: (a) => mask(s(a[0])) }]),
  scalar('MASK_LEFT', 'string', 'Masks the first N characters.', [{ params: [P.STRING, P.INT], returns: T.STRING, fn: (a) => mask(s(a[0]).slice(0, n(a[1]))) + s(a[0]).slice(n(a[1])) }]),
  scalar('MASK_RIGHT', 'string', 'Masks the last N characters.', [{ params: [P.STRING, P.INT], returns: T.STRING, fn: (a) => s(a[0]).slice(0, Math.max(0, s(a[0]).length - n(a[1]))) + mask(s(a[0]).slice(Math.max(0, s(a[0]).length - n(a[1])))) }]),
  scalar('MASK_KEEP_LEFT', 'string', 'Masks all but the first N characters.', [{ params: [P.STRING, P.INT], returns: T.STRING, fn: (a) => s(a[0]).slice(0, n(a[1])) + mask(s(a[0]).slice(n(a[1]))) }]),
  scalar('MASK_KEEP_RIGHT', 'string', 'Masks all but the last N characters.', [{ params: [P.STRING, P.INT], returns: T.STRING, fn: (a) => mask(s(a[0]).slice(0, Math.max(0, s(a[0]).length - n(a[1])))) + s(a[0]).slice(Math.max(0, s(a[0]).length - n(a[1]))) }]),
];

function mask(str: string): string {
  return str.replace(/[A-Z]/g, 'X').replace(/[a-z]/g, 'x').replace(/[0-9]/g, 'n').replace(/[^Xxn]/g, '-');
}
