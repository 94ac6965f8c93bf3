// Cells as ksqlDB's CLI prints them: a DOUBLE reads as Java's Double.toString at the top level and
// inside an ARRAY, MAP or STRUCT alike (`[62.0,1.5]`, not `[62,1.5]`); integers stay integers.
import { describe, expect, it } from 'vitest';
import { cellText } from '../../src/shell/format-value.js';
import { Decimal } from '../../src/planner/values.js';

describe('cellText', () => {
  it('spells a DOUBLE as Java does wherever it is nested', () => {
    expect(cellText(62, { name: 'D', type: 'DOUBLE' })).toBe('62.0');
    expect(cellText([62, 1.5, null], { name: 'A', type: 'ARRAY<DOUBLE>' })).toBe('[62.0,1.5,null]');
    expect(cellText([[1e21]], { name: 'A', type: 'ARRAY<ARRAY<DOUBLE>>' })).toBe('[[1.0E21]]');
    expect(cellText(new Map([['a', 1]]), { name: 'M', type: 'MAP<STRING, DOUBLE>' })).toBe('{"a":1.0}');
    expect(cellText({ X: 2, Y: 3 }, { name: 'S', type: 'STRUCT<X DOUBLE, Y INT>' })).toBe('{"X":2.0,"Y":3}');
    // Field names as the wire or the engine spells them, matched to the type's case-insensitively.
    expect(cellText({ centers: [[0, 1]], n: 4 }, { name: 'M', type: 'STRUCT<`CENTERS` ARRAY<ARRAY<DOUBLE>>, `N` BIGINT>' })).toBe('{"centers":[[0.0,1.0]],"n":4}');
  });

  it('keeps what the type does not make a DOUBLE as plain JSON', () => {
    expect(cellText([1, 2], { name: 'I', type: 'ARRAY<INT>' })).toBe('[1,2]');
    // A DECIMAL keeps every digit, as a number.
    expect(cellText([new Decimal(125n, 2)], { name: 'D', type: 'ARRAY<DECIMAL(4, 2)>' })).toBe('[1.25]');
    expect(cellText({ P: new Decimal(1000000000000000000001n, 0) })).toBe('{"P":1000000000000000000001}');
    expect(cellText([Number.NaN], { name: 'A', type: 'ARRAY<DOUBLE>' })).toBe('["NaN"]');
    // A type this shell cannot read: the value untyped.
    expect(cellText([62], { name: 'A', type: 'NOT A TYPE<' })).toBe('[62]');
    expect(cellText([62])).toBe('[62]');
  });
});
