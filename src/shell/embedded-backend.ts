// The shell on an Eddy in this process (the default: a data directory on this machine).

import { isSqlError } from '../parser/errors.js';
import { parse } from '../parser/index.js';
import type { CopyProgress, Eddy, PushQuery, StatementResult } from '../engine-api.js';
import { asShellError, ShellError, type CatalogNames, type LiveQuery, type Outcome, type RunOptions, type ShellBackend, type WorkProgress } from './backend.js';

export function toOutcome(eddy: Eddy, r: StatementResult): Outcome {
  switch (r.kind) {
    case 'message':
      return { kind: 'message', message: r.message };
    case 'rows':
      return { kind: 'rows', columns: r.columns, rows: r.rows, ...(r.title ? { title: r.title } : {}) };
    case 'explain': {
      // The text is the header, one line per operator, then EXPLAIN ANALYZE's summary.
      const all = r.text.split('\n');
      const footer = r.summary !== undefined ? [r.summary] : [];
      return { kind: 'explain', lines: r.lines, header: all.slice(0, Math.max(0, all.length - r.lines.length - footer.length)), footer };
    }
    case 'push':
      return { kind: 'live', query: liveOf(eddy, r.query) };
  }
}

function liveOf(eddy: Eddy, q: PushQuery): LiveQuery {
  return {
    id: q.id,
    columns: q.columns,
    take: () => {
      const now = Date.now();
      return q.drain().map((r) => ({ values: r.values, ts: r.ts, receivedAt: now, ...(r.tombstone ? { tombstone: true } : {}), ...(r.window ? { window: r.window } : {}) }));
    },
    progress: () => eddy.progress(q.id),
    get title() {
      return q.title;
    },
    get ended() {
      return q.isClosed;
    },
    cancel: () => q.close(),
  };
}

function isCopy(statement: string): boolean {
  try {
    const parsed = parse(statement);
    return parsed.length === 1 && parsed[0]!.statement.kind === 'Copy';
  } catch {
    return false; // execute() reports the syntax error
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

function copyWork(p: CopyProgress): WorkProgress {
  return { label: `COPY ${p.target}`, done: p.rowsDone, total: p.rowsTotal, detail: `rows · ${megabytes(p.bytesDone)} of ${megabytes(p.bytesTotal)} MB` };
}

export function shellErrorOf(e: unknown): ShellError {
  if (isSqlError(e)) return new ShellError(e.bareMessage, e.position?.line, e.position?.column);
  return asShellError(e);
}

export class EmbeddedBackend implements ShellBackend {
  constructor(
    private readonly eddy: Eddy,
    readonly description: string,
  ) {}

  async run(statement: string, opts: RunOptions = {}): Promise<Outcome> {
    // A bulk load runs in chunks so the shell can draw its progress and Ctrl-C can stop it.
    if (isCopy(statement)) {
      const { onProgress, signal } = opts;
      try {
        const result = await this.eddy.copyAsync(statement, { ...(onProgress ? { onProgress: (p) => onProgress(copyWork(p)) } : {}), ...(signal ? { signal } : {}) });
        return toOutcome(this.eddy, result);
      } catch (e) {
        throw shellErrorOf(e);
      }
    }
    try {
      const results = this.eddy.execute(statement);
      const last = results[results.length - 1];
      return last ? toOutcome(this.eddy, last) : { kind: 'message', message: '' };
    } catch (e) {
      throw shellErrorOf(e);
    }
  }

  names(): Promise<CatalogNames> {
    const sources = this.eddy.sources();
    return Promise.resolve({
      sources: sources.map((s) => s.name),
      columns: [...new Set(sources.flatMap((s) => s.columns.map((c) => c.name)))],
      functions: this.eddy.functionNames(),
      queries: this.eddy
        .queries()
        .filter((q) => q.type === 'PERSISTENT')
        .map((q) => q.id),
    });
  }

  close(): Promise<void> {
    this.eddy.close();
    return Promise.resolve();
  }
}
