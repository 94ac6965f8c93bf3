// A statement made ready to send its results: what the simple Query runs for each statement and
// what an extended-protocol Bind makes. Opening runs the statement through the engine the way the
// line protocol does (Eddy.script's steps inside the client's SET properties): a pull query opens
// as a cursor, a push query starts, anything else executes. Executing sends the DataRows (all, or
// up to a row limit, then PortalSuspended) and CommandComplete.

import { isSqlError } from '../../parser/errors.js';
import type { Value } from '../../planner/values.js';
import type { Eddy, PullCursor, PushQuery, ScriptStep, StatementResult } from '../../engine-api.js';
import { binaryCell, hasBinary } from './binary-results.js';
import type { CatalogAnswer } from './catalog.js';
import { commandComplete as commandCompleteMessage, copyData, copyDone, dataRow as dataRowMessage, noData, noticeResponse, portalSuspended, rowDescription, type NoticeFields } from './codec.js';
import { resultShape, textRow, type ResultShape } from './types.js';
import { PgError } from './pg-error.js';

/** How rows go out: DataRows and `SELECT n`, or (COPY … TO STDOUT) CopyData and CopyDone, `COPY n`. */
export interface RowFormat {
  row(cells: (string | null)[]): Buffer;
  end(rows: number): Buffer;
  /** What a row limit that stopped short of the end sends (default PortalSuspended; a FETCH sends nothing). */
  suspended?(): Buffer;
}

export const DATA_ROWS: RowFormat = { row: dataRowMessage, end: (n) => commandCompleteMessage(`SELECT ${n}`) };
export const COPY_ROWS: RowFormat = { row: copyData, end: (n) => Buffer.concat([copyDone(), commandCompleteMessage(`COPY ${n}`)]) };

/** What a portal needs of its connection. */
export interface PortalContext {
  readonly eddy: Eddy;
  /** Runs `fn` with this client's SET properties in force (SessionProperties, as the line protocol). */
  inSession<T>(fn: () => T): T;
  write(b: Buffer): void;
  readonly closed: boolean;
  /** Set by a CancelRequest for this connection; cleared before each new statement. */
  readonly cancelled: boolean;
  /** Resolves once the client has read most of what is written to it (or closed). */
  drained(): Promise<void>;
  /** Registers the push query a cancel must stop (undefined: none). */
  streaming(q: PushQuery | undefined): void;
}

export type Portal =
  | { readonly kind: 'rows'; readonly shape: ResultShape; readonly rows: readonly Value[][]; at: number }
  | { readonly kind: 'pull'; readonly shape: ResultShape; readonly cursor: PullCursor; pending: Value[][]; sent: number }
  | { readonly kind: 'push'; readonly shape: ResultShape; readonly query: PushQuery; sent: number }
  /** A statement Eddy's engine does not run (a cursor's FETCH): `send` writes its rows and tag. */
  | { readonly kind: 'command'; readonly shape: ResultShape | undefined; send(format: RowFormat): Promise<void> }
  | { readonly kind: 'tag'; readonly tag: string; readonly notice?: string; readonly warning?: NoticeFields }
  | { readonly kind: 'empty' };

/** A portal that holds rows: what a cursor is DECLAREd over. */
export type RowPortal = Extract<Portal, { kind: 'rows' | 'pull' | 'push' }>;

export class QueryCancelled extends Error {
  constructor() {
    super('canceling statement due to user request');
  }
}

/** The command tag of a statement that returns no rows, from its first words. */
export function commandTag(statement: string): string {
  const words = statement
    .trim()
    .replace(/^\/\*[\s\S]*?\*\/\s*/, '')
    .split(/\s+/)
    .map((w) => w.toUpperCase().replace(/[^A-Z_]/g, ''));
  const [a = '', b = ''] = words;
  if (a === 'INSERT') return 'INSERT 0 1';
  if (['CREATE', 'DROP', 'ALTER', 'SHOW', 'LIST', 'DESCRIBE'].includes(a)) {
    // CREATE OR REPLACE STREAM / CREATE SOURCE TABLE: the object kind is the word that names it.
    const kind = words
      .slice(1, 4)
      .find((w) => ['STREAM', 'TABLE', 'TYPE', 'CONNECTOR', 'QUERY', 'QUERIES', 'STREAMS', 'TABLES', 'TOPICS', 'PROPERTIES', 'FUNCTIONS', 'TYPES', 'CONNECTORS'].includes(w));
    return kind ? `${a} ${kind}` : a;
  }
  return a || b || 'OK';
}

