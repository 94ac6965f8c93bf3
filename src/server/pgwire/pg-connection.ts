// One PostgreSQL client: the startup exchange (an SSLRequest answered 'S' and the socket upgraded
// to TLS when the server has a certificate, else 'N'; SCRAM when the server has a token), then its messages one at a time — simple Query, the extended protocol, Terminate.
// Statements run on the shared engine through the same path as the line protocol's (Eddy.script
// inside the client's SessionProperties); a CancelRequest on another connection stops the
// statement running here (PgServer finds this connection by its BackendKeyData).

import type { Socket } from 'node:net';
import type { Eddy, PushQuery } from '../../engine-api.js';
import { Server as TlsServer, TLSSocket } from 'node:tls';
import type { ServerTls } from '../tls.js';
import { SessionProperties } from '../session-properties.js';
import { EDDY_VERSION, type SessionInfo } from './catalog.js';
import { authOk, authSasl, authSaslContinue, authSaslFinal, backendKeyData, BodyReader, errorResponse, FrameReader, parameterStatus, readyForQuery, type FrontendMessage } from './codec.js';
import { ExtendedQuery } from './extended-query.js';
import type { CopyInContext } from './copy-in.js';
import { simpleQuery } from './simple-query.js';
import { TransactionBlock, type TransactionContext } from './transaction.js';
import { readFirstMessage, ScramServer, serverParameters } from './startup.js';

export interface PgLimits {
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly authTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /**
   * Messages read but not yet handled, per client, before the server stops reading from it
   * (behind a push query: before it counts their bytes against maxBufferedBytes).
   */
  readonly maxQueuedMessages: number;
}

export interface PgHost {
  readonly eddy: Eddy;
  readonly token: string | undefined;
  readonly limits: PgLimits;
  /** The certificate an SSLRequest is answered with; undefined: 'N', no TLS. */
  readonly tls: ServerTls | undefined;
  /** A connection that sent a StartupMessage gets its BackendKeyData here. */
  register(c: PgConnection): { pid: number; secret: number };
  /** A CancelRequest came in. */
  cancel(pid: number, secret: number): void;
  onClose(c: PgConnection, reason: string | undefined): void;
}

type Phase = 'startup' | 'sasl-initial' | 'sasl-final' | 'ready';

export class PgConnection implements CopyInContext, TransactionContext {
  readonly transaction = new TransactionBlock();
  private readonly reader: FrameReader;
  private phase: Phase = 'startup';
  private scram: ScramServer | undefined;
  private readonly session = new SessionProperties();
  private readonly queue: FrontendMessage[] = [];
  /** Bytes of the messages in `queue`. */
  private queuedBytes = 0;
  private busy = false;
  private cancelRequested = false;
  private push: PushQuery | undefined;
  private extended: ExtendedQuery | undefined;
  private info: SessionInfo = { user: '', database: '', parameters: new Map() };
  private authTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;
  /** A COPY FROM STDIN waiting for the client's next message (nextMessage). */
  private waiter: ((m: FrontendMessage | undefined) => void) | undefined;
  key = { pid: 0, secret: 0 };
  /** The TCP socket, or after an SSLRequest the TLS socket over it. */
  private socket: Socket;
  private readonly tcp: Socket;
  private readonly onSocketData = (chunk: Buffer): void => this.onData(chunk);
  private readonly onSocketEnd = (): void => this.cleanup(undefined);

  constructor(
    socket: Socket,
    private readonly host: PgHost,
  ) {
    this.socket = this.tcp = socket;
    this.reader = new FrameReader(host.limits.maxMessageBytes);
    socket.setNoDelay(true);
    this.listen(socket);
    this.authTimer = setTimeout(() => this.fatal('28000', `authentication required within ${host.limits.authTimeoutMs} ms`), host.limits.authTimeoutMs);
    this.authTimer.unref();
  }

  /** Whether the connection was upgraded to TLS. */
  get encrypted(): boolean {
    return this.socket !== this.tcp;
  }

  private listen(s: Socket): void {
    s.on('data', this.onSocketData);
    s.on('close', this.onSocketEnd);
    s.on('error', this.onSocketEnd);
  }

