// Group id → slot for one window segment. Integer ids (the common key: an id column) live in an
// open-addressing table of typed arrays, off the JS heap: no per-entry objects for the GC to trace
// and no copy of a million-entry Map on every growth. Other ids fall back to a Map.

/** A group's identity inside one window: a one-number key is its own id (no string to keep). */
export type GroupId = number | string;

export class GroupIndex {
  private keys: Float64Array;
  /** slot + 1; 0 marks a free cell. */
  private vals: Int32Array;
  private used = 0;
  private others: Map<GroupId, number> | undefined;

  /** `expected`: how many groups to make room for up front (a sibling window's size). */
  constructor(expected = 0) {
    let cap = 1024;
    while (cap * 3 < expected * 4) cap *= 2; // at most 3/4 full
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap);
  }

  get(id: GroupId): number | undefined {
    if (typeof id !== 'number' || !Number.isInteger(id)) return this.others?.get(id);
    const mask = this.vals.length - 1;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const v = this.vals[i]!;
      if (v === 0) return undefined;
      if (this.keys[i] === id) return v - 1;
    }
  }

  /** Add an id that is not in the index yet. */
  set(id: GroupId, slot: number): void {
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      (this.others ??= new Map()).set(id, slot);
      return;
    }
    if ((this.used + 1) * 4 > this.vals.length * 3) this.grow();
    this.insert(id, slot);
    this.used++;
  }

  private insert(id: number, slot: number): void {
    const mask = this.vals.length - 1;
    let i = hash(id) & mask;
    while (this.vals[i] !== 0) i = (i + 1) & mask;
    this.keys[i] = id;
    this.vals[i] = slot + 1;
  }

  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.vals = new Int32Array(vals.length * 2);
    for (let i = 0; i < vals.length; i++) if (vals[i] !== 0) this.insert(keys[i]!, vals[i]! - 1);
  }
}

/** A 32-bit mix of an integer up to 2^53 (both halves, so large ids spread too). */
function hash(n: number): number {
  const lo = n | 0;
  const hi = Math.floor(n / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
