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

export interface SqlErrorExtras {
  /**
   * The statement line the error is in. ksqlDB ends a syntax error's message with
   * `Statement: <line>`; it is part of `message` only — surfaces that show the text themselves
   * (shell caret, psql's LINE) use `bareMessage`.
   */
  readonly statement?: string;
  /** Advice after ksqlDB's wording (last in `message`, and in `bareMessage`). */
  readonly hint?: string;
}

export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly position: SqlErrorPosition | undefined;

  constructor(message: string, position?: SqlErrorPosition | { loc?: SqlErrorPosition }, extras: SqlErrorExtras = {}) {
    const pos = position && 'loc' in position ? position.loc : (position as SqlErrorPosition | undefined);
    const statement = extras.statement !== undefined ? `\nStatement: ${extras.statement}` : '';
    const hint = extras.hint ? `\n${extras.hint}` : '';
    super(`${pos ? `line ${pos.line}:${pos.column}: ` : ''}${message}${statement}${hint}`);
    this.position = pos;
    this.bareMessage = `${message}${hint}`;
  }

  /** The message without the position prefix and the statement line. */
  readonly bareMessage: string;
}

export function isSqlError(e: unknown): e is SqlError {
  return e instanceof SqlError;
}
