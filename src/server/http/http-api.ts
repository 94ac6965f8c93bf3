// `eddy server --http-port N`: ksqlDB's REST API (ksql-endpoint.ts, query-stream.ts), Prometheus
// metrics (metrics.ts), per-query progress (progress.ts) and the console's processing-log and topic
// views (console-data.ts) on one port. HTTP/1.1 and HTTP/2
// without TLS ("h2c" with prior knowledge, as ksqlDB's clients and `curl --http2-prior-knowledge`
// speak it) share the port: the first bytes of a connection say which. With the server's TLS
// certificate (--tls-cert) the port speaks HTTPS only (ALPN h2 or http/1.1), the same sniffing
// then done on the decrypted bytes. The same host and token
// rules as the line protocol: the server refuses a non-loopback address without a token (server.ts),
// and with a token every request carries it as Basic auth's password (any user name) or a Bearer token.
// The web console's static files (console-files.ts) are the one exception: public, they hold no data.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttp1, type Server as Http1Server } from 'node:http';
import { createServer as createHttp2, type Http2Server } from 'node:http2';
import { createServer as createNet, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTls } from 'node:tls';
import { Duplex } from 'node:stream';
import type { Eddy } from '../../engine-api.js';
import type { ServerTls } from '../tls.js';
import { parseJson, stringifyJson, type Json } from '../../util/lossless-json.js';
import { ConsoleFiles } from './console-files.js';
import { ErrorCode, HttpError, genericError } from './errors.js';
import { header, readBody, type Exchange, type HttpRequest, type HttpResponse } from './exchange.js';
import { KSQL_CONTENT_TYPE, KsqlEndpoint, healthcheck, serverInfo } from './ksql-endpoint.js';
import { LineSession, type ConnectionFactory } from './line-session.js';
import { METRICS_CONTENT_TYPE, MetricsExporter } from './metrics.js';
import { queryProgress } from './progress.js';
import { processingLogView, topicsView } from './console-data.js';
import { closeQuery, insertsStream, shapeOf, streamQuery, type OpenQueries } from './query-stream.js';
import { isSchemaRegistryPath, serveSchemaRegistry } from './schema-registry-api.js';

export interface HttpApiOptions {
  readonly eddy: Eddy;
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  /** Opens a line-protocol Connection on a socket (server.ts: with the server's limits). */
  readonly open: ConnectionFactory;
  /** Largest request body (the line protocol's longest request line). */
  readonly maxBodyBytes: number;
  /** The server's certificate: HTTPS only on this port. */
  readonly tls?: ServerTls;
}

const H2_PREFACE = 'PRI * HTTP/2.0';

/** A Duplex reading `first` and then what `socket` reads, writing to `socket`. */
function overSocket(socket: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _enc, cb) => void socket.write(chunk, cb),
    final: (cb) => {
      socket.end();
      cb();
    },
    destroy: (err, cb) => {
      socket.destroy();
      cb(err);
    },
  });
  Object.assign(d, { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort });
  d.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!d.push(chunk)) socket.pause();
  });
  socket.on('end', () => d.push(null));
  socket.on('close', () => d.destroy());
  socket.on('error', (e) => d.destroy(e));
  return d;
}

