// TERMINATE <query id> | ALL: the query named is one that runs (a materialiser is not a query).

import type { Terminate } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { StatementContext } from './statement-context.js';

export type TerminatePlan = { readonly kind: 'TerminateAll' } | { readonly kind: 'TerminatePush'; readonly id: string } | { readonly kind: 'TerminatePersistent'; readonly id: string };

export function planTerminate(stmt: Terminate, ctx: StatementContext): TerminatePlan {
  const want = stmt.queryId.toUpperCase();
  if (want === 'ALL') return { kind: 'TerminateAll' };
  const push = ctx.pushQueryIds().find((k) => k.toUpperCase() === want);
  if (push) return { kind: 'TerminatePush', id: push };
  const id = [...ctx.queries.keys()].find((k) => k.toUpperCase() === want);
  if (!id || ctx.queries.get(id)!.internal) throw new SqlError(`Unknown queryId: ${stmt.queryId}`, stmt);
  return { kind: 'TerminatePersistent', id };
}
