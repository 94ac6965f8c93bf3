// The planning door by statement kind: every statement whose meaning the planner checks goes
// through one of these, so its refusals come from planning and nothing has changed when they do.
// The runtime's handlers call the planner of their kind directly (they know it); this door is
// for whoever holds any statement — EXPLAIN-like tools, tests — and lists what is planned.

import type { Statement } from '../parser/ast.js';
import { planCreateSourceStatement, planCreateType, planDropSource, planDropType, type CreateSourcePlan, type CreateTypePlan, type DropSourcePlan, type DropTypePlan } from './plan-ddl-statements.js';
import { planDescribe, planPrint, type DescribePlan, type PrintPlan } from './plan-describe.js';
import { planCopyTarget, planDelete, planInsertValues, planUpdate, type DeletePlan, type InsertValuesPlan, type UpdatePlan } from './plan-dml.js';
import { planExplain, type ExplainPlan } from './plan-explain.js';
import { planCreateFunction, planDropFunction, type CreateFunctionPlan, type DropFunctionPlan } from './plan-function-statements.js';
import { planPersistentQuery, type PersistentQueryPlan, type SinkExists } from './plan-persistent.js';
import { planTerminate, type TerminatePlan } from './plan-terminate.js';
import type { SourceDef } from './catalog.js';
import type { NothingToDo, StatementContext } from './statement-context.js';

export type StatementPlan =
  | CreateSourcePlan
  | DropSourcePlan
  | CreateTypePlan
  | DropTypePlan
  | CreateFunctionPlan
  | DropFunctionPlan
  | PersistentQueryPlan
  | SinkExists
  | InsertValuesPlan
  | UpdatePlan
  | DeletePlan
  | { readonly kind: 'Copy'; readonly target: SourceDef }
  | DescribePlan
  | PrintPlan
  | ExplainPlan
  | TerminatePlan
  | NothingToDo
  /** A statement with no rule of meaning beyond its syntax (SHOW, SET, …), or one the runtime checks against the world (ASSERT, RUN SCRIPT). */
  | { readonly kind: 'Unplanned' };

export function planStatement(stmt: Statement, text: string, ctx: StatementContext): StatementPlan {
  switch (stmt.kind) {
    case 'CreateSource':
      return planCreateSourceStatement(stmt, text, ctx);
    case 'DropSource':
      return planDropSource(stmt, ctx);
    case 'CreateType':
      return planCreateType(stmt, ctx);
    case 'DropType':
      return planDropType(stmt, ctx);
    case 'CreateFunction':
      return planCreateFunction(stmt, ctx);
    case 'DropFunction':
      return planDropFunction(stmt, ctx);
    case 'CreateAsSelect':
    case 'InsertInto':
      return planPersistentQuery(stmt, text, ctx);
    case 'InsertValues':
      return planInsertValues(stmt, ctx.catalog);
    case 'Update':
      return planUpdate(stmt, ctx.catalog);
    case 'Delete':
      return planDelete(stmt, ctx.catalog);
    case 'Copy':
      return { kind: 'Copy', target: planCopyTarget(stmt, ctx.catalog) };
    case 'Describe':
      return planDescribe(stmt, ctx);
    case 'Print':
      return planPrint(stmt, ctx);
    case 'Explain':
      return planExplain(stmt, text, ctx);
    case 'Terminate':
      return planTerminate(stmt, ctx);
    default:
      return { kind: 'Unplanned' };
  }
}