function fromResult(r: StatementResult, ctx: PortalContext): Portal {
  switch (r.kind) {
    case 'rows':
      return { kind: 'rows', shape: resultShape(r.columns), rows: r.rows, at: 0 };
    case 'explain':
      return { kind: 'rows', shape: resultShape([{ name: 'QUERY PLAN', type: 'STRING' }]), rows: r.text.split('\n').map((l) => [l]), at: 0 };
    case 'push':
      ctx.streaming(r.query);
      return { kind: 'push', shape: resultShape(r.query.columns), query: r.query, sent: 0 };
    case 'message':
      return { kind: 'tag', tag: commandTag(r.statement), notice: r.message };
  }
}

/** Runs (or, for a pull query, opens) one step of Eddy.script. Throws the statement's error. */
export function openStep(ctx: PortalContext, step: ScriptStep): Portal {
  if (step.kind === 'pull') {
    const cursor = ctx.inSession(() => step.open());
    return { kind: 'pull', shape: resultShape(cursor.columns), cursor, pending: [], sent: 0 };
  }
  return fromResult(
    ctx.inSession(() => step.run()),
    ctx,
  );
}

export function openCatalog(answer: CatalogAnswer): Portal {
  return answer.kind === 'tag' ? { kind: 'tag', tag: answer.tag } : { kind: 'rows', shape: resultShape(answer.columns), rows: answer.rows, at: 0 };
}

/** RowDescription for a portal that returns rows (with each column's format code), NoData for one that does not. */
export function describe(p: Portal, formats: readonly number[] = []): Buffer {
  return p.kind === 'tag' || p.kind === 'empty' || (p.kind === 'command' && !p.shape) ? noData() : rowDescription(p.shape!.fields, formats);
}

/**
 * Each result column's format from a Bind's result format codes: none means all text, one code
 * is for every column, else one per column. Binary is refused for a type without a binary form.
 */
export function columnFormats(p: Portal, codes: readonly number[]): number[] {
  if (p.kind === 'tag' || p.kind === 'empty' || !p.shape) return [];
  return p.shape.fields.map((f, i) => {
    const code = codes.length === 1 ? codes[0]! : (codes[i] ?? 0);
    if (code === 1 && !hasBinary(f.oid)) throw new Error(`binary result format is not supported for type ${f.oid}: ask for text results`);
    return code;
  });
}

/** DataRows with the columns `formats` marks 1 in binary (the rest text), then `SELECT n`. */
export function dataRows(p: Portal, formats: readonly number[]): RowFormat {
  if (!formats.includes(1) || p.kind === 'tag' || p.kind === 'empty' || !p.shape) return DATA_ROWS;
  const oids = p.shape.fields.map((f) => f.oid);
  return { row: (cells) => dataRowMessage(cells.map((c, i) => (c === null || formats[i] !== 1 ? c : binaryCell(oids[i]!, c)))), end: DATA_ROWS.end };
}

/** Stops what a portal holds open (a pull's cursor, a push query). */
export function closePortal(p: Portal): void {
  if (p.kind === 'pull') p.cursor.chunks.return();
  if (p.kind === 'push') p.query.close();
}

/**
 * Sends a portal's rows (at most `maxRows` when > 0) and then CommandComplete, or PortalSuspended
 * when the limit stopped it with rows left. Throws QueryCancelled when a CancelRequest stopped it,
 * or the error a pull query's slice threw.
 */
