// FETCH and MOVE: the next rows of a DECLAREd cursor, then `FETCH n` / `MOVE n` (n: rows taken).
//
// From a pull query or a result set, FETCH n sends the next n rows, fewer only at the end.
// From a push query, FETCH n WAITS until n rows have come (or the query has ended, or a
// CancelRequest stops it): a FETCH that returns fewer than it asked for is how psql's
// FETCH_COUNT loop and psycopg's named-cursor iteration learn that a cursor is done, so
// returning "what is there" would end them at the first quiet moment. To poll instead, give
// Materialize's option: `FETCH n c WITH (timeout = '1s')` returns when n rows have come or the
// timeout has run out, whatever has arrived by then (maybe none; '0s': what is queued now).

import { commandComplete } from './codec.js';
import { execute, QueryCancelled, type RowFormat } from './portal.js';
import type { Cursor, TransactionContext } from './transaction.js';
import { textRow, type ResultShape } from './types.js';

export interface CursorFetch {
  readonly cursor: Cursor;
  readonly move: boolean;
  /** Rows wanted; Infinity: ALL. */
  readonly count: number;
  /** From a push query: stop waiting for more rows after this long. */
  readonly timeoutMs: number | undefined;
}

const NOTHING = Buffer.alloc(0);

export async function fetchFromCursor(ctx: TransactionContext, shape: ResultShape, f: CursorFetch, format: RowFormat): Promise<void> {
  let n = 0;
  const rows: RowFormat = {
    row: (cells) => {
      n++;
      return f.move ? NOTHING : format.row(cells);
    },
    end: () => NOTHING,
    suspended: () => NOTHING,
  };
  const p = f.cursor.portal;
  if (p.kind === 'push') await fromPush(ctx, shape, f, rows);
  else await execute(ctx, p, f.count === Infinity ? 0 : f.count, rows);
  ctx.write(commandComplete(`${f.move ? 'MOVE' : 'FETCH'} ${n}`));
}

async function fromPush(ctx: TransactionContext, shape: ResultShape, f: CursorFetch, rows: RowFormat): Promise<void> {
  const c = f.cursor;
  if (c.portal.kind !== 'push') return;
  const query = c.portal.query;
  const it = query[Symbol.asyncIterator]();
  const deadline = f.timeoutMs === undefined ? undefined : Date.now() + f.timeoutMs;
  // While it waits, a CancelRequest stops the query (and the FETCH fails, failing the block).
  ctx.streaming(query);
  try {
    for (let n = 0; n < f.count; n++) {
      // One row asked for at a time; one a timed-out FETCH asked for comes first (the query has one reader).
      const next = (c.pending ??= it.next());
      const r = deadline === undefined ? await next : await within(next, deadline - Date.now());
      if (r === undefined) return;
      c.pending = undefined;
      if (ctx.cancelled) throw new QueryCancelled();
      if (r.done || ctx.closed) return;
      ctx.write(rows.row(textRow(shape, r.value.values)));
      if (n % 256 === 255) await ctx.drained();
    }
  } finally {
    ctx.streaming(undefined);
  }
}

/** `p`'s value, or undefined when `ms` pass first (`p` is left to settle later). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms))));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
