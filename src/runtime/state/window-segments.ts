// Windowed aggregation state as one segment per window (Kafka Streams' segmented window store):
// a window that closes is dropped whole, in memory and in SQLite, and a group in a window costs
// a map slot and a few array cells instead of several objects — at millions of live
// (group, window) pairs that is what keeps the state in bounds.

import type { WindowBounds } from '../../planner/record.js';
import { keyString } from '../../planner/value-json.js';
import type { Value } from '../../planner/values.js';

/** A group's identity inside one window: a one-number key is its own id (no string to keep). */
export type GroupId = number | string;

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
  readonly slots = new Map<GroupId, number>();
  /** The group's key: the value itself when the key is one column (`width` 1), else the array. */
  private readonly keys: (Value | readonly Value[])[] = [];
  /** Per aggregate, per slot. */
  readonly states: unknown[][];
  readonly ts: number[] = [];
  readonly rows: number[] = [];

  constructor(
    readonly bounds: WindowBounds,
    private readonly width: number,
    aggCount: number,
  ) {
    this.states = [];
    for (let i = 0; i < aggCount; i++) this.states.push([]);
  }

  get size(): number {
    return this.ts.length;
  }

  /** A new group with its initial states; returns its slot. */
  add(id: GroupId, key: readonly Value[], states: readonly unknown[], ts: number, rows: number): number {
    const slot = this.ts.length;
    this.slots.set(id, slot);
    this.keys.push(this.width === 1 ? key[0]! : key);
    for (let i = 0; i < states.length; i++) this.states[i]!.push(states[i]);
    this.ts.push(ts);
    this.rows.push(rows);
    return slot;
  }

  key(slot: number): readonly Value[] {
    const k = this.keys[slot]!;
    return this.width === 1 ? [k as Value] : (k as readonly Value[]);
  }
}
