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

/** Widest SELECT list given its own unrolled function; wider ones use the loop above. */
const UNROLL_MAX = 64;

/**
 * The SELECT list as one function with a call site per column (`[e0(r), e1(r), …]`) instead of a
 * loop whose single call site sees every column's evaluator: each site stays monomorphic and V8
 * inlines it, as code generation does for Flink's projections. Only the evaluators are passed in;
 * the generated text holds nothing but their parameter names.
 */
export function projector(exprs: readonly CompiledExpr[]): (r: Rec) => Value[] {
  if (exprs.length === 0 || exprs.length > UNROLL_MAX) return (r) => projectRow(exprs, r);
  const names = exprs.map((_, i) => `e${i}`);
  const make = new Function(...names, `return (r) => [${names.map((n) => `${n}(r)`).join(', ')}];`) as (...evals: CompiledExpr['eval'][]) => (r: Rec) => Value[];
  return make(...exprs.map((e) => e.eval));
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
    const project = projector(exprs);
    return (r) => {
      const keyAbsent = passThrough && r.keyAbsent === true;
      if (r.tombstone)
        return out({
          cols: keysOnly(r),
          ts: r.ts,
          partition: r.partition,
          offset: r.offset,
          tombstone: true,
          ...(r.window ? { window: r.window } : {}),
          ...(r.headers ? { headers: r.headers } : {}),
          ...(keyAbsent ? { keyAbsent } : {}),
        });
      const rec: Rec = { cols: project(r), ts: r.ts, partition: r.partition, offset: r.offset };
      if (r.window) rec.window = r.window;
      if (r.headers) rec.headers = r.headers;
      if (keyAbsent) rec.keyAbsent = true;
      out(rec);
    };
  }
  const project = projector(exprs);
  return (r) => {
    const cols = r.tombstone ? keysOnly(r) : project(r);
    const prev = !needPrev ? undefined : r.prev ? project({ ...r, cols: r.prev, tombstone: false }) : r.prev;
    out({
      cols,
      ts: r.ts,
      partition: r.partition,
      offset: r.offset,
      ...(r.window ? { window: r.window } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.tombstone ? { tombstone: true } : {}),
      ...(prev !== undefined ? { prev } : {}),
    });
  };
}
