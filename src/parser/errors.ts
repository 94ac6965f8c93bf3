// One error type for everything a user's statement can get wrong — syntax, names, types — so
// every surface (shell caret, TCP error frame, test runner) can point at line and column.

export interface SqlErrorPosition {
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
  /** 0-based offset into the statement text, when known. */
  readonly offset?: number;
}

export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly position: SqlErrorPosition | undefined;

  constructor(message: string, position?: SqlErrorPosition | { loc?: SqlErrorPosition }) {
    const pos = position && 'loc' in position ? position.loc : (position as SqlErrorPosition | undefined);
    super(pos ? `line ${pos.line}:${pos.column}: ${message}` : message);
    this.position = pos;
    this.bareMessage = message;
  }

  /** The message without the position prefix. */
  readonly bareMessage: string;
}

export function isSqlError(e: unknown): e is SqlError {
  return e instanceof SqlError;
}
