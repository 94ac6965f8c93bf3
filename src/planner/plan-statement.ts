// The planning door: every statement is planned here, by its kind, with every rule of meaning
// checked, and the engine executes what this returns (runtime/engine.ts executePlan: one
// executor per plan kind, none of which decides what a statement means). Refusals therefore
// come from planning, before anything has changed; EXPLAIN plans its statement through the same
// planners (plan-explain.ts), so it shows what would run and refuses what would not.

import type { AssertSchema, AssertTopic, Statement } from '../parser/ast.js';
import { planCreateSourceStatement, planCreateType, planDropSource, planDropType, type CreateSourcePlan, type CreateTypePlan, type DropSourcePlan, type DropTypePlan } from './plan-ddl-statements.js';
import { planDescribe, planPrint, type DescribePlan, type PrintPlan } from './plan-describe.js';
import { planCopy, planDelete, planInsertValues, planUpdate, type CopyPlan, type DeletePlan, type InsertValuesPlan, type UpdatePlan } from './plan-dml.js';
import { planExplain, type ExplainPlan } from './plan-explain.js';
import { planCreateFunction, planDropFunction, type CreateFunctionPlan, type DropFunctionPlan } from './plan-function-statements.js';
import { planPersistentQuery, type PersistentQueryPlan, type SinkExists } from './plan-persistent.js';
import { planPullQuery, planPushQuery, type PullQueryPlan, type PushQueryPlan } from './plan-select.js';
import { planTerminate, type TerminatePlan } from './plan-terminate.js';
import type { NothingToDo, StatementContext } from './statement-context.js';

/** SHOW: what to list (its rows are read when it runs). */
export interface ShowPlan {
  readonly kind: 'Show';
  readonly what: ShowWhat;
  readonly extended: boolean;
}
type ShowWhat = Extract<Statement, { kind: 'Show' }>['what'];

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
  | CopyPlan
  | PushQueryPlan
  | PullQueryPlan
  | ShowPlan
  | DescribePlan
  | PrintPlan
  | ExplainPlan
  | TerminatePlan
  | NothingToDo
  | { readonly kind: 'Set'; readonly name: string; readonly value: string }
  | { readonly kind: 'Unset'; readonly name: string }
  /** The script's statements are planned one by one as it runs (each may depend on the one before). */
  | { readonly kind: 'RunScript'; readonly statement: Extract<Statement, { kind: 'RunScript' }> }
  /** An assertion about the world (a topic, a registry schema): checked when it runs, against what is there then. */
  | { readonly kind: 'AssertTopic'; readonly statement: AssertTopic }
  | { readonly kind: 'AssertSchema'; readonly statement: AssertSchema };

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
      return planCopy(stmt, ctx.catalog);
    case 'Query':
      return stmt.emit ? planPushQuery(stmt, text, ctx) : planPullQuery(stmt, text, ctx);
    case 'Show':
      return { kind: 'Show', what: stmt.what, extended: stmt.extended };
    case 'Describe':
      return planDescribe(stmt, ctx);
    case 'Print':
      return planPrint(stmt, ctx);
    case 'Explain':
      return planExplain(stmt, text, ctx);
    case 'Terminate':
      return planTerminate(stmt, ctx);
    case 'Set':
      return { kind: 'Set', name: stmt.name, value: stmt.value };
    case 'Unset':
      return { kind: 'Unset', name: stmt.name };
    case 'RunScript':
      return { kind: 'RunScript', statement: stmt };
    case 'AssertTopic':
      return { kind: 'AssertTopic', statement: stmt };
    case 'AssertSchema':
      return { kind: 'AssertSchema', statement: stmt };
  }
}
