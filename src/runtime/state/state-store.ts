// Per-query keyed state (aggregates, table views, join buffers). Reads and writes hit an
// in-memory map; `flush` writes the changed keys to SQLite inside the batch's transaction, so
// state commits atomically with the batch's output and source offsets.

import type Database from 'better-sqlite3';

export class StateStore<V> {
  private readonly mem = new Map<string, V>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly backing: StateBacking | undefined,
    private readonly name: string,
    private readonly encode: (v: V) => unknown,
    private readonly decode: (j: unknown) => V,
  ) {
    if (backing) for (const [k, v] of backing.load(name)) this.mem.set(k, decode(v));
  }

  get(key: string): V | undefined {
    return this.mem.get(key);
  }

  put(key: string, v: V): void {
    this.mem.set(key, v);
    if (this.backing) this.dirty.add(key);
  }

  delete(key: string): void {
    if (this.mem.delete(key) && this.backing) this.dirty.add(key);
  }

  entries(): IterableIterator<[string, V]> {
    return this.mem.entries();
  }

  get size(): number {
    return this.mem.size;
  }

  flush(): void {
    if (!this.backing || this.dirty.size === 0) return;
    for (const k of this.dirty) {
      const v = this.mem.get(k);
      this.backing.write(this.name, k, v === undefined ? undefined : this.encode(v));
    }
    this.dirty.clear();
  }
}

/** The SQLite table behind every StateStore of one query. */
export class StateBacking {
  private readonly upsert: Database.Statement;
  private readonly del: Database.Statement;
  private readonly select: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly owner: string,
  ) {
    this.upsert = db.prepare('INSERT INTO state(owner, store, k, v) VALUES (?, ?, ?, ?) ON CONFLICT(owner, store, k) DO UPDATE SET v = excluded.v');
    this.del = db.prepare('DELETE FROM state WHERE owner = ? AND store = ? AND k = ?');
    this.select = db.prepare('SELECT k, v FROM state WHERE owner = ? AND store = ?');
  }

  load(store: string): [string, unknown][] {
    return (this.select.all(this.owner, store) as { k: string; v: string }[]).map((r) => [r.k, JSON.parse(r.v)]);
  }

  write(store: string, k: string, v: unknown): void {
    if (v === undefined) this.del.run(this.owner, store, k);
    else this.upsert.run(this.owner, store, k, JSON.stringify(v));
  }
}