  /**
   * After 'S' the client starts its TLS handshake on the same socket: from here on every byte is
   * read and written through the TLS socket (the TCP socket keeps its close/error listeners).
   */
  private startTls(tls: ServerTls): void {
    this.tcp.off('data', this.onSocketData);
    this.tcp.write(Buffer.from('S'));
    // A tls.Server that never listens takes the socket: unlike a bare TLSSocket, it checks the
    // client's certificate after the handshake (authorized / authorizationError). With a client CA
    // it asks for one but does not fail the handshake without it: the StartupMessage that follows
    // is refused with PostgreSQL's FATAL, which the client can read (a handshake alert would only
    // tell it the connection broke).
    // (It builds its context from the PEMs: it does not take a secureContext.)
    const acceptor = new TlsServer({
      cert: tls.cert,
      key: tls.key,
      minVersion: 'TLSv1.2',
      ...(tls.client && tls.clientCa !== undefined ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
    });
    acceptor.once('secureConnection', (secure: TLSSocket) => {
      if (this.ended) return void secure.destroy();
      this.socket = secure;
      this.listen(secure);
    });
    // A failed handshake (a client that does not trust the certificate): the TCP socket closes.
    acceptor.once('tlsClientError', () => this.tcp.destroy());
    acceptor.emit('connection', this.tcp);
  }

  get eddy(): Eddy {
    return this.host.eddy;
  }

  get closed(): boolean {
    return this.ended;
  }

  get cancelled(): boolean {
    return this.cancelRequested;
  }

  get remote(): string {
    return `${this.tcp.remoteAddress ?? '?'}:${this.tcp.remotePort ?? '?'}`;
  }

  inSession<T>(fn: () => T): T {
    return this.session.run(this.host.eddy.properties, fn);
  }

  streaming(q: PushQuery | undefined): void {
    this.push = q;
    // It runs until cancelled: keep reading, so a client that goes away is noticed (see onData).
    if (q && this.socket.isPaused()) this.socket.resume();
  }

  write(b: Buffer): void {
    if (this.ended) return;
    this.socket.write(b);
    if (this.socket.writableLength > this.host.limits.maxBufferedBytes) {
      const reason = `client is not reading: more than ${this.host.limits.maxBufferedBytes} bytes of replies unread`;
      this.cleanup(reason);
      this.socket.destroy();
    }
  }

  drained(): Promise<void> {
    if (this.ended || this.socket.writableLength <= this.host.limits.maxBufferedBytes / 4) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  /** The next message off the queue, for a statement that reads the client's data (COPY FROM STDIN). */
  nextMessage(): Promise<FrontendMessage | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    const m = this.take();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private take(): FrontendMessage | undefined {
    const m = this.queue.shift();
    if (!m) return undefined;
    this.queuedBytes -= m.body.length + 5;
    if (this.socket.isPaused() && this.queue.length < this.host.limits.maxQueuedMessages / 2) this.socket.resume();
    return m;
  }

  /** A CancelRequest for this connection: stops the statement running now, if any. */
  cancel(): void {
    if (!this.busy) return;
    this.cancelRequested = true;
    this.push?.close();
  }

  /** The server is stopping: tell the client as PostgreSQL does, and hang up. */
  shutdown(reason: string): void {
    this.fatal('57P01', `terminating connection due to administrator command: ${reason}`);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    const ms = this.host.limits.idleTimeoutMs;
    if (this.ended || !(ms > 0)) return;
    this.idleTimer = setTimeout(() => {
      if (this.busy || this.queue.length) this.touch();
      else this.fatal('57P05', `terminating connection due to idle timeout (${ms} ms)`);
    }, ms);
    this.idleTimer.unref();
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    this.touch();
    this.reader.push(chunk);
    try {
      for (let m = this.reader.next(); m; m = this.ended ? undefined : this.reader.next()) {
        if (this.phase === 'ready') {
          this.queue.push(m);
          this.queuedBytes += m.body.length + 5;
        } else this.startup(m);
      }
    } catch (e) {
      return this.fatal('08P01', (e as Error).message);
    }
    if (this.queue.length >= this.host.limits.maxQueuedMessages) {
      if (!this.push) {
        // A client that sends faster than its statements run waits: the server stops reading
        // from it (as PostgreSQL's backend reads no further while it runs a statement).
        this.socket.pause();
      } else if (this.queuedBytes > this.host.limits.maxBufferedBytes) {
        // Behind a push query, which runs until cancelled, nothing queued would ever run, and a
        // socket not read from would not tell that its client has gone: reading goes on, and a
        // client that piles up more than this is cut off.
        return this.fatal('53400', `more than ${this.host.limits.maxBufferedBytes} bytes of messages sent while a push query runs: cancel it first (a CancelRequest)`);
      }
    }
    if (this.waiter && this.queue.length) {
      const w = this.waiter;
      this.waiter = undefined;
      w(this.take());
    }
    void this.pump();
  }

  private startup(m: FrontendMessage): void {
    if (this.phase === 'startup') {
      const first = readFirstMessage(m.body);
      switch (first.kind) {
        case 'ssl':
          if (this.encrypted) return this.fatal('08P01', 'SSLRequest on a connection that is already encrypted');
          // A client waits for the answer before its handshake: bytes already here were sent in
          // the clear and would be taken as sent under TLS (CVE-2021-23214), so they end the connection.
          if (this.reader.buffered > 0) return this.fatal('08P01', 'received unencrypted data after SSL request');
          if (this.host.tls) return this.startTls(this.host.tls);
          // No certificate: 'N', and the client goes on in the clear (or gives up, if it requires TLS).
          this.socket.write(Buffer.from('N'));
          return;
        case 'gssenc':
          // No GSSAPI encryption: 'N', and libpq goes on to an SSLRequest or the StartupMessage.
          this.socket.write(Buffer.from('N'));
          return;
        case 'cancel':
          this.host.cancel(first.pid, first.secret);
          this.cleanup(undefined);
          this.socket.end();
          return;
        case 'unsupported':
          return this.fatal('0A000', `unsupported frontend protocol ${first.version >> 16}.${first.version & 0xffff}: Eddy speaks 3.0`);
        case 'startup': {
          // A CancelRequest (above) is taken in the clear, as PostgreSQL does: libpq sends it so.
          if (this.host.tls?.required && !this.encrypted) {
            return this.fatal('28000', 'this server accepts only TLS connections (--tls-required): connect with sslmode=require, verify-ca or verify-full');
          }
          const user = first.params.get('user') ?? '';
          const refusal = this.clientCertRefusal(user);
          if (refusal) return this.fatal('28000', refusal);
          this.reader.startTyped();
          const params = new Map(serverParameters(EDDY_VERSION));
          params.set('application_name', first.params.get('application_name') ?? '');
          this.info = { user, database: first.params.get('database') ?? user, parameters: params };
          if (this.host.token === undefined) return this.ready();
          this.phase = 'sasl-initial';
          this.scram = new ScramServer(this.host.token);
          this.socket.write(authSasl(['SCRAM-SHA-256']));
          return;
        }
      }
    }
    if (m.type !== 'p') return this.fatal('08P01', `expected a password message, got '${m.type}'`);
    const r = new BodyReader(m.body);
    try {
      if (this.phase === 'sasl-initial') {
        const mechanism = r.cstring();
        const len = r.int32();
        const data = len < 0 ? '' : r.bytes(len).toString('utf8');
        this.socket.write(authSaslContinue(this.scram!.first(mechanism, data)));
        this.phase = 'sasl-final';
        return;
      }
      const verdict = this.scram!.final(r.rest().toString('utf8'));
      if (verdict === undefined) return this.fatal('28P01', `password authentication failed for user "${this.info.user}"`);
      this.socket.write(authSaslFinal(verdict));
      this.ready();
    } catch (e) {
      this.fatal('28000', (e as Error).message);
    }
  }

  /**
   * Why this client's certificate is not admitted (undefined: it is, or none is asked for): none
   * sent, one that does not chain to the client CA, or (verify-full) one named for another user.
   */
  private clientCertRefusal(user: string): string | undefined {
    const check = this.host.tls?.client;
    if (!check || !(this.socket instanceof TLSSocket)) return undefined;
    const s = this.socket;
    const cert = s.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return 'connection requires a valid client certificate';
    if (!s.authorized) return `connection requires a valid client certificate: ${String(s.authorizationError)}`;
    const cn = cert.subject?.CN;
    if (check.verify === 'verify-full' && cn !== user) return `certificate authentication failed for user "${user}": the client certificate's common name is "${cn ?? ''}"`;
    return undefined;
  }

  private ready(): void {
    clearTimeout(this.authTimer);
    this.phase = 'ready';
    this.key = this.host.register(this);
    this.extended = new ExtendedQuery(this, this.info);
    const out = [authOk(), ...[...this.info.parameters].map(([k, v]) => parameterStatus(k, v)), backendKeyData(this.key.pid, this.key.secret), readyForQuery()];
    this.socket.write(Buffer.concat(out));
  }

  /** One message at a time, in order: a push query's stream ends before the next message runs. */
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.ended && this.queue.length) {
        await this.dispatch(this.take()!);
      }
    } finally {
      this.busy = false;
      this.cancelRequested = false;
      this.push = undefined;
    }
  }

  private async dispatch(m: FrontendMessage): Promise<void> {
    switch (m.type) {
      case 'Q': {
        this.cancelRequested = false;
        const sql = new BodyReader(m.body).cstring();
        await simpleQuery(this, this.info, sql);
        this.cancelRequested = false;
        this.push = undefined;
        return;
      }
      case 'X':
        this.cleanup(undefined);
        this.socket.end();
        return;
      default:
        if (await this.extended!.handle(m.type, m.body)) {
          if (m.type === 'S') {
            this.cancelRequested = false;
            this.push = undefined;
          }
          return;
        }
        this.write(errorResponse({ severity: 'ERROR', code: '0A000', message: `message type '${m.type}' is not supported by Eddy` }));
        this.write(readyForQuery(this.transaction.status));
    }
  }

  private fatal(code: string, message: string): void {
    if (this.ended) return;
    this.socket.write(errorResponse({ severity: 'FATAL', code, message }));
    this.cleanup(message);
    this.socket.end();
  }

  private cleanup(reason: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.authTimer);
    clearTimeout(this.idleTimer);
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.waiter?.(undefined);
    this.waiter = undefined;
    this.push?.close();
    this.extended?.closeAll();
    this.transaction.closeAll();
    this.host.onClose(this, reason);
  }
}
