// CREATE [OR REPLACE] [AGGREGATE | STATE] FUNCTION and DROP FUNCTION: what a statement may not do — take a
// built-in's name or one in use, have a body that is not JavaScript, come from a network client
// the operator did not allow, drop a function a query calls — decided before any function table
// changes. The runtime (runtime/statements/functions.ts) compiles the body and registers it.

import { Parser } from 'acorn';
import type { CreateFunction, DropFunction, Loc } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import type { FunctionTable } from './functions/function-table.js';
import { resolveType } from './plan-ddl.js';
import { nothing, type NothingToDo, type StatementContext } from './statement-context.js';

export interface CreateFunctionPlan {
  readonly kind: 'CreateFunction';
  /** The statement: its kind, parameter names, body and NULL handling, for the runtime to compile the body by. */
  readonly statement: CreateFunction;
  /** Upper-cased, as the function table keys it. */
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly type: SqlType }[];
  readonly returns: SqlType;
  /** A state function's STATE type. */
  readonly state?: SqlType;
}

export interface DropFunctionPlan {
  readonly kind: 'DropFunction';
  readonly name: string;
}

/** A name a new user function of this table may take: not a built-in, and not taken unless replacing. */
export function claimName(functions: FunctionTable, name: string, replace: boolean, at?: { loc?: Loc }): void {
  const n = name.toUpperCase();
  if (functions.isBuiltIn(n)) throw new SqlError(`Cannot create function ${n}: a built-in function has that name`, at);
  if (functions.isUserFunction(n) && !replace) throw new SqlError(`Function ${n} already exists (use CREATE OR REPLACE FUNCTION to change it)`, at);
}

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

export function planCreateFunction(stmt: CreateFunction, ctx: StatementContext): CreateFunctionPlan {
  const name = stmt.name.toUpperCase();
  claimName(ctx.catalog.functions, name, stmt.orReplace, stmt);
  // Custom types (CREATE TYPE) resolve now; a name that is no type fails here, not per record.
  const params = stmt.params.map((p) => ({ name: p.name, type: resolveType(p.type, ctx.catalog, stmt.loc) }));
  const returns = resolveType(stmt.returns, ctx.catalog, stmt.loc);
  const state = stmt.state ? resolveType(stmt.state, ctx.catalog, stmt.loc) : undefined;
  checkSyntax(stmt);
  if (stmt.functionKind === 'STATE' && stmt.nullInput === 'returnNull') {
    throw new SqlError('RETURNS NULL ON NULL INPUT is for scalar and table functions: a state function sees every record of its key, and decides what a NULL means', stmt);
  }
  if (stmt.functionKind === 'AGGREGATE' && stmt.nullInput === 'returnNull') {
    throw new SqlError('RETURNS NULL ON NULL INPUT is for scalar and table functions: an aggregate sees every row and decides what a NULL means in aggregate()', stmt);
  }
  // A statement that ran before is replayed as it ran (sandboxed, if it was).
  if (ctx.confined && !ctx.functionsAllowed && !ctx.replaying) {
    throw new SqlError(
      `CREATE FUNCTION is refused over the network: the server was started without --allow-functions (function bodies from clients then run sandboxed with a time and memory limit).`,
      stmt,
    );
  }
  return { kind: 'CreateFunction', statement: stmt, name, params, returns, ...(state ? { state } : {}) };
}

/** Persistent queries whose SQL calls the function (a textual check of their statements). */
function queriesUsing(ctx: StatementContext, name: string): string[] {
  const call = new RegExp(`(^|[^A-Za-z0-9_@$])${name}\\s*\\(`, 'i');
  return [...ctx.queries.values()].filter((q) => !q.internal && call.test(q.sql)).map((q) => q.id);
}

export function planDropFunction(stmt: DropFunction, ctx: StatementContext): DropFunctionPlan | NothingToDo {
  const name = stmt.name.toUpperCase();
  const functions = ctx.catalog.functions;
  const entry = functions.userFunction(name);
  if (!entry || entry.origin === 'library') {
    if (functions.isBuiltIn(name)) throw new SqlError(`Cannot drop function ${name}: it is a built-in function`, stmt);
    if (entry)
      throw new SqlError(
        `Cannot drop function ${name}: it was registered from the library (registerFunction, registerAggregate, registerTableFunction or registerStateFunction), not by CREATE FUNCTION`,
        stmt,
      );
    if (stmt.ifExists) return nothing(`Function ${name} does not exist.`);
    throw new SqlError(`Function ${name} does not exist.`, stmt);
  }
  const users = ctx.replaying ? [] : queriesUsing(ctx, name);
  if (users.length)
    throw new SqlError(
      `Cannot drop function ${name}: the persistent quer${users.length === 1 ? 'y' : 'ies'} ${users.join(', ')} use${users.length === 1 ? 's' : ''} it. Terminate ${users.length === 1 ? 'it' : 'them'} first.`,
      stmt,
    );
  return { kind: 'DropFunction', name };
}
