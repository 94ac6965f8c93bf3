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

export function tableRowStore(env: OperatorEnv, name: string): StateStore<TableRow> {
  return env.store<TableRow>(
    name,
    (v) => ({ c: v.cols.map(toJsonValue), t: v.ts }),
    (j) => {
      const o = j as { c: unknown[]; t: number };
      return { cols: o.c.map(fromJsonValue), ts: o.t };
    },
  );
}

export function tableViewOperator(keyCount: number, store: StateStore<TableRow>, out: Emit): Emit {
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
