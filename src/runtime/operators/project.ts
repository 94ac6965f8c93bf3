// SELECT list: computes the output columns (keys first, as the plan ordered them).

import type { CompiledExpr, ProjectNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import type { Emit } from './operator.js';

export function projectRow(exprs: readonly CompiledExpr[], r: Rec): Value[] {
  const out = new Array<Value>(exprs.length);
  for (let i = 0; i < exprs.length; i++) out[i] = exprs[i]!.eval(r);
  return out;
}

export function projectOperator(node: ProjectNode, out: Emit, needPrev = true): Emit {
  const exprs = node.exprs;
  const keyIdx = node.schema.columns.map((c, i) => (c.role === 'key' ? i : -1)).filter((i) => i >= 0);
  const keysOnly = (r: Rec): Value[] => {
    const cols = new Array<Value>(exprs.length).fill(null);
    for (const i of keyIdx) cols[i] = exprs[i]!.eval(r);
    return cols;
  };
  if (!node.schema.isTable) {
    // The hottest operator: build the record directly (object spreads cost more than the projection).
    const passThrough = node.keyPassThrough === true;
    return (r) => {
      const keyAbsent = passThrough && r.keyAbsent === true;
      if (r.tombstone) return out({ cols: keysOnly(r), ts: r.ts, partition: r.partition, offset: r.offset, tombstone: true, ...(r.window ? { window: r.window } : {}), ...(keyAbsent ? { keyAbsent } : {}) });
      const rec: Rec = { cols: projectRow(exprs, r), ts: r.ts, partition: r.partition, offset: r.offset };
      if (r.window) rec.window = r.window;
      if (r.headers) rec.headers = r.headers;
      if (keyAbsent) rec.keyAbsent = true;
      out(rec);
    };
  }
  return (r) => {
    const cols = r.tombstone ? keysOnly(r) : projectRow(exprs, r);
    const prev = !needPrev ? undefined : r.prev ? projectRow(exprs, { ...r, cols: r.prev, tombstone: false }) : r.prev;
    out({ cols, ts: r.ts, partition: r.partition, offset: r.offset, ...(r.window ? { window: r.window } : {}), ...(r.tombstone ? { tombstone: true } : {}), ...(prev !== undefined ? { prev } : {}) });
  };
}
