// The shell as a client of `eddy server` (eddy shell --connect host:port). When the server goes
// away, the statement waiting on it fails with a clear message; the next one reconnects first (as
// psql does), and says so. Ctrl-C gives up waiting for a statement's answer.

import { parse } from '../parser/index.js';
import { EddyClient, EddyError, type ClientTlsOptions, type ConnectOptions, type RemoteQuery } from '../server/client.js';
import { asShellError, ShellError, type CatalogNames, type LiveQuery, type LiveRow, type Outcome, type RunOptions, type ShellBackend } from './backend.js';

function failure(e: unknown): ShellError {
  if (e instanceof EddyError) return new ShellError(e.message.replace(/^line \d+:\d+: /, ''), e.line, e.column);
  return asShellError(e);
}

function isPushQuery(sql: string): boolean {
  try {
    const [first] = parse(sql);
    // PRINT follows its topic as a push query does, until LIMIT or Ctrl-C.
    return (first?.statement.kind === 'Query' && !!first.statement.emit) || first?.statement.kind === 'Print';
  } catch {
    return false; // let the server say what is wrong
  }
}

/** Waits for `p` unless Ctrl-C aborts first. */
function unlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void = () => {}): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(new ShellError('Cancelled while waiting for the server (it may still finish the statement).'));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

async function follow(q: RemoteQuery, fallbackId: string, signal: AbortSignal | undefined): Promise<LiveQuery> {
  const columns = await unlessAborted(q.columns, signal, () => q.cancel());
  const id = q.queryId ?? fallbackId;
  const queue: LiveRow[] = [];
  let ended = false;
  void (async () => {
    try {
      for await (const r of q) queue.push({ ...r, receivedAt: Date.now() });
    } catch {
      // the end reason (or error) is what the view reports; nothing more to do here
    } finally {
      ended = true;
    }
  })();
  return {
    id,
    columns,
    take: () => queue.splice(0),
    progress: () => undefined,
    get title() {
      return q.title;
    },
    get ended() {
      return ended;
    },
    cancel: () => q.cancel(),
  };
}

export class RemoteBackend implements ShellBackend {
  private cached: { at: number; names: CatalogNames } | undefined;
  private pushCount = 0;

  private constructor(
    private client: EddyClient,
    private readonly address: { readonly host: string; readonly port: number; readonly token?: string; readonly tls?: ClientTlsOptions },
  ) {}

  get description(): string {
    return `server ${this.address.host}:${this.address.port}${this.address.tls ? ' (TLS)' : ''}`;
  }

  /**
   * Connects; a refused connection is retried for up to `waitMs` (5 s), as a server started in the
   * same breath (`eddy server … &` and then the shell, the README's walk-through) needs a moment
   * before it listens. Any other failure (no route, a refused token) fails at once.
   */
  static async connect(host: string, port: number, token?: string, waitMs = 5_000, tls?: ClientTlsOptions): Promise<RemoteBackend> {
    const opts: ConnectOptions = { ...(token !== undefined ? { token } : {}), ...(tls ? { tls } : {}) };
    for (const end = Date.now() + waitMs; ; ) {
      try {
        const client = await EddyClient.connect(host, port, opts);
        return new RemoteBackend(client, { host, port, ...(token !== undefined ? { token } : {}), ...(tls ? { tls } : {}) });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() >= end) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** After a lost connection, connects again before the next statement; fails with what to do. */
  private async connected(): Promise<EddyClient> {
    if (!this.client.isClosed) return this.client;
    const { host, port, token, tls } = this.address;
    try {
      this.client = await EddyClient.connect(host, port, { ...(token !== undefined ? { token } : {}), ...(tls ? { tls } : {}) });
      this.cached = undefined;
      this.reconnected = true;
      return this.client;
    } catch (e) {
      throw new ShellError(`The connection to the server at ${host}:${port} is lost and reconnecting failed (${(e as Error).message}). Enter a statement to try again, or \\q to leave.`);
    }
  }

  private reconnected = false;

  async run(statement: string, opts: RunOptions = {}): Promise<Outcome> {
    const client = await this.connected();
    const note = this.reconnected ? `(Reconnected to the server at ${this.address.host}:${this.address.port}.)\n` : '';
    this.reconnected = false;
    try {
      const out = await this.runOn(client, statement, opts.signal);
      if (!note) return out;
      if (out.kind === 'message') return { kind: 'text', text: `${note}${out.message}` };
      if (out.kind === 'text') return { kind: 'text', text: `${note}${out.text}` };
      return out;
    } catch (e) {
      if (client.isClosed)
        throw new ShellError(`The connection to the server at ${this.address.host}:${this.address.port} was lost (${failure(e).message}). The next statement reconnects; \\q leaves.`);
      throw failure(e);
    }
  }

  private async runOn(client: EddyClient, statement: string, signal: AbortSignal | undefined): Promise<Outcome> {
    if (isPushQuery(statement)) return { kind: 'live', query: await follow(client.query(statement), `remote_${++this.pushCount}`, signal) };
    const r = await unlessAborted(client.execute(statement), signal);
    this.cached = undefined;
    if (r.columns) return { kind: 'rows', columns: r.columns, rows: r.rows };
    const text = r.messages.join('\n');
    return text.includes('\n') ? { kind: 'text', text } : { kind: 'message', message: text };
  }

  async names(): Promise<CatalogNames> {
    if (this.cached && Date.now() - this.cached.at < 5000) return this.cached.names;
    const client = await this.connected();
    const first = async (sql: string) => (await client.execute(sql)).rows.map((r) => String(r[0]));
    const sources = [...(await first('SHOW STREAMS;')), ...(await first('SHOW TABLES;'))];
    const columns = new Set<string>();
    for (const s of sources) for (const c of await first(`DESCRIBE \`${s}\`;`)) columns.add(c);
    const names = { sources, columns: [...columns], functions: await first('SHOW FUNCTIONS;'), queries: await first('SHOW QUERIES;') };
    this.cached = { at: Date.now(), names };
    return names;
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}
