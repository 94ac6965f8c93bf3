// Table layout, statement splitting and EXPLAIN trees: the pure pieces behind the shell's output.

import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/planner/values.js';
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
    expect(
      renderTable({
        columns: cols,
        rows: [
          [1, 'ada'],
          [100, null],
        ],
        width: 80,
        nullMark: '∅',
      }),
    ).toEqual(['┌─────┬──────┐', '│ ID  │ NAME │', '├─────┼──────┤', '│   1 │ ada  │', '│ 100 │ ∅    │', '└─────┴──────┘']);
  });

  it('measures wide characters as the terminal draws them', () => {
    const lines = renderTable({
      columns: cols,
      rows: [
        [1, '東京'],
        [2, 'ab'],
      ],
      width: 80,
      nullMark: 'NULL',
    });
    const widths = new Set(lines.map((l) => stringWidth(l)));
    expect(widths.size).toBe(1);
  });

  it('wraps long cells between words to fit the width while columns stay readable', () => {
    const long = 'the quick brown fox jumps over the lazy dog again';
    const lines = renderTable({ columns: cols, rows: [[1, long]], width: 30, nullMark: 'NULL' });
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(30);
    const cells = lines.slice(3, -1).map((l) => l.split('│')[2]!.trim());
    expect(cells.join(' ')).toBe(long);
  });

  it('turns rows into records rather than cut a word (a query id) in two', () => {
    const q = [
      { name: 'QUERY_ID', type: 'STRING' },
      { name: 'STATUS', type: 'STRING' },
      { name: 'SQL', type: 'STRING' },
    ];
    const lines = renderTable({
      columns: q,
      rows: [['CTAS_CLICKS_PER_USER_0', 'RUNNING', 'CREATE TABLE CLICKS_PER_USER AS SELECT USER_ID, COUNT(*) FROM CLICKS GROUP BY USER_ID']],
      width: 50,
      nullMark: 'NULL',
    });
    expect(lines[0]).toMatch(/^─\[ RECORD 1 \]─+$/);
    expect(lines[1]).toBe('QUERY_ID │ CTAS_CLICKS_PER_USER_0');
  });

  it('formats DATE, TIME, TIMESTAMP, DOUBLE and window bounds as ksqlDB shows them', () => {
    const columns = ['DATE', 'TIME', 'TIMESTAMP', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DECIMAL(5, 2)'].map((type, i) => ({ name: `C${i}`, type }));
    const [, , , row] = renderTable({
      columns: [...columns, { name: 'WINDOWSTART', type: 'BIGINT' }],
      rows: [[13, 3723004, 1796120430123, 1, 1e10, 0.1, Decimal.parse('3.10'), 1796161230000]],
      width: 200,
      nullMark: 'NULL',
    });
    expect(
      row!
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    ).toEqual(['1970-01-14', '01:02:03.004', '2026-12-01T10:20:30.123', '1.0', '1.0E10', '0.1', '3.10', '2026-12-01T21:40:30.000']);
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
