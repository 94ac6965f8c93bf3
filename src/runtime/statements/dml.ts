// Running data statements the planner has checked (planner/plan-dml.ts): INSERT … VALUES appends
// its row to the target's topic or upserts it into the static table; UPDATE and DELETE rewrite a
// static table's rows (COPY is in copy.ts). No rule of meaning lives here.

import type { SourceDef } from '../../planner/catalog.js';
import type { DeletePlan, InsertValuesPlan, UpdatePlan } from '../../planner/plan-dml.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import type { Engine } from '../engine-context.js';
import { recordCodec } from '../record-codec.js';
import type { StatementResult } from '../results.js';
import { deleteStaticRows, readStaticRows, upsertStaticRows } from '../static-table.js';

export function insertValues(engine: Engine, plan: InsertValuesPlan, text: string): StatementResult {
  const def = plan.target;
  const cols = [...plan.cols];
  if (!def.topic) upsertStaticRows(engine.state.db, def, [cols]);
  else appendRows(engine, def, [{ cols, ts: plan.rowtime ?? Date.now() }]);
  return { kind: 'message', statement: text, message: 'Inserted 1 row.' };
}

export function appendRows(engine: Engine, def: SourceDef, rows: readonly { cols: Value[]; ts: number }[]): void {
  const codec = recordCodec(def, engine.state.registry);
  const records = rows.map((r) => codec.encode({ cols: r.cols, ts: r.ts, partition: 0, offset: 0 }));
  engine.state.db.transaction(() => engine.state.log.append(def.topic!, records))();
  engine.wake();
}

export function update(engine: Engine, plan: UpdatePlan, text: string): StatementResult {
  const { target: def, where, sets } = plan;
  const changed: Value[][] = [];
  for (const cols of readStaticRows(engine.state.db, def)) {
    const rec: Rec = { cols, ts: 0, partition: 0, offset: 0 };
    if (where && where.eval(rec) !== true) continue;
    const next = [...cols];
    for (const s of sets) next[s.index] = s.value.eval(rec);
    changed.push(next);
  }
  upsertStaticRows(engine.state.db, def, changed);
  return { kind: 'message', statement: text, message: `Updated ${changed.length} row${changed.length === 1 ? '' : 's'}.` };
}

export function deleteRows(engine: Engine, plan: DeletePlan, text: string): StatementResult {
  const { target: def, where, keyIndexes } = plan;
  const keys: Value[][] = [];
  for (const cols of readStaticRows(engine.state.db, def)) {
    if (where && where.eval({ cols, ts: 0, partition: 0, offset: 0 }) !== true) continue;
    keys.push(keyIndexes.map((i) => cols[i]!));
  }
  deleteStaticRows(engine.state.db, def, keys);
  return { kind: 'message', statement: text, message: `Deleted ${keys.length} row${keys.length === 1 ? '' : 's'}.` };
}
