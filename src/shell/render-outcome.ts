// A finished statement's answer as lines of text for a given width: tables, messages, EXPLAIN
// trees, and the closing line with row count and time.

import { styleText } from 'node:util';
import type { Outcome } from './backend.js';
import { drawExplainTree } from './explain-tree.js';
import { renderTable } from './table-layout.js';

export interface Look {
  readonly width: number;
  /** Colours and weights for a terminal; plain text for files and pipes. */
  readonly styled: boolean;
  readonly vertical?: boolean;
}

export function dim(look: Look, s: string): string {
  return look.styled ? styleText('dim', s) : s;
}

export function bold(look: Look, s: string): string {
  return look.styled ? styleText('bold', s) : s;
}

export function nullMark(look: Look): string {
  return look.styled ? styleText(['dim', 'italic'], 'null') : 'NULL';
}

export function timing(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function renderOutcome(o: Exclude<Outcome, { kind: 'live' }>, look: Look, ms?: number): string[] {
  const took = ms === undefined ? '' : ` (${timing(ms)})`;
  switch (o.kind) {
    case 'message':
      return [o.message + dim(look, took)];
    case 'text':
      return [...o.text.split('\n'), ...(took ? [dim(look, took.trim())] : [])];
    case 'explain':
      return [...o.header, ...drawExplainTree(o.lines, (s) => bold(look, s)), ...o.footer];
    case 'rows': {
      const table = renderTable({ columns: o.columns, rows: o.rows, width: look.width, nullMark: nullMark(look), ...(look.vertical ? { vertical: true } : {}) });
      const count = `${o.rows.length} row${o.rows.length === 1 ? '' : 's'}${took}`;
      return [...(o.title ? [bold(look, o.title)] : []), ...table, dim(look, count)];
    }
  }
}
