// CREATE [OR REPLACE] FUNCTION / DROP FUNCTION, and the library's registerFunction /
// registerAggregate. A SQL function is a catalog change: its statement goes to the command log,
// so a restart replays it. Where its body runs depends on who sent it: an unconfined engine (the
// library, the shell, `eddy -f`) trusts its own user and compiles the body in-process; an engine
// that serves network clients refuses it unless the operator allowed functions, and then runs it
// in the worker sandbox with the operator's time and memory limits. A function defined through
// the sandbox stays sandboxed after a restart (a settings row remembers it). Every function lives in
// its engine's function table (the catalog's): another engine in the process never sees it.

import { Parser } from 'acorn';
import type { CreateFunction, DropFunction, Loc } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { formatType } from '../../parser/sql-type.js';
import type { FunctionTable } from '../../planner/functions/function-table.js';
import { signatureOf, type UserScalarDef } from '../../planner/functions/user-functions.js';
import { resolveType } from '../../planner/plan-ddl.js';
import { Decimal, type Value } from '../../planner/values.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { FunctionSandbox } from '../sandbox/function-sandbox.js';

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

/** A JavaScript syntax error in the body, at its line and column in the statement. */
function checkSyntax(stmt: CreateFunction): void {
  try {
    Parser.parse(stmt.body, { ecmaVersion: 'latest', allowReturnOutsideFunction: true, sourceType: 'script' });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = (e as Error).message.replace(/\s*\(\d+:\d+\)$/, '');
    if (!loc) throw new SqlError(`Syntax error in the body of ${stmt.name}: ${message}`, stmt);
    const at = stmt.bodyAt;
    const line = at.line + loc.line - 1;
    const column = loc.line === 1 ? at.column + loc.column : loc.column + 1;
    throw new SqlError(`Syntax error in the JavaScript body of ${stmt.name}: ${message}`, { line, column });
  }
}

/** The JSON-friendly form a sandboxed body receives (DECIMAL as a number, BIGINT as a number). */
function toSandbox(v: Value): unknown {
  return v instanceof Decimal ? v.toNumber() : v;
}

export function createFunction(engine: Engine, stmt: CreateFunction, text: string): StatementResult {
  const { state } = engine;
  const functions = state.catalog.functions;
  const name = stmt.name.toUpperCase();
  claimName(functions, name, stmt.orReplace, stmt);
  // Custom types (CREATE TYPE) resolve now; a name that is no type fails here, not per record.
  const paramTypes = stmt.params.map((p) => ({ name: p.name, type: resolveType(p.type, state.catalog, stmt.loc) }));
  const returns = resolveType(stmt.returns, state.catalog, stmt.loc);
  checkSyntax(stmt);
  const confined = engine.access.confined;
  const wasSandboxed = state.replaying && state.db.prepare('SELECT value FROM settings WHERE name = ?').pluck().get(SANDBOX_KEY(name)) !== undefined;
  if (confined && !engine.access.functions && !state.replaying) {
    throw new SqlError(`CREATE FUNCTION is refused over the network: the server was started without --allow-functions (function bodies from clients then run sandboxed with a time and memory limit).`, stmt);
  }
  const sandboxed = confined || wasSandboxed;
  const params = stmt.params.map((p) => p.name);
  let call: (args: readonly Value[]) => unknown;
  if (sandboxed) {
    const sandbox = sandboxOf(engine);
    try {
      sandbox.define(name, params, stmt.body);
    } catch (e) {
      throw new SqlError(`The body of ${name} does not compile: ${(e as Error).message}`, stmt);
    }
    call = (args) => sandbox.call(name, args.map(toSandbox));
  } else {
    let f: (...a: unknown[]) => unknown;
    try {
      // Trusted: the engine's own user wrote it (library, shell, script file), as they could any JS.
      f = new Function(...params, stmt.body) as (...a: unknown[]) => unknown;
    } catch (e) {
      throw new SqlError(`The body of ${name} does not compile: ${(e as Error).message}`, stmt);
    }
    call = params.length === 1 ? (a) => f(a[0]) : params.length === 2 ? (a) => f(a[0], a[1]) : (a) => f(...a);
  }
  const def: UserScalarDef = {
    name,
    params: paramTypes,
    returns,
    nullInput: stmt.nullInput,
    description: `user function (SQL, JAVASCRIPT${sandboxed ? ', sandboxed' : ''})`,
    call,
    origin: { sql: text, language: 'JAVASCRIPT', body: stmt.body, sandboxed },
  };
  functions.registerScalar(def);
  if (sandboxed && !state.replaying) state.db.prepare('INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(SANDBOX_KEY(name), '1');
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Created function ${signatureOf(def)}` };
}

/** Persistent queries whose SQL calls the function (a textual check of their statements). */
function queriesUsing(engine: Engine, name: string): string[] {
  const call = new RegExp(`(^|[^A-Za-z0-9_@$])${name}\\s*\\(`, 'i');
  return [...engine.state.queries.values()].filter((q) => !q.internal && call.test(q.sql)).map((q) => q.id);
}

export function dropFunction(engine: Engine, stmt: DropFunction, text: string): StatementResult {
  const name = stmt.name.toUpperCase();
  const functions = engine.state.catalog.functions;
  const def = functions.userScalarDef(name);
  if (!def || def.origin === 'library') {
    if (functions.isBuiltIn(name)) throw new SqlError(`Cannot drop function ${name}: it is a built-in function`, stmt);
    if (functions.isUserFunction(name)) throw new SqlError(`Cannot drop function ${name}: it was registered from the library (registerFunction), not by CREATE FUNCTION`, stmt);
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
export function describeUserFunction(functions: FunctionTable, name: string): { signature: string; body?: string; returns: string } | undefined {
  const def = functions.userScalarDef(name);
  if (!def) return undefined;
  return { signature: signatureOf(def), returns: formatType(def.returns), ...(def.origin !== 'library' ? { body: def.origin.body } : {}) };
}
