// Writes many rows with one multi-row statement per chunk: a statement call (bind, step, reset)
// costs about as much as the B-tree work of a small row, so one call per row is most of the
// cost of writing thousands of rows per batch. Used where a batch writes rows with distinct
// keys (state, the pull-query store), so the order inside a chunk does not matter.

import type Database from 'better-sqlite3';

/** Rows per statement: beyond a few dozen the gain flattens (SQLite allows 32766 parameters). */
const CHUNK = 64;

export class RowBatch {
  /** Statements by rows per call (powers of two up to CHUNK), prepared when first needed. */
  private readonly stmts = new Map<number, Database.Statement>();
  private readonly row: string;
  private readonly params: unknown[] = [];

  /** `head` is the INSERT up to VALUES; `tail` follows the value rows (e.g. ON CONFLICT …). */
  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly width: number,
    private readonly tail = '',
  ) {
    this.row = `(${new Array<string>(width).fill('?').join(', ')})`;
  }

  private stmt(rows: number): Database.Statement {
    let s = this.stmts.get(rows);
    if (!s) this.stmts.set(rows, (s = this.db.prepare(`${this.head} VALUES ${new Array<string>(rows).fill(this.row).join(', ')} ${this.tail}`)));
    return s;
  }

  /** Queue one row (`width` values); a full chunk is written at once. */
  add(...row: unknown[]): void {
    for (const v of row) this.params.push(v);
    if (this.params.length === CHUNK * this.width) this.flush();
  }

  /** Write the queued rows; call before the transaction commits. */
  flush(): void {
    const p = this.params;
    if (p.length === 0) return;
    if (p.length === CHUNK * this.width) this.stmt(CHUNK).run(p);
    else {
      // A partial chunk: halving chunks, so at most log2(CHUNK) + 1 calls.
      let at = 0;
      for (let rows = CHUNK / 2; rows >= 1; rows >>= 1) {
        const n = rows * this.width;
        if (p.length - at >= n) {
          this.stmt(rows).run(p.slice(at, at + n));
          at += n;
        }
      }
    }
    p.length = 0;
  }
}
