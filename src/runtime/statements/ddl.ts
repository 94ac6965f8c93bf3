// CREATE STREAM/TABLE, DROP, CREATE/DROP TYPE: what the plan (planner/plan-ddl-statements.ts)
// says, done — topics, static tables, connectors, materialisers, the catalog, the command log.

import type { CreateSourcePlan, CreateTypePlan, DropSourcePlan, DropTypePlan } from '../../planner/plan-ddl-statements.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { createStaticTable, dropStaticTable } from '../static-table.js';
import { registerOrFail } from './persistent.js';

export function createSource(engine: Engine, plan: CreateSourcePlan, text: string): StatementResult {
  const { state } = engine;
  const { def, replaces: existing } = plan;
  if (!state.replaying) registerOrFail(state.registry, def, false, text);
  if (def.topic) state.ensureTopic(def);
  else createStaticTable(state.db, def);
  // Before the catalog changes: a connector that refuses its settings leaves the old state.
  if (def.connector?.SOURCE) engine.startConnector(def);
  if (existing) engine.stopMaterializer(existing.name);
  state.catalog.put(def);
  if (def.kind === 'TABLE' && def.topic) engine.startMaterializer(def);
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `${def.kind === 'STREAM' ? 'Stream' : 'Table'} created` };
}

export function dropSource(engine: Engine, plan: DropSourcePlan, text: string): StatementResult {
  const { state } = engine;
  const { def } = plan;
  for (const q of state.writersOf(def.name)) engine.terminate(q.id);
  engine.stopMaterializer(def.name);
  engine.stopConnector(def.name);
  state.catalog.remove(def.name);
  // On replay the storage already went (and a later CREATE of the same name may own it now).
  if (!state.replaying) {
    state.db.prepare('DELETE FROM materialized WHERE source = ?').run(def.name);
    if (!def.topic) dropStaticTable(state.db, def);
    if (plan.deleteTopic && def.topic) {
      const topic = def.topic;
      // A Kafka topic does not come back if the DROP rolls back or the process dies before it
      // commits: it goes once the DROP committed. A crash in between leaves an orphan topic, which a
      // later CREATE of that topic reuses. (The embedded log's topics go in the DROP's transaction.)
      if (state.log.topicsOutsideDb) engine.afterCommit(() => state.log.deleteTopic(topic));
      else state.log.deleteTopic(topic);
    }
  }
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Source \`${def.name}\` (topic: ${def.topic ?? '-'}) was dropped.` };
}

export function createType(engine: Engine, plan: CreateTypePlan, text: string): StatementResult {
  engine.state.catalog.types.set(plan.name, plan.type);
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Registered custom type with name '${plan.name}'` };
}

export function dropType(engine: Engine, plan: DropTypePlan, text: string): StatementResult {
  engine.state.catalog.types.delete(plan.name);
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Dropped type '${plan.name}'` };
}