export async function execute(ctx: PortalContext, p: Portal, maxRows: number, format: RowFormat = DATA_ROWS): Promise<'complete' | 'suspended'> {
  const limit = maxRows > 0 ? maxRows : Infinity;
  switch (p.kind) {
    case 'empty':
      return 'complete';
    case 'command':
      await p.send(format);
      return 'complete';
    case 'tag':
      if (p.warning) ctx.write(noticeResponse(p.warning));
      if (p.notice) ctx.write(noticeResponse({ code: '00000', message: p.notice }));
      ctx.write(commandCompleteMessage(p.tag));
      return 'complete';
    case 'rows': {
      let n = 0;
      while (p.at < p.rows.length && n < limit) {
        ctx.write(format.row(textRow(p.shape, p.rows[p.at++]!)));
        n++;
      }
      if (p.at < p.rows.length) return suspend(ctx, format);
      ctx.write(format.end(p.rows.length));
      return 'complete';
    }
    case 'pull': {
      let n = 0;
      for (;;) {
        while (p.pending.length && n < limit) {
          ctx.write(format.row(textRow(p.shape, p.pending.shift()!)));
          p.sent++;
          n++;
        }
        if (n >= limit) return suspend(ctx, format);
        // A slice of work per turn of the event loop, so other clients are answered meanwhile.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await ctx.drained();
        if (ctx.closed) return 'complete';
        if (ctx.cancelled) {
          p.cursor.chunks.return();
          throw new QueryCancelled();
        }
        const next = ctx.inSession(() => p.cursor.chunks.next());
        if (next.done) break;
        p.pending.push(...next.value);
      }
      ctx.write(format.end(p.sent));
      return 'complete';
    }
    case 'push': {
      // A portal executed again after a PortalSuspended (pgJDBC's fetch size, across a Sync) is
      // what a cancel must stop now.
      ctx.streaming(p.query);
      const it = p.query[Symbol.asyncIterator]();
      let n = 0;
      while (n < limit) {
        const next = await it.next();
        if (ctx.cancelled) throw new QueryCancelled();
        if (next.done || ctx.closed) break;
        ctx.write(format.row(textRow(p.shape, next.value.values)));
        p.sent++;
        n++;
        // Whatever else this batch delivered goes out now too, up to the limit.
        while (n < limit && p.query.queued > 0) {
          const more = await it.next();
          if (more.done) break;
          ctx.write(format.row(textRow(p.shape, more.value.values)));
          p.sent++;
          n++;
        }
      }
      // Rows may be left queued after a LIMIT ended the query: they are still to come.
      if (n >= limit && (!p.query.isClosed || p.query.queued > 0)) return suspend(ctx, format);
      ctx.streaming(undefined);
      ctx.write(format.end(p.sent));
      return 'complete';
    }
  }
}

function suspend(ctx: PortalContext, format: RowFormat): 'suspended' {
  ctx.write(format.suspended ? format.suspended() : portalSuspended());
  return 'suspended';
}

/**
 * An error as ErrorResponse fields: SQLSTATE, Eddy's message, and its position in `sql` (which
 * starts `offset` characters into the client's query string).
 */
export function errorFields(e: unknown, sql: string, offset = 0): NoticeFields {
  if (e instanceof QueryCancelled) return { severity: 'ERROR', code: '57014', message: e.message };
  if (e instanceof PgError) return e.fields;
  if (!isSqlError(e)) return { severity: 'ERROR', code: 'XX000', message: (e as Error).message ?? String(e) };
  const code = e.bareMessage.startsWith('Syntax Error') ? '42601' : '42000';
  const pos = e.position;
  let position: number | undefined;
  if (pos) {
    // PostgreSQL's position counts characters from 1 over the whole query string.
    const lines = sql.split('\n');
    let at = 0;
    for (let i = 0; i < pos.line - 1 && i < lines.length; i++) at += lines[i]!.length + 1;
    position = Math.min(at + pos.column, sql.length + 1) + offset;
  }
  return { severity: 'ERROR', code, message: e.bareMessage, ...(position !== undefined ? { position } : {}) };
}
