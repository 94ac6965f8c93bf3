// What an endpoint sees of a request and its response, the same over HTTP/1.1 and HTTP/2 (node's
// compatibility API gives both these members), so one handler serves both.

export interface HttpRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly httpVersionMajor: number;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', fn: () => void): unknown;
  /** Stops and restarts reading the body (a streamed body's back-pressure). */
  pause(): unknown;
  resume(): unknown;
  /** HTTP/1.1: closes the connection; HTTP/2: resets this request's stream only. */
  destroy(): unknown;
}

export interface HttpResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  setHeader(name: string, value: string | number): unknown;
  write(chunk: string | Buffer): boolean;
  end(): unknown;
  end(chunk: string | Buffer): unknown;
  once(event: 'drain' | 'close' | 'finish', fn: () => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  flushHeaders?(): void;
}

export interface Exchange {
  readonly req: HttpRequest;
  readonly res: HttpResponse;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The peer's address, for the Connection's name in logs. */
  readonly remote: string;
}

/** The whole body (capped: a request line of the line protocol has the same cap). */
export function readBody(req: HttpRequest, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > max) reject(new Error(`request body over ${max} bytes`));
      else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

export function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
