// A small client for the Eddy protocol, used by the shell's --connect and by programs.

import { connect, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { LineSplitter, LineTooLong } from '../util/line-splitter.js';
import { fromPlain, parseJson, stringifyJson, toPlain } from '../util/lossless-json.js';

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly key?: boolean;
}

export type Reply =
  | { type: 'header'; id: string; columns: ColumnInfo[]; queryId?: string }
  | { type: 'row'; id: string; values: unknown[]; tombstone?: boolean; window?: { start: number; end: number } }
  | { type: 'message'; id: string; message: string; queryId?: string }
  | { type: 'title'; id: string; title: string }
  | { type: 'end'; id: string; reason: string }
  | { type: 'error'; id?: string; message: string; line?: number; column?: number }
  | { type: 'welcome' | 'authenticated' | 'bye'; reason?: string; auth?: string };

export interface ClientResult {
  readonly messages: string[];
  readonly columns?: ColumnInfo[];
  readonly rows: unknown[][];
}

export class EddyError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line !== undefined ? `line ${line}:${column}: ${message}` : message);
  }
}

interface Pending {
  onReply(r: Reply): void;
}

export interface RemoteQuery extends AsyncIterable<{ values: unknown[]; tombstone?: boolean; window?: { start: number; end: number } }> {
  readonly columns: Promise<ColumnInfo[]>;
  /** The server's id of the push query (`transient_…`), once its header has come. */
  readonly queryId: string | undefined;
  /** What the rows are, as last said by the server (PRINT's guessed key and value formats). */
  readonly title: string | undefined;
  /** Why the query ended: `limit`, `cancelled`, `shutdown`…; rejects with the error if it failed. */
  readonly end: Promise<string>;
  cancel(): void;
}

/** Longest reply line the client takes by default: a row far larger than any sane one. */
const DEFAULT_MAX_REPLY_LINE_BYTES = 64 * 1024 * 1024;

export interface ConnectOptions {
  readonly token?: string;
  /**
   * Longest reply line accepted, in bytes (default 64 MiB): a server that sends a longer one,
   * or one without end, is disconnected rather than buffered for.
   */
  readonly maxLineBytes?: number;
  /** Speak TLS (to a server started with --tls-cert); `true`: verify against the system's CAs. */
  readonly tls?: ClientTlsOptions | true;
}

export interface ClientTlsOptions {
  /** PEM: the CA (or CAs) the server's certificate must chain to, instead of the system's. */
  readonly ca?: string | Buffer;
  /** Default true: a certificate that does not verify, or is not for the host, is refused. */
  readonly rejectUnauthorized?: boolean;
  /** The name the certificate must carry (and sent as SNI); default: the host connected to. */
  readonly servername?: string;
}

/** Node's codes for a certificate that does not verify or is not for this host. */
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/;

/** What a failed TLS connection means to the user, keeping the code (ECONNREFUSED is retried). */
function tlsError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  const code = e.code ?? '';
  // OpenSSL's own text ("8030…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…") comes down to its reason.
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(e.message)?.[1] ?? e.message.split('\n')[0]!;
  let message = reason;
  if (UNTRUSTED.test(code)) message = `TLS: the certificate of the server at ${host}:${port} is not trusted (${reason}): give the CA that signed it (--tls-ca FILE; tls.ca)`;
  else if (/^ERR_SSL_/.test(code) || /wrong version number|packet length too long|unknown protocol/i.test(e.message))
    message = `TLS: the server at ${host}:${port} does not speak TLS (${reason}): is it started with --tls-cert? If not, connect without --tls`;
  else if (code === 'ECONNRESET' || /socket disconnected before secure/i.test(e.message)) message = `TLS: the server at ${host}:${port} closed the connection during the TLS handshake (${reason})`;
  const out = new EddyError(message) as EddyError & { code?: string };
  if (e.code) out.code = e.code;
  return out;
}

export class EddyClient {
  private readonly replies: LineSplitter;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private closedReason: string | undefined;
  private readonly closeWaiters: ((reason: string) => void)[] = [];
  /** Waits for the welcome (and, with a token, the server's acceptance). */
  private handshake: ((r: Reply) => void) | undefined;

