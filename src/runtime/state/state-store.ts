// Per-query keyed state (aggregates, table views, join buffers). Reads and writes hit an
// in-memory map; `flush` writes the changed keys to SQLite inside the batch's transaction, so
// state commits atomically with the batch's output and source offsets. An operator that keeps
// its state in its own compact structures (windowed aggregation) takes the loaded entries over,
// `stage`s each changed entry for the next flush only, and drops whole key ranges at once.

import type Database from 'better-sqlite3';
import { RowBatch } from '../row-batch.js';

export class StateStore<V> {
  private readonly mem = new Map<string, V>();
  /** Keys written since the last flush; `undefined` deletes. Staged values live here only. */
  private readonly dirty = new Map<string, V | undefined>();
  /** Key ranges [lo, hi) to delete at the next flush, before the writes. */
  private readonly ranges: [string, string][] = [];

  constructor(
    private readonly backing: StateBacking | undefined,
    private readonly name: string,
    private readonly encode: (v: V) => unknown,
    private readonly decode: (j: unknown) => V,
    /** Values are JSON text already: stored and loaded verbatim (encode and decode unused). */
    private readonly text = false,
  ) {
    if (backing) for (const [k, v] of backing.load(name, text)) this.mem.set(k, text ? (v as V) : decode(v));
  }

  /** A store of JSON text values, written as they are (no parse and stringify again at each flush). */
  static text(backing: StateBacking | undefined, name: string): StateStore<string> {
    return new StateStore<string>(backing, name, (s) => s, (j) => j as string, true);
  }

  get(key: string): V | undefined {
    return this.mem.get(key);
  }

  put(key: string, v: V): void {
    this.mem.set(key, v);
    if (this.backing) this.dirty.set(key, v);
  }

  delete(key: string): void {
    if (this.mem.delete(key) && this.backing) this.dirty.set(key, undefined);
  }

  /** Write `v` at the next flush without keeping it here: the caller holds the live state. */
  stage(key: string, v: V): void {
    if (this.backing) this.dirty.set(key, v);
  }

  /** Forget a staged or kept key, in memory and (at the next flush) in SQLite. */
  unstage(key: string): void {
    this.mem.delete(key);
    if (this.backing) this.dirty.set(key, undefined);
  }

  /** Delete every key in [lo, hi): one range delete in SQLite instead of one per key. */
  deleteRange(lo: string, hi: string): void {
    for (const k of this.mem.keys()) if (k >= lo && k < hi) this.mem.delete(k);
    if (!this.backing) return;
    for (const k of this.dirty.keys()) if (k >= lo && k < hi) this.dirty.delete(k);
    this.ranges.push([lo, hi]);
  }

  /** Hand the loaded entries to an operator that keeps its own state; this store keeps none. */
  takeLoaded(): Map<string, V> {
    const loaded = new Map(this.mem);
    this.mem.clear();
    return loaded;
  }

  entries(): IterableIterator<[string, V]> {
    return this.mem.entries();
  }

  get size(): number {
    return this.mem.size;
  }

  flush(): void {
    if (!this.backing) return;
    for (const [lo, hi] of this.ranges) this.backing.deleteRange(this.name, lo, hi);
    this.ranges.length = 0;
    if (this.dirty.size === 0) return;
    for (const [k, v] of this.dirty) {
      if (v === undefined) this.backing.write(this.name, k, undefined);
      else if (this.text) this.backing.writeText(this.name, k, v as string);
      else this.backing.write(this.name, k, this.encode(v));
    }
    this.backing.flushWrites();
    this.dirty.clear();
  }
}

/** Where a persistent query's stores live, as EXPLAIN says it. */
export const PERSISTENT_STATE_HOME = 'SQLite table state';

/** The SQLite table behind every StateStore of one query. */
export class StateBacking {
  /** Upserts go out many rows per statement; keys are distinct within a flush. */
  private readonly upserts: RowBatch;
  private readonly del: Database.Statement;
  private readonly delRange: Database.Statement;
  private readonly select: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly owner: string,
  ) {
    this.upserts = new RowBatch(db, 'INSERT INTO state(owner, store, k, v)', 4, 'ON CONFLICT(owner, store, k) DO UPDATE SET v = excluded.v');
    this.del = db.prepare('DELETE FROM state WHERE owner = ? AND store = ? AND k = ?');
    this.delRange = db.prepare('DELETE FROM state WHERE owner = ? AND store = ? AND k >= ? AND k < ?');
    this.select = db.prepare('SELECT k, v FROM state WHERE owner = ? AND store = ?');
  }

  /** The store's entries, values parsed (or as their JSON text). */
  load(store: string, text = false): [string, unknown][] {
    return (this.select.all(this.owner, store) as { k: string; v: string }[]).map((r) => [r.k, text ? r.v : JSON.parse(r.v)]);
  }

  write(store: string, k: string, v: unknown): void {
    if (v === undefined) this.del.run(this.owner, store, k);
    else this.upserts.add(this.owner, store, k, JSON.stringify(v));
  }

  writeText(store: string, k: string, json: string): void {
    this.upserts.add(this.owner, store, k, json);
  }

  /** Write the queued upserts (before the batch's transaction commits). */
  flushWrites(): void {
    this.upserts.flush();
  }

  deleteRange(store: string, lo: string, hi: string): void {
    this.delRange.run(this.owner, store, lo, hi);
  }
}
