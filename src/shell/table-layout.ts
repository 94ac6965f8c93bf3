// Aligned tables that fit the terminal: columns shrink (cells wrap between words) while they can
// stay readable, and when they cannot (too narrow, or a word would break), rows turn into
// records, one field a line — psql's `\x`. Widths are
// measured by string-width, so wide characters and colour codes line up.

import stringWidth from 'string-width';
import { isNumericType, tableCellText } from './format-value.js';

export interface TableInput {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
  /** Terminal width; Infinity for no limit (files, pipes). */
  readonly width: number;
  /** How NULL reads (styled in a terminal so it stands apart from the string 'NULL'). */
  readonly nullMark: string;
  /** Force records (one field per line) whatever the width. */
  readonly vertical?: boolean;
}

/** Narrowest a shrunk column may get before records read better. */
const MIN_COLUMN = 8;

/** Wraps text to `width` columns between words, breaking a word only when it is wider than a line (keeping embedded newlines). */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (stringWidth(line) <= width) {
      out.push(line);
      continue;
    }
    if (!line.split(' ').some((word) => stringWidth(word) > width)) {
      let cur = '';
      for (const word of line.split(' ')) {
        if (cur && stringWidth(`${cur} ${word}`) > width) {
          out.push(cur);
          cur = word;
        } else cur = cur ? `${cur} ${word}` : word;
      }
      out.push(cur);
      continue;
    }
    let cur = '';
    let w = 0;
    for (const ch of line) {
      const cw = stringWidth(ch);
      if (w + cw > width && cur) {
        out.push(cur);
        cur = '';
        w = 0;
      }
      cur += ch;
      w += cw;
    }
    out.push(cur);
  }
  return out;
}

function pad(text: string, width: number, right: boolean): string {
  const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return right ? gap + text : text + gap;
}

/** The widest cap such that the capped widths fit in `avail`. */
function fitWidths(natural: readonly number[], avail: number): number[] | undefined {
  const floor = natural.map((n) => Math.min(n, MIN_COLUMN));
  if (floor.reduce((a, b) => a + b, 0) > avail) return undefined;
  let lo = MIN_COLUMN;
  let hi = Math.max(...natural, MIN_COLUMN);
  const total = (cap: number) => natural.reduce((a, n) => a + Math.min(n, cap), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= avail) lo = mid;
    else hi = mid - 1;
  }
  return natural.map((n) => Math.min(n, lo));
}

export function renderTable(t: TableInput): string[] {
  const texts = t.rows.map((r) => t.columns.map((c, i) => tableCellText(r[i], c) ?? t.nullMark));
  const natural = t.columns.map((c, i) => Math.max(stringWidth(c.name), ...texts.map((r) => Math.max(...r[i]!.split('\n').map((l) => stringWidth(l))))));
  const fitted = t.vertical ? undefined : natural.reduce((a, b) => a + b, 0) + 3 * t.columns.length + 1 <= t.width ? natural : fitWidths(natural, t.width - 3 * t.columns.length - 1);
  // A name or value cut mid-word (CTAS_CLICKS_/PER_USER_0) misreads: records keep words whole.
  const wordsFit = (cell: string, w: number) => cell.split(/[\s]+/).every((word) => stringWidth(word) <= w);
  const widths = fitted && (fitted === natural || [t.columns.map((c) => c.name), ...texts].every((r) => r.every((cell, i) => wordsFit(cell, fitted[i]!)))) ? fitted : undefined;
  if (!widths) return renderRecords(t, texts);
  const numeric = t.columns.map((c) => isNumericType(c.type));
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (cells: readonly string[], header: boolean): string[] => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => `│ ${wrapped.map((w, i) => pad(w[k] ?? '', widths[i]!, !header && numeric[i]!)).join(' │ ')} │`);
  };
  return [
    rule('┌', '┬', '┐'),
    ...line(
      t.columns.map((c) => c.name),
      true,
    ),
    rule('├', '┼', '┤'),
    ...texts.flatMap((r) => line(r, false)),
    rule('└', '┴', '┘'),
  ];
}

function renderRecords(t: TableInput, texts: readonly string[][]): string[] {
  const nameW = Math.max(...t.columns.map((c) => stringWidth(c.name)));
  const valueW = Math.max(MIN_COLUMN, (Number.isFinite(t.width) ? t.width : 120) - nameW - 3);
  const out: string[] = [];
  texts.forEach((r, n) => {
    const head = `─[ RECORD ${n + 1} ]`;
    out.push(head + '─'.repeat(Math.max(0, Math.min(nameW + 3 + valueW, 60) - stringWidth(head))));
    t.columns.forEach((c, i) => {
      wrapText(r[i]!, valueW).forEach((part, k) => out.push(`${pad(k === 0 ? c.name : '', nameW, false)} │ ${part}`));
    });
  });
  return out;
}
