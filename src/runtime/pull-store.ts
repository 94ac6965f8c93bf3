// A table's pull-query store (SQLite table `materialized`): each key's latest row, written with
// the batch that changed it. A windowed aggregation under a CTAS keeps its (group, window) state
// in these same rows (columns st, st_owner) instead of in `state`, as ksqlDB's window store is
// both the aggregation's state and what pull queries read: one row written per change, not two,
// and a closed window costs no delete (its row stays, as the pull store keeps every window).
// A row whose state has no visible output yet (or whose output was deleted) has cols '' or 'null'.

import type Database from 'better-sqlite3';
import type { SourceDef } from '../planner/catalog.js';
import type { StateChange } from './log/topic-log.js';
import type { Rec, WindowBounds } from '../planner/record.js';
import type { Value } from '../planner/values.js';
import { colsJson, materializedKey, windowedKey } from './materialized-row.js';
import type { WindowRows } from './operators/operator.js';
import { RowBatch } from './row-batch.js';

/** `cols` of a row that only carries state: pull queries skip it, a later output fills it in. */
const NO_OUTPUT = '';

interface StagedState {
  /** The pull-store key its (group, window) maps to. */
  readonly k: string;
  readonly window: WindowBounds;
  readonly st: string;
}

/** Rows of the pull store that hold a row to show (not only a windowed aggregation's state). */
export const VISIBLE_ROWS = "cols NOT IN ('', 'null')";

/** Where a table's windowed state lives: in its own rows of the pull store. */
export function windowRowsHome(table: SourceDef): string {
  return `${table.name}'s rows in SQLite table materialized`;
}

export class PullStore implements WindowRows {
  private readonly upsert: RowBatch;
  private readonly upsertWithState: RowBatch;
  private readonly deleteRow: Database.Statement;
  private readonly hideRow: Database.Statement;
  private readonly loadState: Database.Statement;
  private readonly clearRows: Database.Statement;
  private readonly keyCount: number;
  /** Windowed state staged in this batch, one per (group, window), in the order of their outputs. */
  private staged: StagedState[] = [];
  readonly home: string;

  constructor(
    db: Database.Database,
    private readonly table: SourceDef,
    private readonly owner: string,
  ) {
    this.home = windowRowsHome(table);
    this.keyCount = table.columns.filter((c) => c.role === 'key').length;
    this.upsert = new RowBatch(
      db,
      'INSERT INTO materialized(source, k, cols, ts, wstart, wend)',
      6,
      'ON CONFLICT(source, k) DO UPDATE SET cols = excluded.cols, ts = excluded.ts, wstart = excluded.wstart, wend = excluded.wend',
    );
    this.upsertWithState = new RowBatch(
      db,
      'INSERT INTO materialized(source, k, cols, ts, wstart, wend, st, st_owner)',
      8,
      `ON CONFLICT(source, k) DO UPDATE SET cols = CASE excluded.cols WHEN '${NO_OUTPUT}' THEN cols ELSE excluded.cols END, ts = CASE excluded.cols WHEN '${NO_OUTPUT}' THEN ts ELSE excluded.ts END, wstart = excluded.wstart, wend = excluded.wend, st = excluded.st, st_owner = excluded.st_owner`,
    );
    // A deleted key whose row still holds a window's state keeps the row, hidden.
    this.deleteRow = db.prepare('DELETE FROM materialized WHERE source = ? AND k = ? AND st IS NULL');
    this.hideRow = db.prepare("UPDATE materialized SET cols = 'null' WHERE source = ? AND k = ?");
    this.loadState = db.prepare('SELECT st, wstart, wend FROM materialized WHERE source = ? AND st_owner = ? AND wend + ? > ?');
    this.clearRows = db.prepare('DELETE FROM materialized WHERE source = ?');
  }

