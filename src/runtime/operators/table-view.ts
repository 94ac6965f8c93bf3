// A query's own view of a table it reads: last row per key. It turns the table's changelog
// into changes that know the row they replace (needed to undo aggregates and to join).

import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import type { StateStore } from '../state/state-store.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';

export interface TableRow {
  cols: Value[];
  ts: number;
}

/**
 * A table's last row per key. Rows are kept in memory as their JSON text — the same text SQLite
 * stores — rather than as objects: about a third of the memory (a 400k-row table took ~350 bytes
 * a row as objects), paid for with a parse per lookup.
 */
export class TableRows {
  constructor(private readonly store: StateStore<string>) {}

  get(k: string): TableRow | undefined {
    const s = this.store.get(k);
    return s === undefined ? undefined : decodeRow(JSON.parse(s));
  }

  put(k: string, row: TableRow): void {
    this.store.put(k, JSON.stringify({ c: row.cols.map(toJsonValue), t: row.ts }));
  }

  delete(k: string): void {
    this.store.delete(k);
  }

  *entries(): IterableIterator<[string, TableRow]> {
    for (const [k, s] of this.store.entries()) yield [k, decodeRow(JSON.parse(s))];
  }
}

function decodeRow(j: unknown): TableRow {
  const o = j as { c: unknown[]; t: number };
  return { cols: o.c.map(fromJsonValue), ts: o.t };
}

export function tableRowStore(env: OperatorEnv, name: string): TableRows {
  // Stored as before ({"c": […], "t": …}), the text as it is.
  return new TableRows(env.textStore(name));
}

export function tableViewOperator(keyCount: number, store: TableRows, out: Emit): Emit {
  return (r: Rec) => {
    const k = keyString(r.cols.slice(0, keyCount));
    const before = store.get(k);
    if (r.tombstone) {
      if (!before) return;
      store.delete(k);
      out({ ...r, prev: before.cols });
      return;
    }
    store.put(k, { cols: r.cols, ts: r.ts });
    out({ ...r, prev: before ? before.cols : null });
  };
}
