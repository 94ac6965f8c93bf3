// What a transaction or cursor statement (transaction-statements.ts) does, as a portal the simple
// and extended protocols send like any other: BEGIN/COMMIT/ROLLBACK and CLOSE a tag (maybe with a
// WARNING), DECLARE opens its query — a catalog answer, a pull query, a push query, which starts
// now and queues its rows for the FETCHes — and FETCH/MOVE its rows (cursor-fetch.ts).

import { catalogAnswer, type SessionInfo } from './catalog.js';
import { fetchFromCursor } from './cursor-fetch.js';
import { PgError } from './pg-error.js';
import { closePortal, errorFields, openCatalog, openStep, type Portal, type RowPortal } from './portal.js';
import type { TransactionContext } from './transaction.js';
import type { TransactionStatement } from './transaction-statements.js';

export function transactionPortal(ctx: TransactionContext, info: SessionInfo, st: TransactionStatement): Portal {
  const tx = ctx.transaction;
  if (st.kind !== 'commit' && st.kind !== 'rollback') tx.assertUsable();
  switch (st.kind) {
    case 'begin': {
      const warning = tx.begin();
      return { kind: 'tag', tag: 'BEGIN', ...(warning ? { warning } : {}) };
    }
    case 'commit':
    case 'rollback': {
      const { tag, warning } = tx.end(st.kind === 'commit');
      return { kind: 'tag', tag, ...(warning ? { warning } : {}) };
    }
    case 'close':
      tx.close(st.name);
      return { kind: 'tag', tag: st.name === undefined ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR' };
    case 'declare': {
      tx.declare(st.name, openQuery(ctx, info, st.query, st.queryOffset), st.hold, st.scroll);
      return { kind: 'tag', tag: 'DECLARE CURSOR' };
    }
    case 'fetch': {
      const cursor = tx.cursor(st.name);
      const shape = cursor.portal.shape;
      const fetch = { cursor, move: st.move, direction: st.direction, count: st.count, timeoutMs: st.timeoutMs };
      return { kind: 'command', shape: st.move ? undefined : shape, send: (format) => fetchFromCursor(ctx, shape, fetch, format) };
    }
  }
}

/** A DECLAREd cursor's query, opened: it must return rows. Its errors point into the whole DECLARE. */
function openQuery(ctx: TransactionContext, info: SessionInfo, sql: string, offset: number): RowPortal {
  let p: Portal;
  try {
    const chore = catalogAnswer(sql, ctx.eddy, info);
    if (chore) p = openCatalog(chore);
    else {
      const steps = ctx.inSession(() => ctx.eddy.script(sql));
      if (steps.length !== 1) throw new PgError({ severity: 'ERROR', code: '42601', message: 'DECLARE CURSOR takes one query' });
      p = openStep(ctx, steps[0]!);
    }
  } catch (e) {
    throw new PgError(errorFields(e, sql, offset));
  }
  // A push query runs on between FETCHes; a cancel is to stop only a FETCH waiting on it.
  if (p.kind === 'push') ctx.streaming(undefined);
  if (p.kind === 'rows' || p.kind === 'pull' || p.kind === 'push') return p;
  closePortal(p);
  if (p.kind === 'tag') ctx.transaction.tookEffect();
  throw new PgError({ severity: 'ERROR', code: '42P11', message: 'cannot open a cursor on a statement that returns no rows', position: offset + 1 });
}
