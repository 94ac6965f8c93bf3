// The Eddy server: one engine, many clients over TCP. Binds loopback unless told otherwise.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { Eddy, type AccessPolicy, type EddyOptions } from '../engine-api.js';
import { Connection, type ConnectionLimits, type SharedBudget } from './connection.js';
import { PgServer } from './pgwire/pg-server.js';
import { HttpApi } from './http/http-api.js';
import type { ConnectionFactory } from './http/line-session.js';
import { serverTls, type TlsOptions } from './tls.js';
import { acceptTls } from './line-tls.js';

export interface ServerOptions {
  readonly host?: string;
  readonly port?: number;
  /** Also speak PostgreSQL's wire protocol on this port (same host and token; 0: any free port). Omitted: off. */
  readonly pgPort?: number;
  /** Also serve ksqlDB's REST API and /metrics over HTTP on this port (same host and token; see server/http). */
  readonly httpPort?: number;
  readonly token?: string;
  /** A certificate and key: the line port speaks TLS only, the PostgreSQL port answers SSLRequest with TLS (and may require it), the HTTP port speaks HTTPS only. */
  readonly tls?: TlsOptions;
  readonly limits?: Partial<ConnectionLimits & { readonly maxTotalBufferedBytes: number; readonly tlsHelloMs: number }>;
  /** A pull query that runs longer than this stops with an error (default 30 s; 0: no limit). */
  readonly queryTimeoutMs?: number;
  readonly engine?: EddyOptions;
  /**
   * What clients' statements may reach on the server's machine: a directory their file paths are
   * confined to, and host:port entries they may connect to. Omitted: no files, no connections.
   */
  readonly access?: AccessPolicy;
  /** Called when the server cuts a client off (the CLI logs it). */
  readonly onDisconnect?: (client: string, reason: string) => void;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** With a certificate: how long a client on the line port has to start TLS before it is told to, and to finish the handshake. */
export const DEFAULT_TLS_HELLO_MS = 3_000;

export class EddyServer {
  readonly eddy: Eddy;
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  /** Every open socket, also those whose Connection has said goodbye but whose peer has not hung up. */
  private readonly sockets = new Set<Socket>();
  private readonly limits: ConnectionLimits;
  private closing: Promise<void> | undefined;
  private readonly pg: PgServer | undefined;
  /** Where the PostgreSQL protocol listens, once listen() has resolved (undefined: off). */
  pgAddress: AddressInfo | undefined;
  private readonly http: HttpApi | undefined;
  /** Where the HTTP port listens, once listen() has bound it. */
  httpAddress: AddressInfo | undefined;
  /** Clients the server cut off, and why (the client may not have read the goodbye). */
  readonly disconnects: { readonly client: string; readonly reason: string; readonly at: number }[] = [];

