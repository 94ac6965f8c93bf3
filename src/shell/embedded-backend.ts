// The shell on an Eddy in this process (the default: a data directory on this machine).

import { isSqlError } from '../parser/errors.js';
import { listFunctions } from '../planner/functions/registry.js';
import type { Eddy } from '../runtime/engine.js';
import type { PushQuery } from '../runtime/push-query.js';
import type { StatementResult } from '../runtime/results.js';
import { asShellError, ShellError, type CatalogNames, type LiveQuery, type Outcome, type ShellBackend } from './backend.js';

export function toOutcome(eddy: Eddy, r: StatementResult): Outcome {
  switch (r.kind) {
    case 'message':
      return { kind: 'message', message: r.message };
    case 'rows':
      return { kind: 'rows', columns: r.columns, rows: r.rows, ...(r.title ? { title: r.title } : {}) };
    case 'explain': {
      const all = r.text.split('\n');
      return { kind: 'explain', lines: r.lines, header: all.slice(0, Math.max(0, all.length - r.lines.length)) };
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
    get ended() {
      return q.isClosed;
    },
    cancel: () => q.close(),
  };
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

  run(statement: string): Promise<Outcome> {
    try {
      const results = this.eddy.execute(statement);
      const last = results[results.length - 1];
      if (!last) return Promise.resolve({ kind: 'message', message: '' });
      return Promise.resolve(toOutcome(this.eddy, last));
    } catch (e) {
      return Promise.reject(shellErrorOf(e));
    }
  }

  names(): Promise<CatalogNames> {
    const { catalog, queries } = this.eddy.state;
    const sources = catalog.list();
    return Promise.resolve({
      sources: sources.map((s) => s.name),
      columns: [...new Set(sources.flatMap((s) => s.columns.map((c) => c.name)))],
      functions: listFunctions().map((f) => f.name),
      queries: [...queries.values()].filter((q) => !q.internal).map((q) => q.id),
    });
  }

  close(): Promise<void> {
    this.eddy.close();
    return Promise.resolve();
  }
}
