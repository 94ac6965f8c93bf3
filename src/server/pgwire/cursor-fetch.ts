// FETCH and MOVE over a DECLAREd cursor, with PostgreSQL's positions: a cursor stands before its
// first row (0), on its nth row (n), or after its last; FETCH FORWARD n sends the next n rows and
// stands on the last sent, BACKWARD n the previous n (nearest first), ABSOLUTE n / RELATIVE n the
// one row there, and MOVE does the same without sending them (`MOVE n`: rows it passed).
//
// A NO SCROLL cursor (the default) keeps nothing: anything that would go back — BACKWARD, PRIOR,
// FETCH 0 (the current row again), ABSOLUTE or RELATIVE to a row already passed, LAST and
// ABSOLUTE -n (which read to the end and come back) — fails as PostgreSQL's does (55000 "cursor
// can only scan forward"). A SCROLL cursor keeps every row it has read, up to MAX_KEPT_ROWS, and
// goes back over them; its query is still read only as far as a FETCH needs.
//
// From a pull query or a result set, FETCH n sends the next n rows, fewer only at the end.
// From a push query, FETCH n WAITS until n rows have come (or the query has ended, or a
// CancelRequest stops it): a FETCH that returns fewer than it asked for is how psql's
// FETCH_COUNT loop and psycopg's named-cursor iteration learn that a cursor is done, so
// returning "what is there" would end them at the first quiet moment. To poll instead, give
// Materialize's option: `FETCH n c WITH (timeout = '1s')` returns when n rows have come or the
// timeout has run out, whatever has arrived by then (maybe none; '0s': what is queued now).
// A push query has no last row while it runs: LAST and ABSOLUTE -n are refused on one.

import { commandComplete } from './codec.js';
import { PgError } from './pg-error.js';
import { execute, QueryCancelled, type RowFormat } from './portal.js';
import type { Cursor, TransactionContext } from './transaction.js';
import type { FetchDirection } from './transaction-statements.js';
import { textRow, type ResultShape } from './types.js';

export interface CursorFetch {
  readonly cursor: Cursor;
  readonly move: boolean;
  readonly direction: FetchDirection;
  /** forward/backward: rows wanted (Infinity: ALL; 0: the current row); absolute/relative: the row. */
  readonly count: number;
  /** From a push query: stop waiting for more rows after this long. */
  readonly timeoutMs: number | undefined;
}

type Cells = (string | null)[];

/** Rows a SCROLL cursor keeps at most (PostgreSQL spills them to disk; Eddy holds them in memory). */
export const MAX_KEPT_ROWS = 1_000_000;

const NOTHING = Buffer.alloc(0);

const forwardOnly = (): PgError => new PgError({ severity: 'ERROR', code: '55000', message: 'cursor can only scan forward', hint: 'Declare it with SCROLL option to enable backward scan.' });

