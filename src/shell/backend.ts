// What the shell needs from an Eddy, whether it runs in this process or behind a server: run one
// statement, follow a push query, and list the names that tab completion offers.

import type { OperatorLine } from './explain-tree.js';

export interface ShellColumn {
  readonly name: string;
  readonly type: string;
  readonly key?: boolean;
}

export interface LiveRow {
  readonly values: readonly unknown[];
  readonly tombstone?: boolean;
  readonly window?: { readonly start: number; readonly end: number };
  /** Event time (ROWTIME) when known. */
  readonly ts?: number;
  /** Wall-clock time the shell received the row. */
  readonly receivedAt: number;
}

/** Engine-side progress of a push query (only an embedded engine can tell). */
export interface LiveProgress {
  readonly batches: number;
  readonly recordsIn: number;
  readonly inputRowsPerSecond: number;
  readonly lastBatchMs: number;
  /** Records still to read: a query catching up has lag > 0. */
  readonly lag: number;
  readonly lateDropped: number;
  readonly errors: number;
}

export interface LiveQuery {
  readonly id: string;
  readonly columns: readonly ShellColumn[];
  /** Rows that arrived since the last call. */
  take(): LiveRow[];
  progress(): LiveProgress | undefined;
  /** What the rows are, when learnt as they come (PRINT's guessed key and value formats). */
  readonly title?: string | undefined;
  /** True once the query ended by itself (LIMIT, server shutdown). */
  readonly ended: boolean;
  cancel(): void;
}

export type Outcome =
  | { readonly kind: 'message'; readonly message: string }
  | { readonly kind: 'rows'; readonly columns: readonly ShellColumn[]; readonly rows: readonly (readonly unknown[])[]; readonly title?: string }
  | { readonly kind: 'explain'; readonly lines: readonly OperatorLine[]; readonly header: readonly string[]; readonly footer: readonly string[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'live'; readonly query: LiveQuery };

/** An error that may point at a spot in the statement (1-based line and column). */
export interface StatementFailure {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface CatalogNames {
  readonly sources: readonly string[];
  readonly columns: readonly string[];
  readonly functions: readonly string[];
  readonly queries: readonly string[];
}

/** How far a long statement has got (a bulk load), drawn as the shell's progress bar. */
export interface WorkProgress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** What `done` counts and anything else worth a word, e.g. "rows · 1.2 of 4.8 MB". */
  readonly detail?: string;
}

export interface RunOptions {
  /** Called as a long statement advances (only backends that can tell call it). */
  readonly onProgress?: (p: WorkProgress) => void;
  /** Aborted on Ctrl-C: a statement that can stop part way does. */
  readonly signal?: AbortSignal;
}

export interface ShellBackend {
  /** Where the shell is connected, for the welcome line. */
  readonly description: string;
  /** Run exactly one statement (its text, `;` optional). Throws a ShellError on failure. */
  run(statement: string, opts?: RunOptions): Promise<Outcome>;
  names(): Promise<CatalogNames>;
  close(): Promise<void>;
}

export class ShellError extends Error implements StatementFailure {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Any thrown thing as a ShellError (keeping one that already is). */
export function asShellError(e: unknown): ShellError {
  return e instanceof ShellError ? e : new ShellError(e instanceof Error ? e.message : String(e));
}
