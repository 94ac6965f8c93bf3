// The simple Query message: one string, maybe several statements, each answered in turn
// (RowDescription, DataRows, CommandComplete — or a NOTICE and CommandComplete), stopping at the
// first error; then ReadyForQuery. A push query streams until its LIMIT, or until a
// CancelRequest stops it, before the next statement runs.

import { catalogAnswer, type SessionInfo } from './catalog.js';
import { emptyQueryResponse, errorResponse, readyForQuery } from './codec.js';
import { closePortal, describe, errorFields, execute, openCatalog, openStep, type Portal, type PortalContext } from './portal.js';

export async function simpleQuery(ctx: PortalContext, info: SessionInfo, sql: string): Promise<void> {
  let portal: Portal | undefined;
  try {
    const chore = catalogAnswer(sql, ctx.eddy, info);
    if (chore) {
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
    ctx.write(errorResponse(errorFields(e, sql)));
  }
  ctx.write(readyForQuery());
}
