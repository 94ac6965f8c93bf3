// The shell as a client of `eddy server` (eddy shell --connect host:port).

import { parse } from '../parser/index.js';
import { EddyClient, EddyError, type RemoteQuery } from '../server/client.js';
import { asShellError, ShellError, type CatalogNames, type LiveQuery, type LiveRow, type Outcome, type ShellBackend } from './backend.js';

function failure(e: unknown): ShellError {
  if (e instanceof EddyError) return new ShellError(e.message.replace(/^line \d+:\d+: /, ''), e.line, e.column);
  return asShellError(e);
}

function isPushQuery(sql: string): boolean {
  try {
    const [first] = parse(sql);
    return first?.statement.kind === 'Query' && !!first.statement.emit;
  } catch {
    return false; // let the server say what is wrong
  }
}

async function follow(q: RemoteQuery, id: string): Promise<LiveQuery> {
  const columns = await q.columns;
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
    private readonly client: EddyClient,
    readonly description: string,
  ) {}

  static async connect(host: string, port: number, token?: string): Promise<RemoteBackend> {
    const client = await EddyClient.connect(host, port, token !== undefined ? { token } : {});
    return new RemoteBackend(client, `server ${host}:${port}`);
  }

  async run(statement: string): Promise<Outcome> {
    try {
      if (isPushQuery(statement)) return { kind: 'live', query: await follow(this.client.query(statement), `remote_${++this.pushCount}`) };
      const r = await this.client.execute(statement);
      this.cached = undefined;
      if (r.columns) return { kind: 'rows', columns: r.columns, rows: r.rows };
      const text = r.messages.join('\n');
      return text.includes('\n') ? { kind: 'text', text } : { kind: 'message', message: text };
    } catch (e) {
      throw failure(e);
    }
  }

  async names(): Promise<CatalogNames> {
    if (this.cached && Date.now() - this.cached.at < 5000) return this.cached.names;
    const first = async (sql: string) => (await this.client.execute(sql)).rows.map((r) => String(r[0]));
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
