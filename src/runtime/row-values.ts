// A row given from the library as an object (column name → value, case-insensitive; ROWTIME
// the event time) → the values of a stream's or table's columns, each checked against its
// column's type: an 'abc' for an INT is an error naming the column, never a value stored as it
// came. Fields that are no column are ignored, as the JSON format ignores them. Eddy.insert
// (which refuses the call) and sourceFrom (which logs the row and goes on) share it.

import type { SourceDef } from '../planner/catalog.js';
import { resultChecker } from '../planner/functions/user-functions.js';
import type { Value } from '../planner/values.js';

export interface CheckedRow {
  /** Every column's value, in the source's column order. */
  readonly cols: Value[];
  readonly ts: number | undefined;
}

export function rowChecker(def: SourceDef): (given: Record<string, unknown>) => CheckedRow {
  const columns = def.columns.map((c) => ({ name: c.name, upper: c.name.toUpperCase(), check: resultChecker(c.name, c.type) }));
  return (given) => {
    const upper = new Map(Object.entries(given).map(([k, v]) => [k.toUpperCase(), v]));
    const cols: Value[] = [];
    for (const c of columns) {
      try {
        cols.push(c.check(upper.get(c.upper) ?? null));
      } catch (e) {
        throw new Error(`column ${c.name}: ${(e as Error).message.replace(/^\S+ returned /, '')}`);
      }
    }
    const ts = upper.get('ROWTIME');
    if (ts === undefined || ts === null) return { cols, ts: undefined };
    if (typeof ts !== 'number' || !Number.isInteger(ts)) throw new Error(`ROWTIME: ${String(ts)} (${typeof ts}) is not a time in milliseconds`);
    return { cols, ts };
  };
}
