// Live per-operator record counts: one increment per record per edge of the operator tree, kept
// by every built pipeline (persistent, push and pull queries alike) so /metrics and the console
// can show where records go while a query runs, not only under EXPLAIN ANALYZE. Time per operator
// is not kept live: it takes two clock reads per record per operator (EXPLAIN ANALYZE's probe),
// which costs far more than the records themselves on a filter or projection.

import type { Emit, OperatorCounts, OperatorInfo } from './operators/operator.js';

/** `fn`, counting each record it is given into `c.recordsOut` (the edge out of an operator). */
export function countingOut(c: OperatorCounts, fn: Emit): Emit {
  return (r) => {
    c.recordsOut++;
    fn(r);
  };
}

/** `fn`, counting each record it is given into `c.recordsIn` (a pipeline entry). */
export function countingIn(c: OperatorCounts, fn: Emit): Emit {
  return (r) => {
    c.recordsIn++;
    fn(r);
  };
}

/** Records into `op`: counted at an entry, else the sum of what its inputs emitted. */
export function recordsInOf(op: OperatorInfo): number {
  if (!op.inputs.length) return op.counts.recordsIn;
  let n = 0;
  for (const i of op.inputs) n += i.counts.recordsOut;
  return n;
}

/**
 * Records out of `op`. The root (the sink, or the caller's output) has no consumer edge: what it
 * is given is what it writes.
 */
export function recordsOutOf(op: OperatorInfo, isRoot: boolean): number {
  return isRoot ? recordsInOf(op) : op.counts.recordsOut;
}
