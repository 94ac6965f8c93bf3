// CREATE [OR REPLACE] [AGGREGATE] FUNCTION / DROP FUNCTION, for scalar, table and aggregate
// functions (function-bodies.ts turns a body into something callable). A SQL function is a
// catalog change: its statement goes to the command log, so a restart replays it. Where its body
// runs depends on who sent it: an unconfined engine (the library, the shell, `eddy -f`) trusts
// its own user and compiles the body in-process; an engine that serves network clients refuses
// it unless the operator allowed functions, and then runs it in the worker sandbox with the
// operator's time and memory limits. A function defined through the sandbox stays sandboxed
// after a restart (a settings row remembers it). Every function lives in its engine's function
// table (the catalog's): another engine in the process never sees it.

import { Parser } from 'acorn';
import type { CreateFunction, DropFunction, Loc } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import type { FunctionTable } from '../../planner/functions/function-table.js';
import { signatureOf, type UserAggregateDef, type UserScalarDef } from '../../planner/functions/user-functions.js';
import { stateSignatureOf, type UserStateDef } from '../../planner/functions/user-state-functions.js';
import { tableSignatureOf, type UserTableDef } from '../../planner/functions/user-table-functions.js';
import { resolveType } from '../../planner/plan-ddl.js';
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

/** A name a new user function of this table may take: not a built-in, and not taken unless replacing. */
export function claimName(functions: FunctionTable, name: string, replace: boolean, at?: { loc?: Loc }): void {
  const n = name.toUpperCase();
  if (functions.isBuiltIn(n)) throw new SqlError(`Cannot create function ${n}: a built-in function has that name`, at);
  if (functions.isUserFunction(n) && !replace) throw new SqlError(`Function ${n} already exists (use CREATE OR REPLACE FUNCTION to change it)`, at);
}

const SANDBOX_KEY = (name: string) => `function.sandboxed.${name}`;

/** Body text is parsed in this wrapper per kind (a table function's body is a generator's). */
const SYNTAX_PREFIX: Record<CreateFunction['functionKind'], string> = { SCALAR: '', AGGREGATE: '', TABLE: '(function* () {', STATE: '' };

/** A JavaScript syntax error in the body, at its line and column in the statement. */
function checkSyntax(stmt: CreateFunction): void {
  const prefix = SYNTAX_PREFIX[stmt.functionKind];
  try {
    Parser.parse(prefix ? `${prefix}${stmt.body}\n})` : stmt.body, { ecmaVersion: 'latest', allowReturnOutsideFunction: true, sourceType: 'script' });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = (e as Error).message.replace(/\s*\(\d+:\d+\)$/, '');
    if (!loc) throw new SqlError(`Syntax error in the body of ${stmt.name}: ${message}`, stmt);
    const at = stmt.bodyAt;
    const line = at.line + loc.line - 1;
    const column = loc.line === 1 ? at.column + loc.column - prefix.length : loc.column + 1;
    throw new SqlError(`Syntax error in the JavaScript body of ${stmt.name}: ${message}`, { line, column });
  }
}

const KIND_TEXT: Record<CreateFunction['functionKind'], string> = { SCALAR: 'function', TABLE: 'table function', AGGREGATE: 'aggregate', STATE: 'state function' };

export function createFunction(engine: Engine, stmt: CreateFunction, text: string): StatementResult {
  const { state } = engine;
  const functions = state.catalog.functions;
  const name = stmt.name.toUpperCase();
  claimName(functions, name, stmt.orReplace, stmt);
  // Custom types (CREATE TYPE) resolve now; a name that is no type fails here, not per record.
  const paramTypes = stmt.params.map((p) => ({ name: p.name, type: resolveType(p.type, state.catalog, stmt.loc) }));
  const returns = resolveType(stmt.returns, state.catalog, stmt.loc);
  checkSyntax(stmt);
  if (stmt.functionKind === 'STATE' && stmt.nullInput === 'returnNull') {
    throw new SqlError('RETURNS NULL ON NULL INPUT is for scalar and table functions: a state function sees every record of its key, and decides what a NULL means', stmt);
  }
  if (stmt.functionKind === 'AGGREGATE' && stmt.nullInput === 'returnNull') {
    throw new SqlError('RETURNS NULL ON NULL INPUT is for scalar and table functions: an aggregate sees every row and decides what a NULL means in aggregate()', stmt);
  }
  const confined = engine.access.confined;
  const wasSandboxed = state.replaying && state.db.prepare('SELECT value FROM settings WHERE name = ?').pluck().get(SANDBOX_KEY(name)) !== undefined;
  if (confined && !engine.access.functions && !state.replaying) {
    throw new SqlError(`CREATE FUNCTION is refused over the network: the server was started without --allow-functions (function bodies from clients then run sandboxed with a time and memory limit).`, stmt);
  }
  const sandboxed = confined || wasSandboxed;
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
        const def: UserTableDef = { name, params: paramTypes, returns, nullInput: stmt.nullInput, description: `user table function (${how})`, call: tableBody(name, params, stmt.body, sandbox), origin };
        functions.registerTable(def);
        signature = tableSignatureOf(def);
        break;
      }
      case 'STATE': {
        const stateType = resolveType(stmt.state!, state.catalog, stmt.loc);
        const def: UserStateDef = { name, params: paramTypes, returns, state: stateType, description: `user state function (${how})`, call: stateBody(name, stmt.body, sandbox), origin };
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

/** Persistent queries whose SQL calls the function (a textual check of their statements). */
function queriesUsing(engine: Engine, name: string): string[] {
  const call = new RegExp(`(^|[^A-Za-z0-9_@$])${name}\\s*\\(`, 'i');
  return [...engine.state.queries.values()].filter((q) => !q.internal && call.test(q.sql)).map((q) => q.id);
}

export function dropFunction(engine: Engine, stmt: DropFunction, text: string): StatementResult {
  const name = stmt.name.toUpperCase();
  const functions = engine.state.catalog.functions;
  const entry = functions.userFunction(name);
  if (!entry || entry.origin === 'library') {
    if (functions.isBuiltIn(name)) throw new SqlError(`Cannot drop function ${name}: it is a built-in function`, stmt);
    if (entry) throw new SqlError(`Cannot drop function ${name}: it was registered from the library (registerFunction, registerAggregate, registerTableFunction or registerStateFunction), not by CREATE FUNCTION`, stmt);
    if (stmt.ifExists) return { kind: 'message', statement: text, message: `Function ${name} does not exist.` };
    throw new SqlError(`Function ${name} does not exist.`, stmt);
  }
  const users = engine.state.replaying ? [] : queriesUsing(engine, name);
  if (users.length) throw new SqlError(`Cannot drop function ${name}: the persistent quer${users.length === 1 ? 'y' : 'ies'} ${users.join(', ')} use${users.length === 1 ? 's' : ''} it. Terminate ${users.length === 1 ? 'it' : 'them'} first.`, stmt);
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
