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

  constructor(message: string, position?: SqlErrorPosition | { loc?: SqlErrorPosition }, kind: 'syntax' | 'statement' = 'statement') {
    const pos = position && 'loc' in position ? position.loc : (position as SqlErrorPosition | undefined);
    // ksqlDB's two spellings: the parser's `line 1:8:`, a statement's `Line: 1, Col: 8:`.
    const at = !pos ? '' : kind === 'syntax' ? `line ${pos.line}:${pos.column}: ` : `Line: ${pos.line}, Col: ${pos.column}: `;
    super(`${at}${message}`);
    this.position = pos;
    this.bareMessage = message;
  }

  /** The message without the position prefix. */
  readonly bareMessage: string;
}

export function isSqlError(e: unknown): e is SqlError {
  return e instanceof SqlError;
}
