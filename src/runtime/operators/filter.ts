// WHERE / HAVING. On a table, a row that fails the predicate becomes a delete of its key, as
// Kafka Streams' KTable filter forwards it; when the replaced row is known and failed too, the key
// was never visible downstream and nothing is forwarded (KTable filter with old values).

import type { FilterNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Emit } from './operator.js';

export function filterOperator(node: FilterNode, out: Emit): Emit {
  const pred = node.predicate.eval;
  if (!node.schema.isTable) {
    return (r) => {
      if (pred(r) === true) out(r);
    };
  }
  const isKey = node.schema.columns.map((c) => c.role === 'key');
  // A join's output has no key columns of its own: its key is read from the sources' columns,
  // so a delete must keep them.
  const keepCols = !isKey.includes(true);
  return (r: Rec) => {
    const prevPassed = r.prev ? pred({ ...r, cols: r.prev, tombstone: false, prev: undefined }) === true : false;
    const prev = r.prev === undefined ? undefined : prevPassed ? r.prev : null;
    if (!r.tombstone && pred(r) === true) {
      out({ ...r, ...(prev !== undefined ? { prev } : {}) });
      return;
    }
    if (prev === null) return;
    out({ ...r, cols: keepCols ? r.cols : r.cols.map((v, i) => (isKey[i] ? v : null)), tombstone: true, ...(prev !== undefined ? { prev } : {}) });
  };
}