  constructor(
    private readonly opts: ServerOptions = {},
    eddy?: Eddy,
  ) {
    const host = opts.host ?? '127.0.0.1';
    if (opts.token === undefined && !isLoopback(host)) {
      throw new Error(`binding ${host} exposes the server beyond this machine: give it a --token (clients send AUTH <token>), or bind 127.0.0.1`);
    }
    const access = opts.access ?? {};
    if (eddy) eddy.confine(access);
    const queryTimeoutMs = opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.eddy = eddy ?? Eddy.open({ ...(opts.engine ?? {}), access });
    this.eddy.pullTimeoutMs = queryTimeoutMs > 0 ? queryTimeoutMs : undefined;
    this.limits = {
      maxLineBytes: opts.limits?.maxLineBytes ?? 1024 * 1024,
      maxBufferedBytes: opts.limits?.maxBufferedBytes ?? 8 * 1024 * 1024,
      authTimeoutMs: opts.limits?.authTimeoutMs ?? 10_000,
      idleTimeoutMs: opts.limits?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      maxQueuedRequests: opts.limits?.maxQueuedRequests ?? 64,
    };
    const shared: SharedBudget = { maxTotalBufferedBytes: opts.limits?.maxTotalBufferedBytes ?? 256 * 1024 * 1024, connections: this.connections };
    const tls = opts.tls ? serverTls(opts.tls) : undefined;
    const tlsHelloMs = opts.limits?.tlsHelloMs ?? DEFAULT_TLS_HELLO_MS;
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const serve = (s: Socket) => this.connections.add(new Connection(s, this.eddy, opts.token, this.limits, shared, (x, reason) => this.connectionClosed(x, reason)));
      // With a certificate the line port is TLS only (line-tls.ts says why).
      if (!tls) serve(socket);
      else if (this.closing) socket.destroy();
      else {
        const client = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
        acceptTls(socket, tls, tlsHelloMs, serve, (reason) => this.refused(client, reason));
      }
    });
    this.server.maxConnections = 10_000;
    if (opts.pgPort !== undefined) {
      this.pg = new PgServer(
        this.eddy,
        opts.token,
        {
          maxMessageBytes: this.limits.maxLineBytes,
          maxBufferedBytes: this.limits.maxBufferedBytes,
          authTimeoutMs: this.limits.authTimeoutMs,
          idleTimeoutMs: this.limits.idleTimeoutMs,
          maxQueuedMessages: this.limits.maxQueuedRequests,
        },
        opts.onDisconnect,
        tls,
      );
    }
    // An HTTP request's statements run on a Connection of their own, with every client's limits (http/line-session.ts).
    if (opts.httpPort !== undefined) {
      // They count in the server-wide cap on unread replies and are cut off, and logged, as TCP clients are.
      const open: ConnectionFactory = (socket, onClose) => {
        this.connections.add(
          new Connection(socket, this.eddy, undefined, this.limits, shared, (x, reason, dropped) => {
            this.connectionClosed(x, reason);
            onClose(reason, dropped);
          }),
        );
      };
      this.http = new HttpApi({ eddy: this.eddy, host, port: opts.httpPort, token: opts.token, maxBodyBytes: this.limits.maxLineBytes, open, ...(tls ? { tls } : {}) });
    }
  }

  /** A client that never got a session: a plain client on the TLS port, a failed handshake. */
  private refused(client: string, reason: string): void {
    this.disconnects.push({ client, reason, at: Date.now() });
    if (this.disconnects.length > 1000) this.disconnects.shift();
    this.opts.onDisconnect?.(client, reason);
  }

  /** A connection has closed; `reason`: the server cut it off. */
  private connectionClosed(c: Connection, reason: string | undefined): void {
    this.connections.delete(c);
    if (reason) {
      this.disconnects.push({ client: c.remote, reason, at: Date.now() });
      if (this.disconnects.length > 1000) this.disconnects.shift();
      this.opts.onDisconnect?.(c.remote, reason);
    }
  }

  async listen(): Promise<AddressInfo> {
    if (this.http) this.httpAddress = await this.http.listen();
    const host = this.opts.host ?? '127.0.0.1';
    const addr = await new Promise<AddressInfo>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 7878, host, () => resolve(this.server.address() as AddressInfo));
    });
    if (this.pg) this.pgAddress = await this.pg.listen(this.opts.pgPort ?? 0, host);
    // Scale-out: the service's other servers forward pull queries for this server's keys here.
    // Not over TLS (the forwarding side does not speak it yet): such a server answers its own.
    if (!this.opts.tls) this.eddy.advertise(`${advertisedHost(addr.address)}:${addr.port}`);
    this.eddy.start();
    return addr;
  }

  /** Open connections: line-protocol clients and the sessions of HTTP requests in progress. */
  get clientCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, stops the trigger, tells every client, and closes the engine. Batches run
   * synchronously and commit in one transaction, so the one in flight has committed by the time
   * this runs; no new one starts. Clients that do not hang up within `graceMs` are dropped.
   */
  async close(reason = 'server shutting down', graceMs = 2000): Promise<void> {
    if (this.closing) return this.closing;
    this.eddy.stop();
    const http = this.http?.close();
    this.closing = new Promise<void>((resolve) => {
      // A peer that keeps its half open after the goodbye (nc does) would hold close() forever.
      const force = setTimeout(() => [...this.sockets].forEach((s) => s.destroy()), graceMs);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      for (const c of [...this.connections]) c.shutdown(reason);
    })
      .then(() => (this.pgAddress ? this.pg?.close(reason, graceMs) : undefined))
      .then(async () => {
        await http;
        this.eddy.close();
      });
    return this.closing;
  }
}

/** Only this machine can reach a loopback address; anything else may be reachable by others. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h);
}

/** The address peers reach a server at: a wildcard bind is reached at this machine's name. */
function advertisedHost(bound: string): string {
  return bound === '0.0.0.0' || bound === '::' ? hostname() : bound.includes(':') ? `[${bound}]` : bound;
}