  /**
   * Scale-out: the rows this batch writes, as changes of the changelog store `store` — each of the
   * task (input partition) its record came from; a deleted row's value is null. A task's new
   * owner rebuilds the rows pull queries read from them (`restore`), as it rebuilds the state.
   */
  changes(out: readonly Rec[], store: string, into: StateChange[]): void {
    // A key's last change in the batch is its row (as `write` keeps it).
    const last = new Map<string, Rec>();
    for (const r of out) if (r.partition >= 0) last.set(materializedKey(r, this.keyCount), r);
    for (const [key, r] of last) into.push({ store, task: r.partition, key, value: r.tombstone ? null : JSON.stringify([colsJson(r.cols), r.ts, r.window?.start ?? null, r.window?.end ?? null]) });
  }

  /** Scale-out: the table's rows are exactly these (key → a value `changes` wrote), those of the tasks this server now owns. */
  restore(rows: ReadonlyMap<string, string>): void {
    const name = this.table.name;
    this.clearRows.run(name);
    for (const [k, v] of rows) {
      const [cols, ts, wstart, wend] = JSON.parse(v) as [string, number, number | null, number | null];
      this.upsert.add(name, k, cols, ts, wstart, wend);
    }
    this.upsert.flush();
  }

  load(grace: number, streamTime: number): [unknown, WindowBounds][] {
    const after = Number.isFinite(streamTime) ? streamTime : -Number.MAX_VALUE;
    const rows = this.loadState.all(this.table.name, this.owner, grace, after) as { st: string; wstart: number; wend: number }[];
    return rows.map((r) => [JSON.parse(r.st) as unknown, { start: r.wstart, end: r.wend }]);
  }

  stage(key: readonly Value[], window: WindowBounds, stateJson: string): void {
    this.staged.push({ k: windowedKey(key, key.length, window), window, st: stateJson });
  }

  /** Write the batch: each key's last change in `out`, and the windowed state staged meanwhile. */
  write(out: readonly Rec[]): void {
    const name = this.table.name;
    const staged = this.staged;
    this.staged = [];
    const keys = out.map((r) => materializedKey(r, this.keyCount));
    // An aggregation emits one change per staged (group, window), in the same order: pair them
    // without hashing every key twice. Anything else (HAVING, other key columns) is joined by key.
    if (staged.length === out.length && staged.every((s, i) => s.k === keys[i])) {
      out.forEach((r, i) => this.upsertWithState.add(name, keys[i], rowCols(r), r.ts, staged[i]!.window.start, staged[i]!.window.end, staged[i]!.st, this.owner));
    } else this.join(out, keys, staged);
    this.upsert.flush();
    this.upsertWithState.flush();
  }

  private join(out: readonly Rec[], keys: readonly string[], staged: readonly StagedState[]): void {
    const name = this.table.name;
    const latest = new Map<string, Rec>();
    out.forEach((r, i) => latest.set(keys[i]!, r));
    const byKey = new Map<string, StagedState>();
    for (const s of staged) byKey.set(s.k, s);
    for (const [k, r] of latest) {
      const cols = rowCols(r);
      const s = byKey.get(k);
      if (s) {
        byKey.delete(k);
        this.upsertWithState.add(name, k, cols, r.ts, s.window.start, s.window.end, s.st, this.owner);
      } else if (r.tombstone) {
        this.deleteRow.run(name, k);
        this.hideRow.run(name, k);
      } else this.upsert.add(name, k, cols, r.ts, r.window?.start ?? null, r.window?.end ?? null);
    }
    for (const [k, s] of byKey) this.upsertWithState.add(name, k, NO_OUTPUT, 0, s.window.start, s.window.end, s.st, this.owner);
  }
}

/** `cols` of a change: a deleted key's row is kept hidden when it still holds window state. */
function rowCols(r: Rec): string {
  return r.tombstone ? 'null' : colsJson(r.cols);
}

/** A query ends for good: its windowed state leaves the pull store; rows it alone kept go too. */
export function dropPullState(db: Database.Database, owner: string): void {
  db.prepare(`DELETE FROM materialized WHERE st_owner = ? AND NOT (${VISIBLE_ROWS})`).run(owner);
  db.prepare('UPDATE materialized SET st = NULL, st_owner = NULL WHERE st_owner = ?').run(owner);
}
