// CREATE [OR REPLACE] [AGGREGATE] FUNCTION / DROP FUNCTION, for scalar, table and aggregate
// functions (function-bodies.ts turns a body into something callable). A SQL function is a
// catalog change: its statement goes to the command log, so a restart replays it. Where its body
// runs depends on who sent it: an unconfined engine (the library, the shell, `eddy -f`) trusts
// its own user and compiles the body in-process; an engine that serves network clients refuses
// it unless the operator allowed functions, and then runs it in the worker sandbox with the
// operator's time and memory limits. A function defined through the sandbox stays sandboxed
// after a restart (a settings row remembers it). Every function lives in its engine's function
// table (the catalog's): another engine in the process never sees it.

import type { CreateFunction } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import type { FunctionTable } from '../../planner/functions/function-table.js';
import { signatureOf, type UserAggregateDef, type UserScalarDef } from '../../planner/functions/user-functions.js';
import { stateSignatureOf, type UserStateDef } from '../../planner/functions/user-state-functions.js';
import { tableSignatureOf, type UserTableDef } from '../../planner/functions/user-table-functions.js';
import type { CreateFunctionPlan, DropFunctionPlan } from '../../planner/plan-function-statements.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { FunctionSandbox } from '../sandbox/function-sandbox.js';
import { aggregateBody, BodyError, scalarBody, stateBody, tableBody } from './function-bodies.js';

/** Per engine: the worker sandbox its sandboxed functions run in, started by the first one. */
const sandboxes = new WeakMap<object, FunctionSandbox>();

function sandboxOf(engine: Engine): FunctionSandbox {
  let s = sandboxes.get(engine);
  if (!s) sandboxes.set(engine, (s = new FunctionSandbox(engine.access.functions ?? undefined)));
  return s;
}

/** Engine.close(): its user functions leave its table, its sandbox stops. */
export function closeEngineFunctions(engine: object, functions: FunctionTable): void {
  functions.clear();
  sandboxes.get(engine)?.close();
  sandboxes.delete(engine);
}

const SANDBOX_KEY = (name: string) => `function.sandboxed.${name}`;

const KIND_TEXT: Record<CreateFunction['functionKind'], string> = { SCALAR: 'function', TABLE: 'table function', AGGREGATE: 'aggregate', STATE: 'state function' };

export function createFunction(engine: Engine, plan: CreateFunctionPlan, text: string): StatementResult {
  const { state } = engine;
  const functions = state.catalog.functions;
  const { statement: stmt, name, params: paramTypes, returns, state: stateType } = plan;
  const wasSandboxed = state.replaying && state.db.prepare('SELECT value FROM settings WHERE name = ?').pluck().get(SANDBOX_KEY(name)) !== undefined;
  const sandboxed = engine.access.confined || wasSandboxed;
  const sandbox = sandboxed ? sandboxOf(engine) : undefined;
  const params = stmt.params.map((p) => p.name);
  const origin = { sql: text, language: 'JAVASCRIPT' as const, body: stmt.body, sandboxed };
  const how = `SQL, JAVASCRIPT${sandboxed ? ', sandboxed' : ''}`;
  let signature = '';
  try {
    switch (stmt.functionKind) {
      case 'SCALAR': {
        const def: UserScalarDef = { name, params: paramTypes, returns, nullInput: stmt.nullInput, description: `user function (${how})`, call: scalarBody(name, params, stmt.body, sandbox), origin };
        functions.registerScalar(def);
        signature = signatureOf(def);
        break;
      }
      case 'TABLE': {
        const def: UserTableDef = {
          name,
          params: paramTypes,
          returns,
          nullInput: stmt.nullInput,
          description: `user table function (${how})`,
          call: tableBody(name, params, stmt.body, sandbox),
          origin,
        };
        functions.registerTable(def);
        signature = tableSignatureOf(def);
        break;
      }
      case 'STATE': {
        const def: UserStateDef = { name, params: paramTypes, returns, state: stateType!, description: `user state function (${how})`, call: stateBody(name, stmt.body, sandbox), origin };
        functions.registerState(def);
        signature = stateSignatureOf(def);
        break;
      }
      case 'AGGREGATE': {
        const def: UserAggregateDef = { name, params: paramTypes, returns, description: `user aggregate (${how})`, ...aggregateBody(name, stmt.body, sandbox), origin };
        functions.registerAggregate(def);
        signature = signatureOf(def);
        break;
      }
    }
  } catch (e) {
    if (e instanceof BodyError) throw new SqlError(e.message, stmt);
    throw e;
  }
  if (sandboxed && !state.replaying) state.db.prepare('INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(SANDBOX_KEY(name), '1');
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Created ${KIND_TEXT[stmt.functionKind]} ${signature}` };
}

export function dropFunction(engine: Engine, plan: DropFunctionPlan, text: string): StatementResult {
  const { name } = plan;
  const functions = engine.state.catalog.functions;
  functions.unregister(name);
  sandboxes.get(engine)?.forget(name);
  if (!engine.state.replaying) engine.state.db.prepare('DELETE FROM settings WHERE name = ?').run(SANDBOX_KEY(name));
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Dropped function ${name}` };
}

/** DESCRIBE FUNCTION's extra lines for a SQL-defined function: its language and body. */
export function describeUserFunction(functions: FunctionTable, name: string): { signature: string; body?: string } | undefined {
  const entry = functions.userFunction(name);
  if (!entry) return undefined;
  return { signature: entry.signature, ...(entry.origin !== 'library' ? { body: entry.origin.body } : {}) };
}
