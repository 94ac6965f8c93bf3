// Persistent queries: CREATE STREAM|TABLE … AS SELECT, INSERT INTO … SELECT, TERMINATE. The
// planner's door (planner/plan-persistent.ts) decides what runs; this file names it and runs it.

import { SqlError } from '../../parser/errors.js';
import { namedQueryPlan, type PersistentQueryKind, type PersistentQueryPlan } from '../../planner/plan-persistent.js';
import type { TerminatePlan } from '../../planner/plan-terminate.js';
import type { SourceDef } from '../../planner/catalog.js';
import type { QueryPlan } from '../../planner/plan.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { registerSourceSchemas } from '../registry/source-schemas.js';
import type { SchemaRegistry } from '../registry/schema-registry.js';

/** Register a source's schemas; the registry's refusal is the statement's error. */
export function registerOrFail(registry: SchemaRegistry, def: SourceDef, always: boolean, at: string): void {
  try {
    registerSourceSchemas(registry, def, always);
  } catch (e) {
    throw new SqlError(`${(e as Error).message}\nStatement: ${at.trim()}`);
  }
}

export { newErrorRoute } from '../../planner/compile.js';

function queryIdFor(engine: Engine, kind: PersistentQueryKind, name: string): string {
  return engine.state.nextQueryId((n) => (kind === 'INSERTQUERY' ? `INSERTQUERY_${n}` : `${kind}_${name}_${n}`));
}

/** The table whose pull store a persistent query keeps (a CTAS's own), if any. */
export function materializedTable(plan: QueryPlan): SourceDef | undefined {
  return plan.sink.kind === 'Source' && plan.sink.target.kind === 'TABLE' ? plan.sink.target : undefined;
}

/** CREATE STREAM|TABLE … AS SELECT and INSERT INTO … SELECT, planned: name it, register its sink, run it. */
export function persistentQuery(engine: Engine, p: PersistentQueryPlan): StatementResult {
  const { state } = engine;
  const id = p.replaces ?? queryIdFor(engine, p.queryKind, p.target.name);
  // CREATE OR REPLACE upgrades in place: same id, so the new plan resumes from the old one's state and offsets.
  if (p.replaces) engine.stopQuery(p.replaces);
  const plan = namedQueryPlan(p, id);
  const def = plan.sink.kind === 'Source' ? plan.sink.target : p.target;
  if (p.createsTarget) {
    // As ksqlDB: the sink's key and value schemas are registered before the query starts, so an incompatible one fails the statement.
    if (!state.replaying) registerOrFail(state.registry, def, true, p.sql);
    state.ensureTopic(def);
    state.catalog.put(def);
  }
  engine.startPersistent(plan, p.errors, materializedTable(plan));
  engine.recordCommand(p.sql, id);
  return { kind: 'message', statement: p.sql, message: `Created query with ID ${id}`, queryId: id };
}

export function terminate(engine: Engine, plan: TerminatePlan, text: string): StatementResult {
  const { state } = engine;
  switch (plan.kind) {
    case 'TerminateAll':
      for (const q of [...state.queries.values()]) if (!q.internal) engine.terminate(q.id);
      for (const p of [...state.pushQueries.values()]) p.query.close();
      engine.recordCommand(text);
      return { kind: 'message', statement: text, message: 'All queries terminated.' };
    case 'TerminatePush':
      state.pushQueries.get(plan.id)!.query.close();
      return { kind: 'message', statement: text, message: `Query ${plan.id} terminated.` };
    case 'TerminatePersistent':
      engine.terminate(plan.id);
      engine.recordCommand(text);
      return { kind: 'message', statement: text, message: `Query ${plan.id} terminated.` };
  }
}
