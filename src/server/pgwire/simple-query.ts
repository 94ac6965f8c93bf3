// The simple Query message: one string, maybe several statements, each answered in turn
// (RowDescription, DataRows, CommandComplete — or a NOTICE and CommandComplete), stopping at the
// first error; then ReadyForQuery with the transaction status. A push query streams until its
// LIMIT, or until a CancelRequest stops it, before the next statement runs.
//
// `COPY t FROM STDIN` reads the client's CopyData into t (copy-in.ts).
// `COPY (<query>) TO STDOUT` sends the query's rows as COPY data, which psql prints as each
// arrives — the way to watch a push query live (a plain SELECT's rows psql prints at its end).
// BEGIN/COMMIT/ROLLBACK and DECLARE/FETCH/MOVE/CLOSE (transaction-statements.ts) are PostgreSQL's,
// not Eddy's: a string holding one is cut at its semicolons and each piece run on its own.

import { catalogAnswer, type SessionInfo } from './catalog.js';
import { copyOutResponse, emptyQueryResponse, errorResponse, readyForQuery, type NoticeFields } from './codec.js';
import { CopyError, parseCopyFromStdin } from './copy-format.js';
import { copyIn, type CopyInContext } from './copy-in.js';
import { closePortal, COPY_ROWS, describe, errorFields, execute, openCatalog, openStep, type Portal } from './portal.js';
import type { TransactionContext } from './transaction.js';
import { transactionPortal } from './transaction-portal.js';
import { parseTransactionStatement, splitStatements } from './transaction-statements.js';

export type SimpleQueryContext = CopyInContext & TransactionContext;

export async function simpleQuery(ctx: SimpleQueryContext, info: SessionInfo, sql: string): Promise<void> {
  const pieces = splitStatements(sql);
  const mixed = pieces.length > 1 && pieces.some((p) => isTransactionStatement(p.text));
  if (!mixed) await statements(ctx, info, sql, 0);
  else {
    for (const p of pieces) {
      if (!(await statements(ctx, info, p.text, p.offset))) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ctx.closed || ctx.cancelled) break;
    }
  }
  ctx.write(readyForQuery(ctx.transaction.status));
}

function isTransactionStatement(sql: string): boolean {
  try {
    return parseTransactionStatement(sql) !== undefined;
  } catch {
    return true; // a malformed one: it reports its error when it runs
  }
}

/** Runs `sql` (which starts `base` characters into the client's string); false after an error. */
async function statements(ctx: SimpleQueryContext, info: SessionInfo, sql: string, base: number): Promise<boolean> {
  let portal: Portal | undefined;
  // Where the statements Eddy parses start in `sql`: inside COPY ( … ), after its opening.
  let inner = sql;
  let offset = 0;
  try {
    const tx = parseTransactionStatement(sql);
    if (tx) {
      portal = transactionPortal(ctx, info, tx);
      ctx.write(describe(portal));
      await execute(ctx, portal, 0);
      return true;
    }
    ctx.transaction.assertUsable();
    const chore = catalogAnswer(sql, ctx.eddy, info);
    const copy = /^\s*COPY\s*\(([\s\S]*)\)\s*TO\s+STDOUT\s*;?\s*$/i.exec(sql);
    const copyFrom = parseCopyFromStdin(sql);
    if (copyFrom) {
      await copyIn(ctx, copyFrom, `COPY FROM STDIN (${info.user}@${ctx.remote})`);
      ctx.transaction.tookEffect();
    } else if (copy) {
      inner = copy[1]!;
      offset = sql.indexOf('(') + 1;
      const steps = ctx.inSession(() => ctx.eddy.script(inner));
      if (steps.length !== 1) throw new Error('COPY (…) TO STDOUT takes exactly one query');
      portal = openStep(ctx, steps[0]!);
      if (portal.kind === 'tag' || portal.kind === 'empty') throw new Error('COPY (…) TO STDOUT takes a query that returns rows');
      ctx.write(copyOutResponse(portal.shape!.fields.length));
      await execute(ctx, portal, 0, COPY_ROWS);
    } else if (chore) {
      portal = openCatalog(chore);
      ctx.write(describe(portal));
      await execute(ctx, portal, 0);
    } else {
      const steps = ctx.inSession(() => ctx.eddy.script(sql));
      if (steps.length === 0) ctx.write(emptyQueryResponse());
      for (const [i, step] of steps.entries()) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (ctx.closed || ctx.cancelled) break;
        portal = openStep(ctx, step);
        if (portal.kind === 'tag') ctx.transaction.tookEffect();
        if (portal.kind !== 'tag') ctx.write(describe(portal));
        await execute(ctx, portal, 0);
        portal = undefined;
      }
    }
    return true;
  } catch (e) {
    if (portal) closePortal(portal);
    ctx.transaction.fail();
    const fields: NoticeFields = e instanceof CopyError ? { severity: 'ERROR', code: e.code, message: e.message } : errorFields(e, inner, offset);
    ctx.write(errorResponse(fields.position !== undefined ? { ...fields, position: fields.position + base } : fields));
    return false;
  }
}
