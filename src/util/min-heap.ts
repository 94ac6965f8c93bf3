// A binary min-heap of (priority, item) pairs: the oldest-first expiry queue of join buffers,
// so each batch touches only what expires instead of scanning everything kept.

export class MinHeap<T> {
  private readonly prio: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.prio.length;
  }

  /** The smallest priority, or undefined when empty. */
  peek(): number | undefined {
    return this.prio[0];
  }

  push(priority: number, item: T): void {
    const { prio, items } = this;
    let i = prio.length;
    prio.push(priority);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (prio[parent]! <= priority) break;
      prio[i] = prio[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    prio[i] = priority;
    items[i] = item;
  }

  /** Remove and return the item with the smallest priority. */
  pop(): T | undefined {
    const { prio, items } = this;
    if (!prio.length) return undefined;
    const top = items[0];
    const lastP = prio.pop()!;
    const lastI = items.pop()!;
    const n = prio.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && prio[l + 1]! < prio[l]! ? l + 1 : l;
        if (prio[c]! >= lastP) break;
        prio[i] = prio[c]!;
        items[i] = items[c]!;
        i = c;
      }
      prio[i] = lastP;
      items[i] = lastI;
    }
    return top;
  }
}
