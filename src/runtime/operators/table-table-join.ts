// Table–table joins, by primary key or by foreign key (left row's expression → right's key).
// A change on either side re-evaluates the rows it touches and emits their new joined row, or a
// delete when the join no longer holds — Kafka Streams' KTable join semantics. Each change also
// carries the joined row it replaces (`prev`, null when there was none), as a table's changes
// do: an aggregation over the join must take the old row out before adding the new one (a
// right-side update of a LEFT join otherwise adds to a SUM twice).

import type { JoinNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { keyString } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';
import { joinSources } from './join-sources.js';
import { tableRowStore, type TableRow } from './table-view.js';

export function tableTableJoinOperator(node: JoinNode, env: OperatorEnv, out: Emit): { left: Emit; right: Emit } {
  const leftRows = tableRowStore(env, 'left');
  const rightRows = tableRowStore(env, 'right');
  const lw = node.left.schema.columns.length;
  const rw = node.right.schema.columns.length;
  const leftNulls: Value[] = new Array<Value>(lw).fill(null);
  const rightNulls: Value[] = new Array<Value>(rw).fill(null);
  const keepLeft = node.joinType === 'LEFT' || node.joinType === 'FULL';
  const keepRight = node.joinType === 'RIGHT' || node.joinType === 'FULL';
  const fk = node.variant === 'ForeignKey';
  const leftKeyCount = node.left.schema.columns.filter((c) => c.role === 'key').length;
  const times = joinSources(node);
  // Left rows are stored by their primary key: the join key itself for a primary-key join (also
  // when the left input is a join), the left table's key columns for a foreign-key join.
  const leftPk = (r: Rec) => (fk ? keyString(r.cols.slice(0, Math.max(leftKeyCount, 1))) : keyString([node.leftKey.eval(r)]));

  const isAlive = (l: TableRow | undefined, rgt: TableRow | undefined): boolean => !!((l && rgt) || (l && keepLeft) || (rgt && keepRight && !fk));
  /** The joined row the join holds for these sides, or null when the join has none. */
  const joinedRow = (l: TableRow | undefined, rgt: TableRow | undefined): Value[] | null => (isAlive(l, rgt) ? [...(l?.cols ?? leftNulls), ...(rgt?.cols ?? rightNulls)] : null);

  /** Emit the row for (l, rgt); `prev` is the joined row it replaces (from the sides before the change). */
  const emit = (l: TableRow | undefined, rgt: TableRow | undefined, base: Rec, prev: Value[] | null, lShape?: Value[], rShape?: Value[]) => {
    const alive = isAlive(l, rgt);
    // A delete keeps the gone rows' columns so its key can still be read; a live row shows NULLs.
    const cols = alive ? [...(l?.cols ?? leftNulls), ...(rgt?.cols ?? rightNulls)] : [...(l?.cols ?? lShape ?? leftNulls), ...(rgt?.cols ?? rShape ?? rightNulls)];
    const ts = Math.max(l?.ts ?? -Infinity, rgt?.ts ?? -Infinity, base.ts);
    if (alive) out({ cols, ts, partition: base.partition, offset: base.offset, prev, sources: times(l, rgt) });
    else out({ cols, ts, partition: base.partition, offset: base.offset, tombstone: true, prev });
  };
  const rightOf = (l: TableRow | undefined): TableRow | undefined => {
    if (!l) return undefined;
    const k = node.leftKey.eval({ cols: l.cols, ts: l.ts, partition: 0, offset: 0 });
    return k === null ? undefined : rightRows.get(keyString([k]));
  };

  return {
    left: (r: Rec) => {
      const pk = leftPk(r);
      const before = leftRows.get(pk);
      if (r.tombstone) leftRows.delete(pk);
      else leftRows.put(pk, { cols: r.cols, ts: r.ts });
      const row = r.tombstone ? undefined : { cols: r.cols, ts: r.ts };
      const k = node.leftKey.eval(r.tombstone && before ? { ...r, cols: before.cols } : r);
      const match = k === null ? undefined : rightRows.get(keyString([k]));
      // Without a partner, only a LEFT/FULL join has a row for this key; inner and RIGHT joins
      // had nothing to retract either.
      if (!fk && !match && !keepLeft) return;
      // A foreign-key join forwards every delete of a left row it has seen (Kafka Streams does).
      if (fk && !match && !keepLeft && !(r.tombstone && before)) {
        if (!before) return;
        const bk = node.leftKey.eval({ ...r, cols: before.cols });
        if (bk === null || !rightRows.get(keyString([bk]))) return;
      }
      // The left row before this change met the right row of its own key (which this change
      // did not touch): for a foreign key, the one its old key named.
      emit(row, match, r, joinedRow(before, fk ? rightOf(before) : match), r.tombstone ? (before?.cols ?? r.cols) : undefined);
    },
    right: (r: Rec) => {
      const k = node.rightKey.eval(r);
      if (k === null) return;
      const ks = keyString([k]);
      const beforeRight = rightRows.get(ks);
      if (r.tombstone) rightRows.delete(ks);
      else rightRows.put(ks, { cols: r.cols, ts: r.ts });
      const row = r.tombstone ? undefined : { cols: r.cols, ts: r.ts };
      if (fk) {
        for (const [, l] of leftRows.entries()) {
          const lk = node.leftKey.eval({ cols: l.cols, ts: l.ts, partition: 0, offset: 0 });
          if (lk === null || keyString([lk]) !== ks) continue;
          emit(l, row, r, joinedRow(l, beforeRight));
        }
        return;
      }
      const l = leftRows.get(ks);
      if (!l && !keepRight) return;
      emit(l, row, r, joinedRow(l, beforeRight), l ? undefined : leftShapeWithKey(lw, k), r.cols);
    },
  };
}

/** A left-side row of NULLs except its key, so a delete still carries the join key. */
function leftShapeWithKey(width: number, key: Value): Value[] {
  const cols = new Array<Value>(width).fill(null);
  cols[0] = key;
  return cols;
}
