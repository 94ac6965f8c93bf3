// Stream–static join: the stream side's records are held for the batch, then joined with the
// static table in SQLite in one statement over the registered batch table (see staticBatchJoin),
// and emitted in their input order. A static table is no changelog, so only the stream side
// drives output; a static row changed by UPDATE is seen from the next batch on.

import type { JoinNode, SourceNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { sourcesOf } from '../../planner/plan.js';
import { joinSources } from './join-sources.js';
import type { Emit, OperatorEnv } from './operator.js';

export function streamStaticJoinOperator(node: JoinNode & { right: SourceNode }, env: OperatorEnv, out: Emit): { left: Emit; endBatch: () => void } {
  const stream = sourcesOf(node.left)[0]?.source.name ?? 'stream';
  const join = env.staticJoin(node.right.source, stream);
  const nulls: Value[] = new Array<Value>(node.right.schema.columns.length).fill(null);
  const outer = node.joinType === 'LEFT' || node.joinType === 'FULL';
  // A static row has no ROWTIME, offset or partition of its own: its side's metadata is null.
  const times = joinSources(node);
  let held: Rec[] = [];
  return {
    left: (r) => {
      held.push(r);
    },
    endBatch: () => {
      if (!held.length) return;
      const batch = held;
      held = [];
      const matches = join(batch.map((r) => node.leftKey.eval(r)));
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        const match = matches[i];
        if (!match && !outer) continue;
        out({ cols: [...r.cols, ...(match ?? nulls)], ts: r.ts, partition: r.partition, offset: r.offset, sources: times(r, undefined), ...(r.headers ? { headers: r.headers } : {}) });
      }
    },
  };
}

export function isStaticJoin(node: JoinNode): node is JoinNode & { right: SourceNode } {
  return node.variant === 'StreamTable' && node.right.kind === 'Source' && !node.right.source.topic;
}
