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

/** Every operator's two counts, in EXPLAIN's pre-order: a mark to go back to (copyCounts). */
export function countsOf(tree: OperatorInfo, out: number[] = []): number[] {
  out.length = 0;
  const walk = (op: OperatorInfo): void => {
    out.push(op.counts.recordsIn, op.counts.recordsOut);
    for (const i of op.inputs) walk(i);
  };
  walk(tree);
  return out;
}

/**
 * Sets `tree`'s counts to `mark` (countsOf of a tree of the same plan: the same operators in the
 * same order). A rebuilt pipeline (a scale-out restore, a retry's fresh task) goes on from the
 * counts of the one it replaces, and a failed batch's records are taken back out, so the counts
 * cover the committed batches since the query started in this process, as the query's own
 * figures do (SHOW QUERIES EXTENDED's Records In).
 */
export function setCounts(tree: OperatorInfo, mark: readonly number[]): void {
  let i = 0;
  const walk = (op: OperatorInfo): void => {
    op.counts.recordsIn = mark[i++] ?? 0;
    op.counts.recordsOut = mark[i++] ?? 0;
    for (const x of op.inputs) walk(x);
  };
  walk(tree);
}
