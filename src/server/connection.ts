// One client connection: reads request lines, runs them on the shared engine, streams replies.
// A client is cut off — with a reason — when it sends a line over the limit, fails to
// authenticate, or stops reading until its output buffer passes the limit; others are unaffected.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { isSqlError } from '../parser/errors.js';
import type { Eddy, PullCursor, PushQuery, StatementResult } from '../engine-api.js';
import { LineSplitter, LineTooLong } from '../util/line-splitter.js';
import { JsonNumber, type Json } from '../util/lossless-json.js';
import { frame, parseRequest, pushRowFrame, rowFrame, wireRowToValues, type ParseResult, type Request } from './protocol.js';
import { rowWriters } from './wire-values.js';
import { SessionProperties } from './session-properties.js';
import { ForwardedPullError, forwardPull } from './pull-forward.js';

export interface ConnectionLimits {
  /** Longest accepted request line, in bytes. */
  readonly maxLineBytes: number;
  /** Bytes of replies a client may leave unread before it is disconnected. */
  readonly maxBufferedBytes: number;
  /** With a token: how long a client may take to authenticate. */
  readonly authTimeoutMs: number;
  /** A client that sends nothing and runs no push query for this long is disconnected. */
  readonly idleTimeoutMs: number;
  /** Requests read but not yet run, per client, before the server stops reading from it. */
  readonly maxQueuedRequests: number;
}

/** What connections share: the server-wide cap on unread replies, and who holds them. */
export interface SharedBudget {
  /** Bytes of replies all clients together may leave unread. */
  readonly maxTotalBufferedBytes: number;
  /** The open connections (to find the one holding the most). */
  readonly connections: ReadonlySet<Connection>;
}

/** Past this many unread bytes a client's writes also check the server-wide total. */
const LOOK_AT_TOTAL_ABOVE = 64 * 1024;
/** A pull waiting on the server-wide total looks again this often. */
const PULL_RECHECK_MS = 50;
/** A pull slice's replies go out in pieces of about this many characters. */
const WRITE_PIECE_CHARS = 64 * 1024;

