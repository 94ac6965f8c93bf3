// The compact windowed state: the typed group index and the per-window segment columns.

import { describe, expect, it } from 'vitest';
import { GroupIndex } from '../../src/runtime/state/group-index.js';
import { groupIdOf, segmentKey, segmentRange, WindowSegment } from '../../src/runtime/state/window-segments.js';

describe('GroupIndex', () => {
  it('finds every id it was given across growth, integers and others alike', () => {
    const idx = new GroupIndex();
    const ids = [0, -0.5, -7, 2 ** 40 + 3, 2 ** 53 - 1, 1.5, NaN, 'sx', ...Array.from({ length: 5000 }, (_, i) => 1000 + i * 4096)];
    ids.forEach((id, slot) => idx.set(id, slot));
    ids.forEach((id, slot) => expect(idx.get(id)).toBe(slot));
    expect(idx.get(-0)).toBe(0); // -0 and 0 are one group, as keyString has them
    expect(idx.get(1)).toBeUndefined();
    expect(idx.get('n1')).toBeUndefined();
  });
});

describe('WindowSegment', () => {
  it('keeps keys, states, times and row counts per slot, beyond its initial room', () => {
    const seg = new WindowSegment({ start: 0, end: 10 }, 2, 1);
    for (let i = 0; i < 200; i++) seg.add(groupIdOf([i, 'k']), [i, 'k'], [i * 2], 1_700_000_000_000 + i, 1);
    expect(seg.size).toBe(200);
    const slot = seg.slots.get(groupIdOf([150, 'k']))!;
    expect(seg.key(slot)).toEqual([150, 'k']);
    expect(seg.states[0]![slot]).toBe(300);
    expect(seg.ts[slot]).toBe(1_700_000_000_150);
    expect(seg.rows[slot]).toBe(1);
  });

  it("a window's persisted keys form one range that no other window's keys fall in", () => {
    const [lo, hi] = segmentRange(12);
    const inside = (k: string) => k >= lo && k < hi;
    expect(inside(segmentKey(12, [5]))).toBe(true);
    expect(inside(segmentKey(12, ['zz', 3]))).toBe(true);
    expect(inside(segmentKey(120, [5]))).toBe(false);
    expect(inside(segmentKey(1, [5]))).toBe(false);
    expect(inside(segmentKey(123, [5]))).toBe(false);
  });
});
