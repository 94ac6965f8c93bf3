// The simple Query message: one string, maybe several statements, each answered in turn
// (RowDescription, DataRows, CommandComplete — or a NOTICE and CommandComplete), stopping at the
// first error; then ReadyForQuery. A push query streams until its LIMIT, or until a
// CancelRequest stops it, before the next statement runs.
//
// `COPY t FROM STDIN` reads the client's CopyData into t (copy-in.ts).
// `COPY (<query>) TO STDOUT` sends the query's rows as COPY data, which psql prints as each
// arrives — the way to watch a push query live (a plain SELECT's rows psql prints at its end).

import { catalogAnswer, type SessionInfo } from './catalog.js';
import { copyOutResponse, emptyQueryResponse, errorResponse, readyForQuery } from './codec.js';
import { copyIn, CopyError, parseCopyFromStdin, type CopyInContext } from './copy-in.js';
import { closePortal, COPY_ROWS, describe, errorFields, execute, openCatalog, openStep, type Portal } from './portal.js';

export async function simpleQuery(ctx: CopyInContext, info: SessionInfo, sql: string): Promise<void> {
  let portal: Portal | undefined;
  // Where the statements Eddy parses start in `sql`: inside COPY ( … ), after its opening.
  let inner = sql;
  let offset = 0;
  try {
    const chore = catalogAnswer(sql, ctx.eddy, info);
    const copy = /^\s*COPY\s*\(([\s\S]*)\)\s*TO\s+STDOUT\s*;?\s*$/i.exec(sql);
    const copyFrom = parseCopyFromStdin(sql);
    if (copyFrom) {
      await copyIn(ctx, copyFrom, `COPY FROM STDIN (${info.user}@${ctx.remote})`);
    } else if (copy) {
      inner = copy[1]!;
      offset = sql.indexOf('(') + 1;
      const steps = ctx.inSession(() => ctx.eddy.script(inner));
      if (steps.length !== 1) throw new Error('COPY (…) TO STDOUT takes exactly one query');
      portal = openStep(ctx, steps[0]!);
      if (portal.kind === 'tag' || portal.kind === 'empty') throw new Error('COPY (…) TO STDOUT takes a query that returns rows');
      ctx.write(copyOutResponse(portal.shape.fields.length));
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
        if (portal.kind !== 'tag') ctx.write(describe(portal));
        await execute(ctx, portal, 0);
        portal = undefined;
      }
    }
  } catch (e) {
    if (portal) closePortal(portal);
    ctx.write(errorResponse(e instanceof CopyError ? { severity: 'ERROR', code: e.code, message: e.message } : errorFields(e, inner, offset)));
  }
  ctx.write(readyForQuery());
}
