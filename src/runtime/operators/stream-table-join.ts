// Stream–table join: each stream record looks up the table's current row by the join key.
// Table changes only update the lookup state; they emit nothing (ksqlDB semantics).

import type { JoinNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { keyString } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';
import { joinSources } from './join-sources.js';
import { tableRowStore } from './table-view.js';

export function streamTableJoinOperator(node: JoinNode, env: OperatorEnv, out: Emit): { left: Emit; right: Emit } {
  const rows = tableRowStore(env, 'right');
  const rightWidth = node.right.schema.columns.length;
  const nulls: Value[] = new Array<Value>(rightWidth).fill(null);
  const outer = node.joinType === 'LEFT' || node.joinType === 'FULL';
  const times = joinSources(node);
  return {
    left: (r: Rec) => {
      const k = node.leftKey.eval(r);
      const match = k === null ? undefined : rows.get(keyString([k]));
      if (!match && !outer) return;
      const sources = times(r, match);
      out({ cols: [...r.cols, ...(match ? match.cols : nulls)], ts: r.ts, partition: r.partition, offset: r.offset, sources, ...(r.headers ? { headers: r.headers } : {}) });
    },
    right: (r: Rec) => {
      const k = node.rightKey.eval(r);
      if (k === null) return;
      if (r.tombstone) rows.delete(keyString([k]));
      else rows.put(keyString([k]), { cols: r.cols, ts: r.ts });
    },
  };
}
