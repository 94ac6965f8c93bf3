// An HTTP request's statements run through the same Connection the line protocol's clients have
// (connection.ts): its session properties, pull slicing, push streaming, cancel and limits. The
// HTTP side speaks the line protocol to it over an in-memory socket pair, so nothing of statement
// handling is written twice; the socket holds back the Connection's writes until the HTTP peer
// has taken the previous ones, so a slow HTTP client slows its pull as a slow TCP client does.

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { LineSplitter, LineTooLong } from '../../util/line-splitter.js';
import { parseJson, stringifyJson, type Json } from '../../util/lossless-json.js';

/** One reply line of the line protocol (see protocol.ts), parsed losslessly. */
export type Frame = { readonly [k: string]: Json };

/** The Connection's end: what it writes goes to `onWrite`, which says when it may write again. */
class MemorySocket extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort = 0;
  constructor(
    remote: string,
    private readonly onWrite: (bytes: Buffer, done: () => void) => void,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = remote;
  }
  setNoDelay(): this {
    return this;
  }
  override _read(): void {}
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.onWrite(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, () => cb());
  }
  override _final(cb: () => void): void {
    this.onWrite(Buffer.alloc(0), () => undefined);
    cb();
    this.push(null);
  }
  /** A request line from the HTTP side. */
  send(line: string): void {
    this.push(`${line}\n`);
  }
}

/** The frames of one request id, as they come; `end` and `error` close it. */
type Listener = (f: Frame) => void;

/**
 * Opens a Connection on `socket`; `onClose` hears when it closes: `reason` if the server cut it
 * off, `dropped` if it did so at once because the client was not reading.
 */
export type ConnectionFactory = (socket: Socket, onClose: (reason: string | undefined, dropped: boolean) => void) => void;

export class LineSession {
  private readonly socket: MemorySocket;
  /**
   * The Connection's reply lines. Uncapped: they come from our own Connection and are as long as
   * a row; what the HTTP client sends is capped where it comes in (the body, the inserts stream)
   * and again by the Connection's own line limit.
   */
  private readonly replies = new LineSplitter(Number.POSITIVE_INFINITY);
  private next = 0;
  private readonly listeners = new Map<string, Listener>();
  /** Frames without an id (a `bye`): the session is over. */
  private byeReason: string | undefined;
  private wasDropped = false;
  /** Set by the HTTP side: holds the Connection's next write until the HTTP peer has drained. */
  wait: ((done: () => void) => void) | undefined;

  constructor(open: ConnectionFactory, remote: string) {
    this.socket = new MemorySocket(remote, (bytes, done) => {
      if (bytes.length) this.onReplies(bytes);
      if (this.wait) this.wait(done);
      else done();
    });
    // The Connection reads from and writes to this one object, as it does a TCP socket; its type
    // asks for a net.Socket, of which it uses what a Duplex with setNoDelay and an address has.
    open(this.socket as unknown as Socket, (reason, dropped) => this.onConnectionClosed(reason, dropped));
  }

  /**
   * The Connection cut this session off for not reading: the HTTP peer is to be cut off too, as
   * a TCP client is, rather than keep its response open.
   */
  get dropped(): boolean {
    return this.wasDropped;
  }

  /** A Connection that drops its socket never sends the goodbye: its requests end here instead. */
  private onConnectionClosed(reason: string | undefined, dropped: boolean): void {
    this.wasDropped = dropped;
    if (reason === undefined || this.byeReason !== undefined) return;
    this.byeReason = reason;
    for (const l of [...this.listeners.values()]) l({ type: 'error', message: reason });
    this.listeners.clear();
  }

  private onReplies(bytes: Buffer): void {
    for (const line of this.replies.push(bytes)) {
      if (line instanceof LineTooLong || !line.trim()) continue; // uncapped: never too long
      const f = parseJson(line) as Frame;
      const id = typeof f.id === 'string' ? f.id : undefined;
      if (id !== undefined) this.listeners.get(id)?.(f);
      else if (f.type === 'bye') {
        this.byeReason = typeof f.reason === 'string' ? f.reason : 'closed';
        for (const l of [...this.listeners.values()]) l({ type: 'error', message: this.byeReason });
        this.listeners.clear();
      }
    }
  }

  /**
   * Sends one request (`sql` statements) and calls `on` with each of its frames until `end` or
   * `error`, which it also gets. Returns the request id (for cancel).
   */
  request(sql: string, on: Listener): string {
    const id = `h${++this.next}`;
    if (this.byeReason !== undefined) {
      on({ type: 'error', message: this.byeReason });
      return id;
    }
    this.listeners.set(id, (f) => {
      if (f.type === 'end' || f.type === 'error') this.listeners.delete(id);
      on(f);
    });
    this.socket.send(stringifyJson({ id, sql }));
    return id;
  }

  /** The frames of one request, all of them, once it ends (for statements that do not stream). */
  collect(sql: string): Promise<Frame[]> {
    return new Promise((resolve) => {
      const frames: Frame[] = [];
      this.request(sql, (f) => {
        frames.push(f);
        if (f.type === 'end' || f.type === 'error') resolve(frames);
      });
    });
  }

  /** Sends an insert request (rows as JSON objects); resolves with the error message or undefined. */
  insert(target: string, rows: readonly Json[]): Promise<string | undefined> {
    const id = `h${++this.next}`;
    return new Promise((resolve) => {
      if (this.byeReason !== undefined) return resolve(this.byeReason);
      this.listeners.set(id, (f) => {
        if (f.type !== 'end' && f.type !== 'error') return;
        this.listeners.delete(id);
        resolve(f.type === 'error' ? String(f.message) : undefined);
      });
      this.socket.send(stringifyJson({ id, insert: target, rows: rows as Json[] }));
    });
  }

  cancel(id: string): void {
    this.socket.send(stringifyJson({ id, cancel: true }));
  }

  /** Ends the Connection: its queries stop (as when a TCP client hangs up). */
  close(): void {
    this.listeners.clear();
    this.socket.destroy();
  }
}

/** `SET 'k' = 'v';` for each property, to run ahead of a request's statements in its session. */
export function propertyStatements(props: Json | undefined): string[] {
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return [];
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const out: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined) continue;
    out.push(`SET ${q(k)} = ${q(typeof v === 'string' ? v : stringifyJson(v))};`);
  }
  return out;
}