/** Compares tokens in constant time (hashing first makes the lengths equal). */
function tokenMatches(given: string, expected: string): boolean {
  const digest = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export class Connection {
  /** Holds at most maxLineBytes of a request line still without its newline. */
  private readonly lines: LineSplitter;
  private authed: boolean;
  private closed = false;
  private readonly queries = new Map<string, PushQuery>();
  private readonly session = new SessionProperties();
  private authTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Request lines read and waiting for their turn: one runs per turn of the event loop. */
  private readonly pending: ParseResult[] = [];
  private pumping = false;
  /** Pull queries streaming their rows, by id: CANCEL stops one between slices. */
  private readonly pulls = new Map<string, { cancelled: boolean }>();

  constructor(
    private readonly socket: Socket,
    private readonly eddy: Eddy,
    private readonly token: string | undefined,
    private readonly limits: ConnectionLimits,
    private readonly shared: SharedBudget,
    /** `dropped`: the socket was destroyed at once (the client was not reading), not ended after the goodbye. */
    private readonly onClose: (c: Connection, reason: string | undefined, dropped: boolean) => void,
  ) {
    this.authed = token === undefined;
    this.lines = new LineSplitter(limits.maxLineBytes);
    socket.setNoDelay(true);
    // Bytes, not text: lines are decoded whole, so a character split between two reads stays whole.
    socket.on('data', (chunk: Buffer | string) => this.onData(chunk));
    socket.on('close', () => this.cleanup());
    socket.on('error', () => this.cleanup());
    this.send({ type: 'welcome', server: 'eddy', version: '0.1.0', auth: this.authed ? 'none' : 'required' });
    if (!this.authed) {
      this.authTimer = setTimeout(() => this.disconnect(`authentication required within ${limits.authTimeoutMs} ms`), limits.authTimeoutMs);
      this.authTimer.unref();
    }
    this.touch();
  }

  /** Bytes of replies written to this client and not yet taken by it. */
  get unread(): number {
    return this.socket.writableLength;
  }

  /** Restarts the idle clock; when it runs out, a client with no push query running is cut off. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.closed || !(this.limits.idleTimeoutMs > 0)) return;
    this.idleTimer = setTimeout(() => {
      if (this.queries.size > 0 || this.pulls.size > 0 || this.pending.length > 0) this.touch();
      else this.disconnect(`idle for ${this.limits.idleTimeoutMs} ms`);
    }, this.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  get activeQueries(): number {
    return this.queries.size;
  }

  private onData(chunk: Buffer | string): void {
    if (this.closed) return;
    this.touch();
    for (const line of this.lines.push(chunk)) {
      if (line instanceof LineTooLong) return this.refuseOversize();
      if (!line.trim()) continue;
      const parsed = parseRequest(line);
      // A cancel cannot wait behind the request it cancels.
      if (parsed.ok && parsed.request.kind === 'cancel') void this.handle(parsed);
      else this.pending.push(parsed);
      if (this.closed) return;
    }
    // A client that sends faster than its requests run waits: the server stops reading from it.
    if (this.pending.length >= this.limits.maxQueuedRequests) this.socket.pause();
    this.schedule();
  }

  /**
   * Runs the next request on a later turn of the event loop. Every client's next request waits
   * in the same queue (setImmediate), so a client that floods requests gets one turn in each
   * round, like every other client, instead of running its whole backlog first.
   */
  private schedule(): void {
    if (this.pumping || this.closed || this.pending.length === 0) return;
    this.pumping = true;
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    try {
      const next = this.pending.shift();
      if (next !== undefined && !this.closed) await this.handle(next);
    } finally {
      this.pumping = false;
      if (!this.closed && this.socket.isPaused() && this.pending.length < this.limits.maxQueuedRequests / 2) this.socket.resume();
      this.schedule();
    }
  }

  /** The rest of an oversized line cannot be told from the next request: answer, then close. */
  private refuseOversize(): void {
    const reason = `request line over ${this.limits.maxLineBytes} bytes`;
    this.send({ type: 'error', message: reason });
    this.disconnect(reason);
  }

  private handle(parsed: ParseResult): Promise<void> | void {
    if (!parsed.ok) {
      this.send({ ...(parsed.id !== undefined ? { id: parsed.id } : {}), type: 'error', message: parsed.message });
      return;
    }
    const req = parsed.request;
    if (req.kind === 'auth') {
      if (this.token !== undefined && !tokenMatches(req.token, this.token)) return this.disconnect('authentication failed');
      this.authed = true;
      clearTimeout(this.authTimer);
      this.send({ type: 'authenticated' });
      return;
    }
    if (!this.authed) return this.disconnect('authentication required: send AUTH <token> first');
    return this.run(req);
  }

  private run(req: Exclude<Request, { kind: 'auth' }>): Promise<void> | void {
    const id = req.id;
    if (req.kind === 'cancel') {
      const q = this.queries.get(id);
      const pull = this.pulls.get(id);
      if (pull) pull.cancelled = true;
      else if (!q) this.send({ id, type: 'error', message: `no running query with id ${id}` });
      else this.endQuery(id, 'cancelled');
      return;
    }
    if (this.queries.has(id) || this.pulls.has(id)) {
      this.send({ id, type: 'error', message: `id ${id} is already running a query; use another id` });
      return;
    }
    try {
      if (req.kind === 'insert') {
        const def = this.eddy.source(req.target);
        if (!def || !def.topic) throw new Error(`${req.target} is not a stream or changelog table.`);
        this.eddy.insert(
          def.name,
          req.rows.map((r, i) => {
            try {
              return wireRowToValues(def, r);
            } catch (e) {
              throw new Error(`rows[${i}]: ${(e as Error).message}`);
            }
          }),
        );
        this.send({ id, type: 'end', reason: 'completed', rows: new JsonNumber(String(req.rows.length)) });
        return;
      }
      return this.runScript(id, req.sql, req.route !== false);
    } catch (e) {
      this.sendError(id, e);
    }
  }

  /** Runs with this client's SET properties in force (see SessionProperties). */
  private inSession<T>(fn: () => T): T {
    return this.session.run(this.eddy.properties, fn);
  }

  /**
   * A request's statements one at a time, each on its own turn of the event loop; a pull query
   * streams its rows (streamPull). Stops at the first error, as execute() does.
   */
  private async runScript(id: string, sql: string, route = true): Promise<void> {
    const pushes: PushQuery[] = [];
    try {
      const steps = this.inSession(() => this.eddy.script(sql));
      for (const [i, step] of steps.entries()) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.closed) break;
        if (step.kind === 'pull') {
          // Scale-out: a key another server of the service owns is answered by that server.
          const owner = route ? this.inSession(() => step.owner()) : undefined;
          if (owner !== undefined) {
            await forwardPull(owner, step.text, this.token, this.eddy.pullTimeoutMs ?? 30_000, (reply) => this.send({ ...reply, id }));
            continue;
          }
          if (
            !(await this.streamPull(
              id,
              this.inSession(() => step.open()),
            ))
          )
            return;
          continue;
        }
        const r = this.inSession(() => step.run());
        if (r.kind === 'push') pushes.push(r.query);
        else this.sendResult(id, r);
      }
    } catch (e) {
      for (const q of pushes) q.close();
      this.sendError(id, e);
      return;
    }
    if (pushes.length > 1) {
      // One id streams one query: the replies would otherwise be indistinguishable.
      for (const q of pushes) q.close();
      this.send({ id, type: 'error', message: 'one push query per request: send each EMIT CHANGES query with its own id' });
    } else if (pushes[0]) this.stream(id, pushes[0]);
    else this.send({ id, type: 'end', reason: 'completed' });
  }

  private sendError(id: string, e: unknown): void {
    if (e instanceof ForwardedPullError) {
      this.send({ id, type: 'error', message: e.message, ...(e.line !== undefined ? { line: e.line, column: e.column } : {}) });
      return;
    }
    const pos = isSqlError(e) ? e.position : undefined;
    this.send({
      id,
      type: 'error',
      message: isSqlError(e) ? e.bareMessage : (e as Error).message,
      ...(pos ? { line: new JsonNumber(String(pos.line)), column: new JsonNumber(String(pos.column)) } : {}),
    });
  }

  /**
   * A pull query's header and rows as they are found, a slice of work per turn of the event loop,
   * so other clients are answered meanwhile; while this client has a buffer's worth unread the
   * pull waits for it to read, so its rows are never all held in memory. False when it ended
   * otherwise than by running out of rows (error, cancel, disconnect): the reply has been sent.
   */
  private async streamPull(id: string, cursor: PullCursor): Promise<boolean> {
    const state = { cancelled: false };
    this.pulls.set(id, state);
    this.send({ id, type: 'header', columns: cursor.columns.map((c) => ({ name: c.name, type: c.type, ...(c.key ? { key: true } : {}) })) });
    const writers = rowWriters(cursor.columns);
    try {
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        while (!this.closed && this.pullMustWait()) await this.drained(PULL_RECHECK_MS);
        if (this.closed) return false;
        if (state.cancelled) {
          cursor.chunks.return();
          this.send({ id, type: 'end', reason: 'cancelled' });
          return false;
        }
        const next = this.inSession(() => cursor.chunks.next());
        if (next.done) break;
        if (next.value.length) {
          // Written in pieces under V8's large-object size: short-lived, they die young instead of piling up in old space.
          let out = '';
          for (const row of next.value) {
            out += rowFrame(id, row, {}, writers);
            if (out.length >= WRITE_PIECE_CHARS) {
              this.write(out);
              out = '';
            }
          }
          if (out) this.write(out);
        }
      }
      return true;
    } catch (e) {
      this.sendError(id, e);
      return false;
    } finally {
      this.pulls.delete(id);
    }
  }

  /**
   * A pull waits while its client has a quarter of its cap unread, or while all clients together
   * have half the server-wide cap unread and this one has any: pulls then build at most that much
   * unread (not 300 × 2 MiB), and a client that has read everything still gets its slices.
   */
  private pullMustWait(): boolean {
    const own = this.socket.writableLength;
    if (own > this.limits.maxBufferedBytes / 4) return true;
    if (own === 0) return false;
    let total = 0;
    for (const c of this.shared.connections) total += c.unread;
    return total > this.shared.maxTotalBufferedBytes / 2;
  }

  /** Until this client's buffer drains or it closes, or `ms` pass (others' unread may fall meanwhile). */
  private drained(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  private sendResult(id: string, r: Exclude<StatementResult, { kind: 'push' }>): void {
    if (r.kind === 'message') this.send({ id, type: 'message', message: r.message, ...(r.queryId ? { queryId: r.queryId } : {}) });
    else if (r.kind === 'explain') this.send({ id, type: 'message', message: r.text });
    else {
      this.send({ id, type: 'header', columns: r.columns.map((c) => ({ name: c.name, type: c.type, ...(c.key ? { key: true } : {}) })) });
      const writers = rowWriters(r.columns);
      for (const row of r.rows) this.write(rowFrame(id, row, {}, writers));
    }
  }

  private stream(id: string, q: PushQuery): void {
    this.queries.set(id, q);
    this.send({ id, type: 'header', queryId: q.id, columns: q.columns.map((c) => ({ name: c.name, type: c.type, ...(c.key ? { key: true } : {}) })) });
    const writers = rowWriters(q.columns);
    let title: string | undefined;
    void (async () => {
      const it = q[Symbol.asyncIterator]();
      for (;;) {
        const first = await it.next();
        // Cancelled or disconnected: the end has been sent; nothing may follow it.
        if (first.done || this.closed || this.queries.get(id) !== q) break;
        // Whatever else is queued goes out in the same write: one syscall per batch, not per row.
        // PRINT's guessed formats go ahead of the rows, again whenever they narrow.
        let out = q.title !== undefined && q.title !== title ? frame({ id, type: 'title', title: (title = q.title) }) : '';
        out += pushRowFrame(id, first.value, writers);
        for (const row of q.drain()) out += pushRowFrame(id, row, writers);
        this.write(out);
      }
      if (this.queries.get(id) === q) {
        this.queries.delete(id);
        this.send({ id, type: 'end', reason: 'limit' });
      }
    })();
  }

  private endQuery(id: string, reason: string): void {
    const q = this.queries.get(id);
    if (!q) return;
    this.queries.delete(id);
    q.close();
    this.send({ id, type: 'end', reason });
  }

  /** Ends every query (reason `shutdown`) and says goodbye with the full reason. */
  shutdown(reason: string): void {
    for (const id of [...this.queries.keys()]) this.endQuery(id, 'shutdown');
    this.disconnect(reason);
  }

  private send(o: Record<string, Json | undefined>): void {
    this.write(frame(o));
  }

  private write(text: string): void {
    if (this.closed) return;
    this.socket.write(Buffer.from(text));
    const unread = this.socket.writableLength;
    if (unread > this.limits.maxBufferedBytes) {
      this.disconnect(`client is not reading: more than ${this.limits.maxBufferedBytes} bytes of replies unread`);
    } else if (unread > LOOK_AT_TOTAL_ABOVE) {
      let total = 0;
      let largest: Connection = this;
      for (const c of this.shared.connections) {
        total += c.unread;
        if (c.unread > largest.unread) largest = c;
      }
      if (total > this.shared.maxTotalBufferedBytes) {
        largest.disconnect(`server-wide cap on unread replies reached (${this.shared.maxTotalBufferedBytes} bytes over all clients): this client held the most unread (${largest.unread} bytes)`, true);
      }
    }
  }

  /** `hard`: drop what it has not read at once (its memory is the point), not after the goodbye. */
  private disconnect(reason: string, hard = false): void {
    if (this.closed) return;
    this.socket.write(frame({ type: 'bye', reason }));
    // A client that is not reading cannot take the goodbye: do not wait for it.
    const drop = hard || this.socket.writableLength > this.limits.maxBufferedBytes;
    this.cleanup(reason, drop);
    if (drop) this.socket.destroy();
    else this.socket.end();
  }

  private cleanup(reason?: string, dropped = false): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    clearTimeout(this.idleTimer);
    this.pending.length = 0;
    for (const q of this.queries.values()) q.close();
    this.queries.clear();
    this.onClose(this, reason, dropped);
  }

  get remote(): string {
    // An HTTP session's socket (http/line-session.ts) names its peer in full, with no port of its own.
    return this.socket.remotePort ? `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort}` : (this.socket.remoteAddress ?? '?');
  }
}
