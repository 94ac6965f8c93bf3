// Windowed aggregation state as one segment per window (Kafka Streams' segmented window store):
// a window that closes is dropped whole, in memory and in SQLite, and a group in a window costs
// a map slot and a few array cells instead of several objects — at millions of live
// (group, window) pairs that is what keeps the state in bounds.

import type { WindowBounds } from '../../planner/record.js';
import { keyString } from '../../planner/value-json.js';
import type { Value } from '../../planner/values.js';
import { GroupIndex, type GroupId } from './group-index.js';

export type { GroupId };

export function groupIdOf(key: readonly Value[]): GroupId {
  if (key.length === 1 && typeof key[0] === 'number') return key[0];
  return keyString(key);
}

/** The persisted key of a group in a window: window start first, so a window is one key range. */
export function segmentKey(start: number, key: readonly Value[]): string {
  return `${start}/${keyString(key)}`;
}

/** The key range [lo, hi) holding every group of the window that starts at `start`. */
export function segmentRange(start: number): [string, string] {
  return [`${start}/`, `${start}0`]; // '0' is the character after '/'
}

export class WindowSegment {
  /** Group id → slot; the columns below are indexed by slot. */
  readonly slots: GroupIndex;
  /** The group's key: the value itself when the key is one column (`width` 1), else the array. */
  private readonly keys: (Value | readonly Value[])[] = [];
  /** Per aggregate, per slot. */
  readonly states: unknown[][];
  /** Latest record time and rows folded in, per slot: typed columns, off the JS heap. */
  ts: Float64Array;
  rows: Float64Array;
  private count = 0;

  /** `expected`: groups to make room for up front, e.g. the size of the window that closed last. */
  constructor(
    readonly bounds: WindowBounds,
    private readonly width: number,
    aggCount: number,
    expected = 0,
  ) {
    this.slots = new GroupIndex(expected);
    this.states = [];
    for (let i = 0; i < aggCount; i++) this.states.push([]);
    this.ts = new Float64Array(Math.max(64, expected));
    this.rows = new Float64Array(this.ts.length);
  }

  get size(): number {
    return this.count;
  }

  /** A new group with its initial states; returns its slot. */
  add(id: GroupId, key: readonly Value[], states: readonly unknown[], ts: number, rows: number): number {
    const slot = this.count++;
    if (slot === this.ts.length) this.grow();
    this.slots.set(id, slot);
    this.keys.push(this.width === 1 ? key[0]! : key);
    for (let i = 0; i < states.length; i++) this.states[i]!.push(states[i]);
    this.ts[slot] = ts;
    this.rows[slot] = rows;
    return slot;
  }

  key(slot: number): readonly Value[] {
    const k = this.keys[slot]!;
    return this.width === 1 ? [k as Value] : (k as readonly Value[]);
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    const rows = new Float64Array(ts.length);
    ts.set(this.ts);
    rows.set(this.rows);
    this.ts = ts;
    this.rows = rows;
  }
}
