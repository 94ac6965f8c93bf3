// Each source's own record metadata rides along a joined record (ksqlDB lets `s.ROWTIME`,
// `s.ROWOFFSET`, `s.WINDOWSTART`… name it), so joins concatenate their inputs' metadata as they
// concatenate columns.

import { sourcesOf, type JoinNode } from '../../planner/plan.js';
import type { SourceMeta } from '../../planner/record.js';

/** What a join input carries: a record, a buffered record or a stored table row. */
export interface JoinInput {
  readonly ts: number;
  readonly partition?: number;
  readonly offset?: number;
  readonly window?: SourceMeta['window'];
  readonly sources?: readonly (SourceMeta | null)[] | undefined;
}

export type JoinSources = (left: JoinInput | undefined, right: JoinInput | undefined) => (SourceMeta | null)[];

function metaOf(t: JoinInput): SourceMeta {
  return { ts: t.ts, ...(t.partition !== undefined ? { partition: t.partition } : {}), ...(t.offset !== undefined ? { offset: t.offset } : {}), ...(t.window ? { window: t.window } : {}) };
}

export function joinSources(node: JoinNode): JoinSources {
  const leftCount = sourcesOf(node.left).length;
  const rightCount = sourcesOf(node.right).length;
  const side = (t: JoinInput | undefined, n: number): (SourceMeta | null)[] =>
    t ? (t.sources ? [...t.sources] : new Array<SourceMeta | null>(n).fill(metaOf(t))) : new Array<SourceMeta | null>(n).fill(null);
  return (left, right) => [...side(left, leftCount), ...side(right, rightCount)];
}
