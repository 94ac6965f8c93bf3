// Per-query keyed state (aggregates, table views, join buffers). Reads and writes hit an
// in-memory map; `flush` writes the changed keys to SQLite inside the batch's transaction, so
// state commits atomically with the batch's output and source offsets. An operator that keeps
// its state in its own compact structures (windowed aggregation) takes the loaded entries over,
// `stage`s each changed entry for the next flush only, and drops whole key ranges at once.

import type Database from 'better-sqlite3';
import type { StateChange } from '../log/topic-log.js';
import { RowBatch } from '../row-batch.js';

/**
 * Kafka scale-out: every key belongs to a task (the input partition of the record that last wrote
 * it), and every change goes to that task's changelog (see log/kafka/changelog.ts).
 */
export interface StoreChangelog {
  /** The task of the record in hand; undefined between records (end of batch). */
  current(): number | undefined;
  /** Key → task, as restored from the changelogs (filled in as keys are written). */
  readonly tasks: Map<string, number>;
}

export class StateStore<V> {
  private readonly mem = new Map<string, V>();
  /** Keys written since the last flush; `undefined` deletes. Staged values live here only. */
  private readonly dirty = new Map<string, V | undefined>();
  /** Key ranges [lo, hi) to delete at the next flush, before the writes. */
  private readonly ranges: [string, string][] = [];
  /** Scale-out: the keys (and their tasks) those ranges held, for the changelog. */
  private rangeTombstones: [string, number][] = [];

  constructor(
    private readonly backing: StateBacking | undefined,
    private readonly name: string,
    private readonly encode: (v: V) => unknown,
    decode: (j: unknown) => V,
    /** Values are JSON text already: stored and loaded verbatim (encode and decode unused). */
    private readonly text = false,
    private readonly changelog?: StoreChangelog,
  ) {
    if (backing) for (const [k, v] of backing.load(name, text)) this.mem.set(k, text ? (v as V) : decode(v));
  }

  /** A store of JSON text values, written as they are (no parse and stringify again at each flush). */
  static text(backing: StateBacking | undefined, name: string, changelog?: StoreChangelog): StateStore<string> {
    return new StateStore<string>(
      backing,
      name,
      (s) => s,
      (j) => j as string,
      true,
      changelog,
    );
  }

  /** The store's name in its query (its changelog topic is named after it). */
  get storeName(): string {
    return this.name;
  }

  /** Scale-out: the key's task is the given one, or the record in hand's, or the one it had. */
  private own(key: string, task: number | undefined): void {
    const c = this.changelog!;
    const t = task ?? c.current();
    if (t !== undefined) c.tasks.set(key, t);
  }

  get(key: string): V | undefined {
    return this.mem.get(key);
  }

  /** `task`: scale-out only, when the write is not made for the record in hand. */
  put(key: string, v: V, task?: number): void {
    this.mem.set(key, v);
    if (this.backing) this.dirty.set(key, v);
    if (this.changelog) this.own(key, task);
  }

  delete(key: string, task?: number): void {
    if (this.mem.delete(key) && this.backing) {
      this.dirty.set(key, undefined);
      if (this.changelog) this.own(key, task);
    }
  }

  /** Write `v` at the next flush without keeping it here: the caller holds the live state. */
  stage(key: string, v: V, task?: number): void {
    if (this.backing) this.dirty.set(key, v);
    if (this.changelog) this.own(key, task);
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
    // Scale-out: the changelog gets a tombstone per key (a closed window leaves it for good).
    if (this.changelog) for (const [k, t] of this.changelog.tasks) if (k >= lo && k < hi) this.rangeTombstones.push([k, t]);
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

  /** Write the batch's changes to SQLite; scale-out: also add them to `changes`, for the changelog. */
  flush(changes?: StateChange[]): void {
    if (!this.backing) return;
    for (const [lo, hi] of this.ranges) this.backing.deleteRange(this.name, lo, hi);
    this.ranges.length = 0;
    const log = this.changelog;
    if (log && this.rangeTombstones.length) {
      for (const [key, task] of this.rangeTombstones) {
        log.tasks.delete(key);
        changes?.push({ store: this.name, task, key, value: null });
      }
      this.rangeTombstones = [];
    }
    if (this.dirty.size === 0) return;
    if (log) {
      for (const [k, v] of this.dirty) {
        const json = v === undefined ? null : this.text ? (v as string) : JSON.stringify(this.encode(v));
        if (json === null) this.backing.write(this.name, k, undefined);
        else this.backing.writeText(this.name, k, json);
        const task = log.tasks.get(k);
        // A key no record of this server's tasks ever wrote has no changelog partition: it stays local.
        if (task !== undefined) changes?.push({ store: this.name, task, key: k, value: json });
        if (json === null) log.tasks.delete(k);
      }
    } else {
      for (const [k, v] of this.dirty) {
        if (v === undefined) this.backing.write(this.name, k, undefined);
        else if (this.text) this.backing.writeText(this.name, k, v as string);
        else this.backing.write(this.name, k, this.encode(v));
      }
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
  private readonly clearAll: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly owner: string,
  ) {
    this.upserts = new RowBatch(db, 'INSERT INTO state(owner, store, k, v)', 4, 'ON CONFLICT(owner, store, k) DO UPDATE SET v = excluded.v');
    this.del = db.prepare('DELETE FROM state WHERE owner = ? AND store = ? AND k = ?');
    this.delRange = db.prepare('DELETE FROM state WHERE owner = ? AND store = ? AND k >= ? AND k < ?');
    this.select = db.prepare('SELECT k, v FROM state WHERE owner = ? AND store = ?');
    this.clearAll = db.prepare('DELETE FROM state WHERE owner = ?');
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

  /** Forget every store's state (scale-out: before it is restored from the changelogs). */
  clear(): void {
    this.clearAll.run(this.owner);
  }

  /** Write the queued upserts (before the batch's transaction commits). */
  flushWrites(): void {
    this.upserts.flush();
  }

  deleteRange(store: string, lo: string, hi: string): void {
    this.delRange.run(this.owner, store, lo, hi);
  }
}
