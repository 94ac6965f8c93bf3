// The pull-query store's row shapes (table `materialized`), built without the intermediate
// arrays of the general forms: a CTAS writes one row per changed key per batch, thousands a batch.
// Each fast path yields exactly the general form's string, so rows written before still match.

import type { Rec, WindowBounds } from '../planner/record.js';
import { keyString, toJsonValue } from '../planner/value-json.js';
import type { Value } from '../planner/values.js';

/** keyString([...key columns, window start, window end]) of a table row. */
export function materializedKey(r: Rec, keyCount: number): string {
  return r.window ? windowedKey(r.cols, keyCount, r.window) : general(r.cols, keyCount, undefined);
}

/** materializedKey of the row with these key values in window `w`. */
export function windowedKey(cols: readonly Value[], keyCount: number, w: WindowBounds): string {
  // keyString's multi-value form: `n<number>;` and `s<length>:<text>` per value.
  let out = '';
  for (let i = 0; i < keyCount; i++) {
    const v = cols[i];
    if (typeof v === 'number' && Number.isFinite(v)) out += `n${v};`;
    else if (typeof v === 'string') out += `s${v.length}:${v}`;
    else return general(cols, keyCount, w);
  }
  return `${out}n${w.start};n${w.end};`;
}

function general(cols: readonly Value[], keyCount: number, w: WindowBounds | undefined): string {
  return keyString([...cols.slice(0, keyCount), w?.start ?? null, w?.end ?? null]);
}

/** JSON.stringify(cols.map(toJsonValue)): plain JSON when every value is a JSON scalar already. */
export function colsJson(cols: readonly Value[]): string {
  for (const v of cols) {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number' && Number.isFinite(v)) continue;
    return JSON.stringify(cols.map(toJsonValue));
  }
  return JSON.stringify(cols);
}
