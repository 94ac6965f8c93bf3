// ORDER BY's execution (the planner's rule: planner/order-by.ts): a stable sort of the whole
// answer by its keys, NULLs first or last per key, then the sort-only columns cut off.

import { compareValues } from '../planner/expr/compare.js';
import type { OrderPlan } from '../planner/order-by.js';
import type { Value } from '../planner/values.js';

export function sortRows(rows: readonly Value[][], order: OrderPlan): Value[][] {
  // Array.prototype.sort is stable (ES2019): rows equal on every key keep the order they came in.
  const sorted = rows.slice().sort((a, b) => {
    for (const k of order.keys) {
      const x = a[k.index] ?? null;
      const y = b[k.index] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  });
  return sorted.map((r) => (r.length > order.width ? r.slice(0, order.width) : r));
}
