// A connection's transaction block and the cursors DECLAREd in it. Eddy's statements are not
// transactional — an INSERT or CREATE takes effect when it runs — so BEGIN … COMMIT here only
// delimits what PostgreSQL clients expect it to: the transaction status each ReadyForQuery
// carries ('I' idle, 'T' in a block, 'E' failed: every statement but COMMIT/ROLLBACK refused
// until the block ends, which drivers rely on), and the life of cursors (closed at the block's
// end unless WITH HOLD). A ROLLBACK after statements that took effect warns that it undid nothing.

import type { NoticeFields } from './codec.js';
import type { PushRow } from '../../engine-api.js';
import { PgError } from './pg-error.js';
import { closePortal, type PortalContext, type RowPortal } from './portal.js';

export type TransactionStatus = 'I' | 'T' | 'E';

export interface Cursor {
  readonly name: string;
  readonly portal: RowPortal;
  /** WITH HOLD: it outlives the block that declared it, once that block commits. */
  readonly hold: boolean;
  /** Its block has committed (a held cursor a later ROLLBACK leaves open). */
  committed: boolean;
  /** A push query's next row, asked for by a FETCH whose timeout ran out first: the next FETCH takes it. */
  pending: Promise<IteratorResult<PushRow>> | undefined;
  /** DECLAREd SCROLL: it keeps the rows it has read, so FETCH can go back over them. */
  readonly scroll: boolean;
  /** Where it stands, as PostgreSQL counts: 0 before the first row, n on the nth, read + 1 after the last. */
  position: number;
  /** Rows read from its query so far. */
  read: number;
  /** Its query has no more rows. */
  ended: boolean;
  /** With scroll: the rows read, as text cells. */
  readonly kept: (string | null)[][];
}

/** What a portal needs to take part in the connection's transaction block. */
export interface TransactionContext extends PortalContext {
  readonly transaction: TransactionBlock;
}

export class TransactionBlock {
  private state: TransactionStatus = 'I';
  private readonly cursors = new Map<string, Cursor>();
  /** Statements that took effect inside the block. */
  private effects = 0;

  get status(): TransactionStatus {
    return this.state;
  }

  /** A statement ran and took effect (CREATE, INSERT, …): ROLLBACK will say it could not undo it. */
  tookEffect(): void {
    if (this.state === 'T') this.effects++;
  }

  /** A statement failed: inside a block, the block is now failed. */
  fail(): void {
    if (this.state === 'T') this.state = 'E';
  }

  /** Refuses a statement in a failed block (COMMIT and ROLLBACK are let through by the caller). */
  assertUsable(): void {
    if (this.state === 'E') throw new PgError({ severity: 'ERROR', code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' });
  }

  begin(): NoticeFields | undefined {
    if (this.state !== 'I') return { severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' };
    this.state = 'T';
    this.effects = 0;
    return undefined;
  }

  /** COMMIT or ROLLBACK: the tag (a failed block's COMMIT is a ROLLBACK, as in PostgreSQL) and any warning. */
  end(commit: boolean): { tag: string; warning?: NoticeFields } {
    if (this.state === 'I') return { tag: commit ? 'COMMIT' : 'ROLLBACK', warning: { severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' } };
    const committed = commit && this.state === 'T';
    for (const c of [...this.cursors.values()]) {
      if (c.hold && (committed || c.committed)) c.committed = true;
      else this.close(c.name);
    }
    const effects = this.effects;
    this.state = 'I';
    this.effects = 0;
    if (committed) return { tag: 'COMMIT' };
    if (effects === 0) return { tag: 'ROLLBACK' };
    return {
      tag: 'ROLLBACK',
      warning: {
        severity: 'WARNING',
        code: '01000',
        message: `ROLLBACK undid nothing: Eddy's statements are not transactional, and the ${effects} that ran in this transaction block took effect as each ran`,
      },
    };
  }

  declare(name: string, portal: RowPortal, hold: boolean, scroll = false): void {
    if (this.state === 'I' && !hold) {
      closePortal(portal);
      throw new PgError({ severity: 'ERROR', code: '25P01', message: 'DECLARE CURSOR can only be used in transaction blocks' });
    }
    if (this.cursors.has(name)) {
      closePortal(portal);
      throw new PgError({ severity: 'ERROR', code: '42P03', message: `cursor "${name}" already exists` });
    }
    // Declared outside a block (WITH HOLD), there is no block to commit: it lives until CLOSE.
    this.cursors.set(name, { name, portal, hold, committed: this.state === 'I', pending: undefined, scroll, position: 0, read: 0, ended: false, kept: [] });
  }

  cursor(name: string): Cursor {
    const c = this.cursors.get(name);
    if (!c) throw new PgError({ severity: 'ERROR', code: '34000', message: `cursor "${name}" does not exist` });
    return c;
  }

  /** A DECLAREd cursor by name, for a Describe of it as a portal (psycopg does so). */
  find(name: string): Cursor | undefined {
    return this.cursors.get(name);
  }

  close(name: string | undefined): void {
    if (name === undefined) {
      for (const n of [...this.cursors.keys()]) this.close(n);
      return;
    }
    const c = this.cursor(name);
    this.cursors.delete(name);
    closePortal(c.portal);
  }

  /** The connection is closing: every cursor ends (their push queries stop). */
  closeAll(): void {
    this.close(undefined);
    this.state = 'I';
  }
}
