// Table functions (EXPLODE…): one input row becomes as many rows as the longest function
// result; shorter results are padded with NULL, as ksqlDB does.

import type { FlatMapNode } from '../../planner/plan.js';
import type { Value } from '../../planner/values.js';
import type { Emit } from './operator.js';

export function flatMapOperator(node: FlatMapNode, out: Emit): Emit {
  const parts = node.exprs;
  return (r) => {
    const scalars: Value[] = [];
    const lists: (Value[] | undefined)[] = [];
    let n = 0;
    for (const p of parts) {
      if ('tableFunction' in p) {
        const args = p.args.map((a) => a.eval(r));
        const rows = p.tableFunction.fn(args);
        lists.push(rows);
        scalars.push(null);
        if (rows.length > n) n = rows.length;
      } else {
        lists.push(undefined);
        scalars.push(p.eval(r));
      }
    }
    for (let i = 0; i < n; i++) {
      const cols = scalars.map((v, j) => (lists[j] ? (lists[j]![i] ?? null) : v));
      out({ cols, ts: r.ts, partition: r.partition, offset: r.offset });
    }
  };
}