  private constructor(
    private readonly socket: Socket,
    maxLineBytes: number,
  ) {
    this.replies = new LineSplitter(maxLineBytes);
    // Bytes, not text: lines are decoded whole, so a character split between two reads stays whole.
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClosed(this.closedReason ?? 'connection closed'));
    socket.on('error', (e) => this.onClosed(e.message));
  }

  /** Connects and, with a token, authenticates; rejects if the server refuses. */
  static connect(host: string, port: number, opts: ConnectOptions = {}): Promise<EddyClient> {
    return new Promise((resolve, reject) => {
      const t = opts.tls === true ? {} : opts.tls;
      // servername: a name is checked against the certificate's DNS names; an IP address against its IP names (no SNI).
      const servername = t?.servername ?? (isIP(host) ? undefined : host);
      const socket: Socket = t
        ? connectTls({
            host,
            port,
            minVersion: 'TLSv1.2',
            ...(t.ca !== undefined ? { ca: t.ca } : {}),
            ...(t.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
            ...(servername !== undefined ? { servername } : {}),
          })
        : connect({ host, port });
      const fail = (e: NodeJS.ErrnoException) => reject(t ? tlsError(e, host, port) : e);
      socket.once('error', fail);
      const c = new EddyClient(socket, opts.maxLineBytes ?? DEFAULT_MAX_REPLY_LINE_BYTES);
      c.handshake = (r) => {
        if (r.type === 'welcome' && r.auth === 'required' && opts.token === undefined) {
          c.handshake = undefined;
          reject(new EddyError('the server requires a token'));
          socket.destroy();
        } else if (r.type === 'welcome' && opts.token !== undefined) {
          socket.write(`${JSON.stringify({ auth: opts.token })}\n`);
        } else if (r.type === 'welcome' || r.type === 'authenticated') {
          c.handshake = undefined;
          socket.off('error', fail);
          resolve(c);
        } else if (r.type === 'bye' || r.type === 'error') {
          c.handshake = undefined;
          reject(new EddyError(`refused: ${'message' in r ? r.message : r.reason}`));
        }
      };
      socket.once('close', () => c.handshake && reject(new EddyError(`refused: ${c.closedReason ?? 'connection closed'}`)));
    });
  }

  private onData(chunk: Buffer): void {
    for (const line of this.replies.push(chunk)) {
      if (line instanceof LineTooLong) {
        this.closedReason = `the server sent a reply ${line.message}`;
        this.socket.destroy();
        return;
      }
      if (!line.trim()) continue;
      let r: Reply;
      try {
        // A BIGINT past 2^53 arrives as a bigint, as the embedded engine returns it.
        r = toPlain(parseJson(line), { exactIntegers: true }) as Reply;
      } catch {
        continue; // not a reply line: ignore rather than fail every request
      }
      if (r.type === 'bye') this.closedReason = r.reason;
      if (this.handshake && (r.type === 'welcome' || r.type === 'authenticated' || r.type === 'bye' || (r.type === 'error' && r.id === undefined))) {
        this.handshake(r);
        continue;
      }
      const id = 'id' in r ? r.id : undefined;
      if (id !== undefined) this.pending.get(String(id))?.onReply(r);
      else if (r.type === 'error') for (const p of this.pending.values()) p.onReply(r);
    }
  }

  private onClosed(reason: string): void {
    for (const p of [...this.pending.values()]) p.onReply({ type: 'error', message: `disconnected: ${reason}` });
    this.pending.clear();
    for (const w of this.closeWaiters.splice(0)) w(reason);
  }

  /** True once the connection is gone (the server closed it, or it broke). */
  get isClosed(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  /** Resolves with the reason when the server closes the connection. */
  closed(): Promise<string> {
    return new Promise((resolve) => (this.socket.destroyed ? resolve(this.closedReason ?? 'closed') : this.closeWaiters.push(resolve)));
  }

  private request(body: Record<string, unknown>, onReply: (r: Reply, done: () => void) => void): string {
    const id = String(this.nextId++);
    const done = () => this.pending.delete(id);
    // A request after the connection closed would wait for ever: it fails at once, as those pending did.
    if (this.socket.destroyed || !this.socket.writable) {
      queueMicrotask(() => onReply({ type: 'error', id, message: `disconnected: ${this.closedReason ?? 'connection closed'}` }, done));
      return id;
    }
    this.pending.set(id, { onReply: (r) => onReply(r, done) });
    // fromPlain, not JSON.stringify: a bigint in an inserted row goes out as its exact digits.
    this.socket.write(`${stringifyJson(fromPlain({ id, ...body }) ?? null)}\n`);
    return id;
  }

  /** Run statements that answer once (DDL, pull queries, SHOW…); push queries go through query(). */
  execute(sql: string): Promise<ClientResult> {
    return new Promise((resolve, reject) => {
      const result: { messages: string[]; columns?: ColumnInfo[]; rows: unknown[][] } = { messages: [], rows: [] };
      const id = this.request({ sql }, (r, done) => {
        if (r.type === 'message') result.messages.push(r.message);
        else if (r.type === 'header' && r.queryId !== undefined) {
          // A push query never completes: stop it rather than wait forever.
          this.socket.write(`${JSON.stringify({ id, cancel: true })}\n`);
          done();
          reject(new EddyError('execute() answers once; run EMIT CHANGES queries with query()'));
        } else if (r.type === 'header') result.columns = r.columns;
        else if (r.type === 'row') result.rows.push(r.values);
        else if (r.type === 'error') {
          done();
          reject(new EddyError(r.message, r.line, r.column));
        } else if (r.type === 'end') {
          done();
          resolve(result);
        }
      });
    });
  }

  insert(stream: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.request({ insert: stream, rows }, (r, done) => {
        if (r.type === 'end') {
          done();
          resolve();
        } else if (r.type === 'error') {
          done();
          reject(new EddyError(r.message));
        }
      });
    });
  }

  /** Start a push query; iterate its rows until LIMIT, cancel() or disconnect. */
  query(sql: string): RemoteQuery {
    const queue: { values: unknown[]; tombstone?: boolean; window?: { start: number; end: number } }[] = [];
    let wake: (() => void) | undefined;
    let ended: Error | true | undefined;
    let setColumns!: (c: ColumnInfo[]) => void;
    let failColumns!: (e: Error) => void;
    const columns = new Promise<ColumnInfo[]>((res, rej) => ((setColumns = res), (failColumns = rej)));
    columns.catch(() => {});
    let setEnd!: (reason: string) => void;
    let failEnd!: (e: Error) => void;
    const end = new Promise<string>((res, rej) => ((setEnd = res), (failEnd = rej)));
    end.catch(() => {});
    let queryId: string | undefined;
    let title: string | undefined;
    const id = this.request({ sql }, (r, done) => {
      if (r.type === 'header') {
        queryId = r.queryId;
        setColumns(r.columns);
      } else if (r.type === 'title') title = r.title;
      else if (r.type === 'row') queue.push({ values: r.values, ...(r.tombstone ? { tombstone: true } : {}), ...(r.window ? { window: r.window } : {}) });
      else if (r.type === 'end' || r.type === 'error') {
        done();
        if (r.type === 'error') {
          const e = new EddyError(r.message, r.line, r.column);
          ended = e;
          failColumns(e);
          failEnd(e);
        } else {
          ended = true;
          setEnd(r.reason);
        }
      }
      wake?.();
    });
    const socket = this.socket;
    const cancel = () => {
      if (ended === undefined && !socket.destroyed) socket.write(`${JSON.stringify({ id, cancel: true })}\n`);
    };
    return {
      columns,
      get queryId() {
        return queryId;
      },
      get title() {
        return title;
      },
      end,
      cancel,
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            while (queue.length) yield queue.shift()!;
            if (ended === true) return;
            if (ended) throw ended;
            await new Promise<void>((r) => (wake = r));
            wake = undefined;
          }
        } finally {
          cancel(); // leaving the loop early (break, throw) stops the query on the server
        }
      },
    };
  }

  close(): void {
    this.socket.end();
  }
}
