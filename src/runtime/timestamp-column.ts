// Event time from a column (WITH (timestamp='col'[, timestamp_format='…'])).

import type { SqlType } from '../parser/sql-type.js';
import type { Value } from '../planner/values.js';

export function parseTimestampColumn(v: Value, type: SqlType, format: string | undefined): number | undefined {
  if (v === null) return undefined;
  if (typeof v === 'number') return type.kind === 'DATE' ? v * 86_400_000 : v;
  if (typeof v === 'string') {
    if (!format) {
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    const t = parseWithJavaPattern(v, format);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** A small reader for the common java.time patterns (yyyy-MM-dd'T'HH:mm:ss.SSSX and kin). */
function parseWithJavaPattern(text: string, pattern: string): number {
  let re = '';
  const fields: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const j = pattern.indexOf("'", i + 1);
      re += pattern.slice(i + 1, j < 0 ? undefined : j).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    if (ch === 'y' && n === 2) {
      // java.time's `yy` is a year of 2000–2099
      fields.push('yy');
      re += '(\\d{2})';
    } else if (/[yMdHhmsSX]/.test(ch)) {
      fields.push(ch);
      re += ch === 'X' ? '(Z|[+-]\\d{2}(?::?\\d{2})?)' : ch === 'S' ? `(\\d{1,${n}})` : `(\\d{1,${Math.max(n, 4)}})`;
    } else if (ch === 'a') {
      fields.push('a');
      re += '(AM|PM|am|pm)';
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i += n;
  }
  const m = new RegExp(`^${re}$`).exec(text.trim());
  if (!m) return NaN;
  const p: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, h: 0, m: 0, s: 0, S: 0 };
  let offsetMin = 0;
  let pm = false;
  fields.forEach((f, i) => {
    const g = m[i + 1]!;
    if (f === 'X') {
      if (g !== 'Z') {
        const mm = /([+-])(\d{2}):?(\d{2})?/.exec(g)!;
        offsetMin = (mm[1] === '-' ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3] ?? 0));
      }
    } else if (f === 'a') pm = g.toUpperCase() === 'PM';
    else if (f === 'S') p.S = Number(g.padEnd(3, '0').slice(0, 3));
    else if (f === 'yy') p.y = 2000 + Number(g);
    else p[f] = Number(g);
  });
  const hour = p.h ? (p.h % 12) + (pm ? 12 : 0) : p.H!;
  return Date.UTC(p.y!, p.M! - 1, p.d!, hour, p.m!, p.s!, p.S!) - offsetMin * 60_000;
}
