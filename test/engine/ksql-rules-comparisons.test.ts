// Comparisons as ksqlDB evaluates them: a NULL operand makes any comparison FALSE (not NULL), so
// its negation is TRUE; BETWEEN is two such comparisons; a DATE meets a TIMESTAMP as its midnight.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

function outputs(cols: string, row: string, exprs: string[]): unknown[] {
  eddy = engine();
  eddy.execute(`CREATE STREAM S (${cols}) WITH (kafka_topic='s', value_format='JSON', partitions=1);`);
  eddy.execute(`CREATE STREAM O AS SELECT ${exprs.map((x, i) => `${x} AS R${i}`).join(', ')} FROM S;`);
  insert(
    eddy,
    'S',
    cols
      .split(/,(?![^(]*\))/)
      .map((c) => c.trim().split(' ')[0])
      .join(', '),
    row,
    1,
  );
  const v = topic(eddy, 'O')[0]!.value as Record<string, unknown>;
  return exprs.map((_, i) => v[`R${i}`]);
}

describe('NULL operands', () => {
  it('every comparison operator gives false on a NULL side, for numbers, decimals, strings and temporals', () => {
    const got = outputs('A INT, B INT, D DECIMAL(4,1), T TIME, S STRING', '7, NULL, NULL, NULL, NULL', [
      'A = B',
      'A <> B',
      'A < B',
      'B >= A',
      'D = 1.5',
      'D <= D',
      "T > '00:00:01'",
      "S < 'x'",
      'NOT (A = B)',
    ]);
    expect(got).toEqual([false, false, false, false, false, false, false, false, true]);
  });

  it('BETWEEN with a NULL bound or operand is false, NOT BETWEEN true', () => {
    expect(outputs('A INT, B INT', '3, NULL', ['A BETWEEN B AND 9', 'B BETWEEN 1 AND 9', 'A NOT BETWEEN 1 AND B', 'A BETWEEN 1 AND 9'])).toEqual([false, false, true, true]);
  });

  it('IS DISTINCT FROM still tells NULL apart', () => {
    expect(outputs('A INT, B INT', '3, NULL', ['A IS DISTINCT FROM B', 'B IS NOT DISTINCT FROM B'])).toEqual([true, true]);
  });
});

describe('DATE against TIMESTAMP', () => {
  it('a date is its midnight: later than the day before, equal to its own midnight, earlier than noon', () => {
    const got = outputs('D DATE, T TIMESTAMP', "'2026-12-02', '2026-12-01T23:59:59.999'", ['D > T', "D = CAST('2026-12-02T00:00:00' AS TIMESTAMP)", "D < CAST('2026-12-02T12:00:00' AS TIMESTAMP)"]);
    expect(got).toEqual([true, true, true]);
  });
});

describe('temporal text', () => {
  it('a string met by a TIME is read as a time, in comparisons and BETWEEN bounds', () => {
    const got = outputs('T TIME, D DATE, S STRING', "'00:00:00.010', '2026-12-02', '00:00:00.007'", [
      "T > '00:00:00.005'",
      "T BETWEEN '00:00:00.001' AND '00:00:01'",
      "T NOT BETWEEN '00:00:00.011' AND '00:00:02'",
      'S < T',
      "D BETWEEN '2026-12-01' AND '2026-12-02'",
    ]);
    expect(got).toEqual([true, true, true, true, true]);
  });
});
