// Table layout, statement splitting and EXPLAIN trees: the pure pieces behind the shell's output.

import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { drawExplainTree } from '../../src/shell/explain-tree.js';
import { splitStatements } from '../../src/shell/statement-splitter.js';
import { renderTable } from '../../src/shell/table-layout.js';
import { sparkline } from '../../src/shell/sparkline.js';

const cols = [
  { name: 'ID', type: 'INTEGER' },
  { name: 'NAME', type: 'STRING' },
];

describe('table layout', () => {
  it('aligns columns, right-aligns numbers and marks NULL', () => {
    expect(renderTable({ columns: cols, rows: [[1, 'ada'], [100, null]], width: 80, nullMark: '∅' })).toEqual([
      '┌─────┬──────┐',
      '│ ID  │ NAME │',
      '├─────┼──────┤',
      '│   1 │ ada  │',
      '│ 100 │ ∅    │',
      '└─────┴──────┘',
    ]);
  });

  it('measures wide characters as the terminal draws them', () => {
    const lines = renderTable({ columns: cols, rows: [[1, '東京'], [2, 'ab']], width: 80, nullMark: 'NULL' });
    const widths = new Set(lines.map((l) => stringWidth(l)));
    expect(widths.size).toBe(1);
  });

  it('wraps long cells to fit the width while columns stay readable', () => {
    const long = 'x'.repeat(50);
    const lines = renderTable({ columns: cols, rows: [[1, long]], width: 30, nullMark: 'NULL' });
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.join('').replace(/[^x]/g, '')).toBe(long);
  });

  it('turns rows into records when the columns cannot fit', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ name: `COLUMN_${i}`, type: 'STRING' }));
    const lines = renderTable({ columns: many, rows: [many.map((_, i) => `value ${i}`)], width: 40, nullMark: 'NULL' });
    expect(lines[0]).toMatch(/^─\[ RECORD 1 \]─+$/);
    expect(lines[1]).toBe('COLUMN_0 │ value 0');
    expect(lines).toHaveLength(9);
  });
});

describe('statement splitting', () => {
  it('ends statements at top-level semicolons only', () => {
    const s = splitStatements("SELECT 'a;b' FROM T; -- a ; comment\nINSERT INTO T VALUES (1); SELECT (1");
    expect(s.statements).toEqual(["SELECT 'a;b' FROM T;", '-- a ; comment\nINSERT INTO T VALUES (1);']);
    expect(s.rest.trim()).toBe('SELECT (1');
  });

  it('waits while a string is open', () => {
    expect(splitStatements("SELECT 'it;").statements).toEqual([]);
  });
});

describe('EXPLAIN tree', () => {
  it('draws siblings with rails so deeper operators stay under their parent', () => {
    const lines = drawExplainTree([
      { depth: 0, operator: 'Sink', detail: 's' },
      { depth: 1, operator: 'Join', detail: 'j' },
      { depth: 2, operator: 'Filter', detail: 'f' },
      { depth: 3, operator: 'Left', detail: 'l' },
      { depth: 2, operator: 'Right', detail: 'r' },
    ]);
    expect(lines).toEqual(['Sink  s', '└─ Join  j', '   ├─ Filter  f', '   │  └─ Left  l', '   └─ Right  r']);
  });
});

describe('sparkline', () => {
  it('scales samples to the largest', () => {
    expect(sparkline([0, 1, 2, 4, 8], 10)).toBe(' ▁▂▄█');
  });
});
