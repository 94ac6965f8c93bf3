// PARSE_DATE's parser: commons-lang's FastDateFormat in GMT, read as java.text.SimpleDateFormat
// patterns (yyyy-MM-dd, 'literals', a, E, X, Z…), leniently (2021-02-30 is March 2nd) and leaving
// text after the pattern unread.

import { linearRegex } from '../linear-regex.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type Token = { kind: 'lit'; text: string } | { kind: 'field'; ch: string; n: number };

const cache = new Map<string, Token[]>();

function tokenize(pattern: string): Token[] {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        out.push({ kind: 'lit', text: "'" });
        i += 2;
        continue;
      }
      const j = pattern.indexOf("'", i + 1);
      // As java.time's DateTimeFormatterBuilder.appendPattern refuses it.
      if (j < 0) throw new Error(`Pattern ends with an incomplete string literal: ${pattern}`);
      out.push({ kind: 'lit', text: pattern.slice(i + 1, j < 0 ? undefined : j) });
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[i + n] === c) n++;
      if (!/[GyYMLwWDdFEuaHkKhmsSzZX]/.test(c)) throw new Error(`Illegal pattern component: ${c.repeat(n)}`);
      out.push({ kind: 'field', ch: c, n });
      i += n;
      continue;
    }
    out.push({ kind: 'lit', text: c });
    i++;
  }
  cache.set(pattern, out);
  return out;
}

/** Offset of a zone from UTC at an instant, in minutes. */
function zoneOffsetMinutes(zone: string, ms: number): number {
  const z = zone.trim();
  if (/^(UTC|GMT|Z)$/i.test(z)) return 0;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-US', { timeZone: z, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new Error(`Unknown time zone: ${zone}`);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** FastDateParser's two-digit year: the one in the 100 years from 80 years ago. */
function twoDigitYear(v: number): number {
  const start = new Date().getUTCFullYear() - 80;
  const century = Math.floor(start / 100) * 100;
  return v >= start - century ? century + v : century + v + 100;
}

/**
 * Parse text in a pattern to epoch millis; missing fields default to 1970-01-01T00:00:00. Case is
 * ignored (ksqlDB's formatters parse case-insensitively); `allowTrailing` accepts text after the
 * pattern, as PARSE_DATE's java.text parser does.
 */
export function parseSimpleDate(text: string, pattern: string, zone = 'UTC', allowTrailing = true): number {
  const tokens = tokenize(pattern);
  let re = '';
  const fields: { ch: string; n: number }[] = [];
  for (const t of tokens) {
    if (t.kind === 'lit') re += t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else {
      fields.push(t);
      const { ch, n } = t;
      if (ch === 'M' && n >= 3) re += '([A-Za-z]+)';
      else if (ch === 'E' || ch === 'e') re += '([A-Za-z]+)';
      else if (ch === 'a') re += '(AM|PM|am|pm)';
      else if (ch === 'X' || ch === 'x' || ch === 'Z') re += '(Z|[+-]\\d{2}(?::?\\d{2})?)';
      else if (ch === 'z' || ch === 'V' || ch === 'O') re += '([A-Za-z_/+\\-0-9:]+)';
      else if (ch === 'S') re += `(\\d{1,${Math.max(n, 9)}})`;
      else if (ch === 'y' || ch === 'Y') re += n === 2 ? '(\\d{2})' : n === 1 ? '(\\d{1,9})' : '([+-]?\\d{4,9})';
      else re += n === 1 ? '(\\d{1,9})' : `(\\d{${n}})`;
    }
  }
  const m = linearRegex('a datetime pattern', `^${re}${allowTrailing ? '' : '$'}`, true).exec(text) as (string | undefined)[] | null;
  if (!m) throw new Error(`Text '${text}' could not be parsed with pattern '${pattern}'`);
  let y = 1970;
  let mo = 1;
  let day = 1;
  let doy: number | undefined;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let parsedZone: string | undefined;
  fields.forEach((f, i) => {
    const g = m[i + 1]!;
    switch (f.ch) {
      case 'y':
      case 'Y':
        y = f.n <= 2 && g.length <= 2 ? twoDigitYear(Number(g)) : Number(g);
        break;
      case 'M':
      case 'L':
        mo = f.n >= 3 ? MONTHS.findIndex((x) => x.toLowerCase().startsWith(g.toLowerCase().slice(0, 3))) + 1 : Number(g);
        break;
      case 'd':
        day = Number(g);
        break;
      case 'D':
        doy = Number(g);
        break;
      case 'H':
      case 'k':
        h = Number(g) % 24;
        break;
      case 'h':
      case 'K':
        h = Number(g) % 12;
        break;
      case 'a':
        pm = g.toUpperCase() === 'PM';
        break;
      case 'm':
        mi = Number(g);
        break;
      case 's':
        s = Number(g);
        break;
      case 'S':
        ms = Number(g.padEnd(3, '0').slice(0, 3));
        break;
      case 'X':
      case 'x':
      case 'Z':
        offset = g.toUpperCase() === 'Z' ? 0 : zoneOffsetMinutes(g, 0);
        break;
      case 'z':
      case 'V':
      case 'O':
        parsedZone = g;
        break;
    }
  });
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59) throw new Error(`Text '${text}' could not be parsed: field out of range`);
  const local = doy !== undefined ? Date.UTC(y, 0, 1) + (doy - 1) * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + ms : Date.UTC(y, mo - 1, day, h, mi, s, ms);
  if (offset !== undefined) return local - offset * 60_000;
  const z = parsedZone ?? zone;
  // Resolve the local time in the zone: apply the offset at the guessed instant, then correct once.
  let guess = local - zoneOffsetMinutes(z, local) * 60_000;
  guess = local - zoneOffsetMinutes(z, guess) * 60_000;
  return guess;
}