export async function fetchFromCursor(ctx: TransactionContext, shape: ResultShape, f: CursorFetch, format: RowFormat): Promise<void> {
  const c = f.cursor;
  const deadline = f.timeoutMs === undefined ? undefined : Date.now() + f.timeoutMs;
  let sent = 0;
  const emit = (cells: Cells): void => {
    sent++;
    if (!f.move) ctx.write(format.row(cells));
  };
  const back = (): void => {
    if (!c.scroll) throw forwardOnly();
  };
  /** Reads up to `n` more rows of the query, the cursor moving onto each; undefined `onRow`: passed over. */
  const read = (n: number, onRow?: (cells: Cells) => void): Promise<number> => readQuery(ctx, shape, c, n, deadline, onRow);
  /** The row the cursor stands on again (a SCROLL cursor's), if it stands on one. */
  const current = (): void => {
    back();
    if (c.position >= 1 && c.position <= c.read) emit(c.kept[c.position - 1]!);
  };
  /** Onto row `k` (from 1) and sends it; past the end, the cursor stands after the last row. */
  const goTo = async (k: number): Promise<void> => {
    if (k <= 0) {
      if (c.position !== 0) back();
      c.position = 0;
      return;
    }
    if (k <= c.read) {
      if (k <= c.position || !c.scroll) back();
      c.position = k;
      emit(c.kept[k - 1]!);
      return;
    }
    if (c.scroll) c.position = c.read;
    // Rows between are read and passed over; the one at k is sent.
    if ((await read(k - c.read - 1)) < k - c.read - 1 || (await read(1, emit)) === 0) afterEnd(c);
  };
  /** A SCROLL cursor's query read to its end (for LAST, ABSOLUTE -n): refused on a push query still running. */
  const toEnd = async (): Promise<void> => {
    back();
    if (!c.ended && c.portal.kind === 'push')
      throw new PgError({ severity: 'ERROR', code: '0A000', message: "a push query's cursor has no last row while the query runs: FETCH LAST and ABSOLUTE -n are for a pull query's" });
    const at = c.position;
    await read(Infinity);
    c.position = at;
  };

  switch (f.direction) {
    case 'forward': {
      if (f.count === 0) {
        current();
        break;
      }
      // Rows a SCROLL cursor went back over come again from what it kept, then the query's.
      while (sent < f.count && c.position < c.read) emit(c.kept[c.position++]!);
      if (sent < f.count && !(c.position > c.read)) {
        if (c.scroll) c.position = c.read;
        const want = f.count - sent;
        if ((await read(want, emit)) < want && c.ended) afterEnd(c);
      }
      break;
    }
    case 'backward': {
      if (f.count === 0) {
        current();
        break;
      }
      back();
      while (sent < f.count && c.position > 1) emit(c.kept[--c.position - 1]!);
      if (sent < f.count) c.position = 0;
      break;
    }
    case 'absolute':
      if (f.count < 0) {
        await toEnd();
        await goTo(c.read + 1 + f.count);
      } else await goTo(f.count);
      break;
    case 'relative':
      if (f.count === 0) current();
      else if (f.count > 0 && c.position > c.read && c.ended) break;
      else await goTo(c.position + f.count);
      break;
  }
  ctx.write(commandComplete(`${f.move ? 'MOVE' : 'FETCH'} ${sent}`));
}

function afterEnd(c: Cursor): void {
  c.position = c.read + 1;
}

/**
 * Reads up to `n` rows from the cursor's query (Infinity: all), each kept by a SCROLL cursor and
 * handed to `onRow`; the cursor stands on the last one read. Returns how many came; fewer than `n`
 * with `c.ended` set when the query has no more, or without it when a push query's timeout ran out.
 */
async function readQuery(ctx: TransactionContext, shape: ResultShape, c: Cursor, n: number, deadline: number | undefined, onRow: ((cells: Cells) => void) | undefined): Promise<number> {
  if (n <= 0 || c.ended) return 0;
  let got = 0;
  const take = (cells: Cells): Buffer => {
    got++;
    c.read++;
    if (c.scroll) {
      if (c.kept.length >= MAX_KEPT_ROWS)
        throw new PgError({ severity: 'ERROR', code: '54000', message: `a SCROLL cursor keeps every row it has read, and this one has read ${MAX_KEPT_ROWS}: DECLARE it NO SCROLL to read on` });
      c.kept.push(cells);
    }
    c.position = c.read;
    onRow?.(cells);
    return NOTHING;
  };
  const p = c.portal;
  if (p.kind === 'push') {
    if (await fromPush(ctx, shape, c, n, deadline, take)) c.ended = true;
  } else {
    const rows: RowFormat = { row: take, end: () => NOTHING, suspended: () => NOTHING };
    if ((await execute(ctx, p, n === Infinity ? 0 : n, rows)) === 'complete') c.ended = got < n || n === Infinity;
  }
  return got;
}

/** Up to `n` rows of a push query to `take`; true when the query has ended. */
async function fromPush(ctx: TransactionContext, shape: ResultShape, c: Cursor, n: number, deadline: number | undefined, take: (cells: Cells) => Buffer): Promise<boolean> {
  if (c.portal.kind !== 'push') return true;
  const query = c.portal.query;
  const it = query[Symbol.asyncIterator]();
  // While it waits, a CancelRequest stops the query (and the FETCH fails, failing the block).
  ctx.streaming(query);
  try {
    for (let i = 0; i < n; i++) {
      // One row asked for at a time; one a timed-out FETCH asked for comes first (the query has one reader).
      const next = (c.pending ??= it.next());
      const r = deadline === undefined ? await next : await within(next, deadline - Date.now());
      if (r === undefined) return false;
      c.pending = undefined;
      if (ctx.cancelled) throw new QueryCancelled();
      if (r.done || ctx.closed) return true;
      ctx.write(take(textRow(shape, r.value.values)));
      if (i % 256 === 255) await ctx.drained();
    }
    return false;
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