function tokenMatches(given: string, expected: string): boolean {
  const digest = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export class HttpApi {
  private readonly net: NetServer;
  private readonly h1: Http1Server;
  private readonly h2: Http2Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<LineSession>();
  private readonly open: OpenQueries = new Map();
  private readonly ksql: KsqlEndpoint;
  private readonly metrics: MetricsExporter;
  private readonly consoleFiles = new ConsoleFiles();

  constructor(private readonly opts: HttpApiOptions) {
    this.ksql = new KsqlEndpoint(opts.eddy);
    this.metrics = new MetricsExporter(opts.eddy);
    const handle = (req: HttpRequest, res: HttpResponse, remote: string) => void this.handle(req, res, remote);
    this.h1 = createHttp1((req, res) => handle(req, res, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    // No time limit on a request: a push query's response is open as long as the client reads it.
    this.h1.requestTimeout = 0;
    this.h2 = createHttp2((req, res) => handle(req, res, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    const route = (socket: Socket): void => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.once('data', (first: Buffer) => {
        socket.pause();
        if (first.toString('latin1', 0, H2_PREFACE.length) === H2_PREFACE) {
          // node's HTTP/2 reads a net.Socket's native handle, past what was unshifted: hand it a
          // plain Duplex over the socket instead (it wraps any stream), the first bytes in front.
          this.h2.emit('connection', overSocket(socket, first));
        } else {
          socket.unshift(first);
          this.h1.emit('connection', socket);
          socket.resume();
        }
      });
    };
    if (opts.tls) {
      const secure = createTls({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2', ALPNProtocols: ['h2', 'http/1.1'] }, route);
      // A failed handshake (a client that does not trust the certificate) ends that socket only.
      secure.on('tlsClientError', (_e, socket) => socket.destroy());
      this.net = secure;
    } else this.net = createNet(route);
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.net.once('error', reject);
      this.net.listen(this.opts.port, this.opts.host, () => resolve(this.net.address() as AddressInfo));
    });
  }

  /** Ends every session (their push queries stop) and every connection. */
  close(): Promise<void> {
    for (const s of this.sessions) s.close();
    this.sessions.clear();
    this.metrics.stop();
    return new Promise((resolve) => {
      this.net.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private authorized(req: HttpRequest): boolean {
    const token = this.opts.token;
    if (token === undefined) return true;
    const auth = header(req, 'authorization') ?? '';
    const basic = /^Basic\s+(\S+)$/i.exec(auth);
    if (basic) {
      const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      return colon >= 0 && tokenMatches(text.slice(colon + 1), token);
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
    return bearer !== null && tokenMatches(bearer[1]!, token);
  }

  private async handle(req: HttpRequest, res: HttpResponse, remote: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://eddy');
    const x: Exchange = { req, res, path: url.pathname.replace(/\/+$/, '') || '/', query: url.searchParams, remote };
    let session: LineSession | undefined;
    try {
      if ((req.method === 'GET' || req.method === 'HEAD') && ConsoleFiles.owns(x.path)) return this.consoleFiles.serve(x.path, res);
      if (!this.authorized(req)) {
        // A page script's request (the console's fetches say so by X-Requested-With, as XHR
        // libraries do) is challenged as Bearer, for which browsers open no login dialog over
        // the page's own token field; every other client still sees Basic.
        const script = header(req, 'x-requested-with') !== undefined;
        res.setHeader('WWW-Authenticate', script ? 'Bearer realm="eddy"' : 'Basic realm="eddy"');
        throw genericError(401, ErrorCode.UNAUTHORIZED, 'Unauthorized');
      }
      const method = req.method ?? 'GET';
      const route = `${method} ${x.path}`;
      if (isSchemaRegistryPath(x.path)) return await serveSchemaRegistry(x, this.opts.eddy, this.opts.maxBodyBytes);
      const progress = /^\/queries\/([^/]+)\/progress$/.exec(x.path);
      if (method === 'GET' && progress) {
        const p = queryProgress(this.opts.eddy, decodeURIComponent(progress[1]!));
        if (!p) throw genericError(404, ErrorCode.NOT_FOUND, `No query with id ${progress[1]}`);
        return this.json(res, 200, p as unknown as Json, 'application/json');
      }
      switch (route) {
        case 'GET /info':
          return this.json(res, 200, serverInfo(this.opts.eddy));
        case 'GET /processing-log':
          return this.json(res, 200, processingLogView(this.opts.eddy, Number(x.query.get('limit') ?? 200), x.query.get('query') ?? undefined) as unknown as Json, 'application/json');
        case 'GET /topics':
          return this.json(res, 200, topicsView(this.opts.eddy) as unknown as Json, 'application/json');
        case 'GET /healthcheck':
          return this.json(res, 200, healthcheck());
        case 'GET /status':
          return this.json(res, 200, { commandStatuses: {} });
        case 'GET /metrics':
          res.statusCode = 200;
          res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
          res.end(this.metrics.render());
          return;
        case 'POST /ksql': {
          const body = await this.body(req);
          session = this.session(remote);
          return this.json(res, 200, await this.ksql.run(session, body));
        }
        case 'POST /query-stream':
        case 'POST /query': {
          const body = await this.body(req);
          const o = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { [k: string]: Json }) : {};
          const legacy = x.path === '/query';
          const sql = legacy ? o.ksql : o.sql;
          if (typeof sql !== 'string') throw genericError(400, ErrorCode.BAD_REQUEST, `the request body must be a JSON object with a "${legacy ? 'ksql' : 'sql'}" string`);
          session = this.session(remote);
          await streamQuery(x, session, this.open, sql, legacy ? o.streamsProperties : o.properties, legacy ? 'legacy' : shapeOf(x));
          return;
        }
        case 'POST /close-query':
          closeQuery(this.open, await this.body(req));
          res.statusCode = 200;
          res.end();
          return;
        case 'POST /inserts-stream':
          session = this.session(remote);
          // The target's name is case-insensitive, as ksqlDB's is.
          await insertsStream(x, session, this.opts.maxBodyBytes, (name) => {
            const { eddy } = this.opts;
            const def = eddy.source(name) ?? eddy.source(name.toUpperCase());
            return def?.topic !== undefined ? def.name : undefined;
          });
          return;
        default:
          throw genericError(404, ErrorCode.NOT_FOUND, `no endpoint ${route}`);
      }
    } catch (e) {
      const err = e instanceof HttpError ? e : genericError(500, ErrorCode.SERVER_ERROR, (e as Error).message ?? String(e));
      if (err.status === 413 && !res.headersSent) {
        // The rest of an over-long body is not worth reading (it may never end): answer, then hang up.
        if (req.httpVersionMajor === 1) res.setHeader('Connection', 'close');
        res.once('finish', () => req.destroy());
      }
      if (!res.headersSent) this.json(res, err.status, err.body);
      else if (!res.writableEnded) res.end();
    } finally {
      if (session) {
        session.close();
        this.sessions.delete(session);
        // Cut off for not reading: its response is not worth holding open for it.
        if (session.dropped) req.destroy();
      }
    }
  }

  private session(remote: string): LineSession {
    const s = new LineSession(this.opts.open, `http ${remote}`);
    this.sessions.add(s);
    return s;
  }

  private async body(req: HttpRequest): Promise<Json> {
    let text: string;
    try {
      text = await readBody(req, this.opts.maxBodyBytes);
    } catch (e) {
      throw genericError(413, ErrorCode.BAD_REQUEST, (e as Error).message);
    }
    try {
      return text.trim() ? parseJson(text) : {};
    } catch (e) {
      throw genericError(400, ErrorCode.BAD_REQUEST, `malformed JSON body: ${(e as Error).message}`);
    }
  }

  private json(res: HttpResponse, status: number, body: Json, type = KSQL_CONTENT_TYPE): void {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.end(stringifyJson(body));
  }
}
