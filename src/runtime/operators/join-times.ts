// Each source's own ROWTIME rides along a joined record (ksqlDB lets `s.ROWTIME` name it), so
// joins concatenate their inputs' source times as they concatenate columns.

import { sourcesOf, type JoinNode } from '../../planner/plan.js';

export interface Timed {
  readonly ts: number;
  readonly sourceTimes?: readonly (number | null)[] | undefined;
}

export type JoinTimes = (left: Timed | undefined, right: Timed | undefined) => (number | null)[];

export function joinTimes(node: JoinNode): JoinTimes {
  const leftCount = sourcesOf(node.left).length;
  const rightCount = sourcesOf(node.right).length;
  const side = (t: Timed | undefined, n: number) => (t ? (t.sourceTimes ? [...t.sourceTimes] : new Array<number | null>(n).fill(t.ts)) : new Array<number | null>(n).fill(null));
  return (left, right) => [...side(left, leftCount), ...side(right, rightCount)];
}
