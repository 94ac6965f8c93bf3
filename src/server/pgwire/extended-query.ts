// The extended query protocol: Parse names a statement (with $n placeholders), Bind fills its
// parameters into a portal, Describe tells the result's columns, Execute sends its rows (maybe a
// few at a time: PortalSuspended), Close drops either, Sync ends the exchange with ReadyForQuery.
// After an error every message up to Sync is skipped, as PostgreSQL does. A portal's statement
// runs when it is first described or executed; parameters become literals (parameters.ts).

import type { Eddy } from '../../engine-api.js';
import { catalogAnswer, type SessionInfo } from './catalog.js';
import { bindComplete, BodyReader, closeComplete, emptyQueryResponse, errorResponse, noData, parameterDescription, parseComplete, readyForQuery, rowDescription } from './codec.js';
import { binaryParameter, ParameterError } from './binary-parameters.js';
import { parameterTargets } from './parameter-types.js';
import { parameterCount, substitute } from './parameters.js';
import { closePortal, columnFormats, dataRows, describe, errorFields, execute, openCatalog, openStep, type Portal } from './portal.js';
import type { TransactionContext } from './transaction.js';
import { transactionPortal } from './transaction-portal.js';
import { parseTransactionStatement } from './transaction-statements.js';
import { OID, resultShape } from './types.js';

interface Prepared {
  readonly sql: string;
  readonly oids: readonly number[];
}

interface BoundPortal {
  /** The statement with its parameters in place. */
  readonly sql: string;
  /** Bind's result format codes (none: text; one: for every column; else one per column). */
  readonly resultFormats: readonly number[];
  opened: Portal | undefined;
}

/** A client-visible error in the extended protocol: sent, then everything to Sync is skipped. */
class ProtocolError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export class ExtendedQuery {
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, BoundPortal>();
  private failed = false;

  constructor(
    private readonly ctx: TransactionContext,
    private readonly info: SessionInfo,
  ) {}

  /** Handles one of P B D E C S H; true when the message was one of them. */
  async handle(type: string, body: Buffer): Promise<boolean> {
    if (!'PBDECSH'.includes(type) || type === '') return false;
    if (type === 'S') {
      this.failed = false;
      // The unnamed portal lives until the next Bind or the end of the transaction.
      this.dropPortal('');
      this.ctx.write(readyForQuery(this.ctx.transaction.status));
      return true;
    }
    if (type === 'H') return true; // Flush: every write already goes out at once.
    if (this.failed) return true;
    let sql = '';
    try {
      const r = new BodyReader(body);
      switch (type) {
        case 'P': {
          const name = r.cstring();
          sql = r.cstring();
          const n = r.int16();
          const oids: number[] = [];
          for (let i = 0; i < n; i++) oids.push(r.int32());
          this.statements.set(name, { sql, oids });
          this.ctx.write(parseComplete());
          break;
        }
        case 'B': {
          const portal = r.cstring();
          const name = r.cstring();
          const stmt = this.statements.get(name);
          if (!stmt) throw new ProtocolError(`prepared statement "${name}" does not exist`, '26000');
          sql = stmt.sql;
          const formats = Array.from({ length: r.int16() }, () => r.int16());
          const values: (string | null)[] = [];
          // An untyped parameter takes the type its place asks for, where that is known (an INSERT's column).
          const targets = parameterTargets(stmt.sql, (name) => this.ctx.eddy.source(name));
          const oids = Array.from({ length: Math.max(stmt.oids.length, parameterCount(stmt.sql)) }, (_, i) => stmt.oids[i] || targets.get(i + 1) || 0);
          const count = r.int16();
          for (let i = 0; i < count; i++) {
            const len = r.int32();
            const format = formats.length === 1 ? formats[0] : (formats[i] ?? 0);
            if (len < 0) values.push(null);
            else if (format === 1) {
              const bin = binaryParameter(r.bytes(len), oids[i] ?? 0);
              values.push(bin.text);
              oids[i] = bin.oid;
            } else values.push(r.bytes(len).toString('utf8'));
          }
          const resultFormats = Array.from({ length: r.int16() }, () => r.int16());
          if (count !== parameterCount(stmt.sql)) throw new ProtocolError(`bind message supplies ${count} parameters, but prepared statement "${name}" requires ${parameterCount(stmt.sql)}`, '08P01');
          this.dropPortal(portal);
          this.portals.set(portal, { sql: substitute(stmt.sql, values, oids), resultFormats, opened: undefined });
          this.ctx.write(bindComplete());
          break;
        }
        case 'D': {
          const what = r.byte();
          const name = r.cstring();
          if (what === 'S') {
            const stmt = this.statements.get(name);
            if (!stmt) throw new ProtocolError(`prepared statement "${name}" does not exist`, '26000');
            sql = stmt.sql;
            const n = parameterCount(stmt.sql);
            this.ctx.write(parameterDescription(Array.from({ length: n }, (_, i) => stmt.oids[i] || OID.TEXT)));
            this.ctx.write(describeStatement(this.ctx.eddy, stmt.sql, n, this.info));
          } else {
            // A DECLAREd cursor is a portal too: psycopg describes its named cursor so.
            const cursor = this.portals.has(name) ? undefined : this.ctx.transaction.find(name);
            if (cursor) {
              this.ctx.write(describe(cursor.portal));
              break;
            }
            const p = this.portal(name);
            sql = p.sql;
            const opened = this.open(p);
            this.ctx.write(describe(opened, columnFormats(opened, p.resultFormats)));
          }
          break;
        }
        case 'E': {
          const name = r.cstring();
          const maxRows = r.int32();
          const p = this.portal(name);
          sql = p.sql;
          const opened = this.open(p);
          const done = await execute(this.ctx, opened, maxRows, dataRows(opened, columnFormats(opened, p.resultFormats)));
          if (done === 'complete') {
            // An executed portal that is executed again sends no more rows, just its tag.
            p.opened = opened.kind === 'tag' ? opened : { kind: 'empty' };
          }
          break;
        }
        case 'C': {
          const what = r.byte();
          const name = r.cstring();
          if (what === 'S') this.statements.delete(name);
          else this.dropPortal(name);
          this.ctx.write(closeComplete());
          break;
        }
      }
    } catch (e) {
      this.failed = true;
      this.ctx.transaction.fail();
      this.ctx.write(errorResponse(e instanceof ProtocolError || e instanceof ParameterError ? { severity: 'ERROR', code: e.code, message: e.message } : errorFields(e, sql)));
    }
    return true;
  }

  private portal(name: string): BoundPortal {
    const p = this.portals.get(name);
    if (!p) throw new ProtocolError(`portal "${name}" does not exist`, '34000');
    return p;
  }

  /** Runs the portal's statement the first time it is needed. One statement per portal, as in PostgreSQL. */
  private open(p: BoundPortal): Portal {
    if (p.opened) return p.opened;
    const tx = parseTransactionStatement(p.sql);
    if (tx) return (p.opened = transactionPortal(this.ctx, this.info, tx));
    this.ctx.transaction.assertUsable();
    const chore = catalogAnswer(p.sql, this.ctx.eddy, this.info);
    if (chore) return (p.opened = openCatalog(chore));
    const steps = this.ctx.inSession(() => this.ctx.eddy.script(p.sql));
    if (steps.length === 0) {
      this.ctx.write(emptyQueryResponse());
      return (p.opened = { kind: 'empty' });
    }
    if (steps.length > 1) throw new ProtocolError('cannot insert multiple commands into a prepared statement', '42601');
    p.opened = openStep(this.ctx, steps[0]!);
    if (p.opened.kind === 'tag') this.ctx.transaction.tookEffect();
    return p.opened;
  }

  private dropPortal(name: string): void {
    const p = this.portals.get(name);
    if (p?.opened) closePortal(p.opened);
    this.portals.delete(name);
  }

  /** Ends whatever portals hold open (the connection is closing). */
  closeAll(): void {
    for (const name of [...this.portals.keys()]) this.dropPortal(name);
  }
}

/**
 * A prepared statement's result columns before it has parameters: a pull query is planned with
 * NULL for each parameter (planning runs nothing) and its cursor closed unread; any other statement
 * is described as returning no rows, since describing it must not execute it.
 */
function describeStatement(eddy: Eddy, sql: string, n: number, info: SessionInfo): Buffer {
  const chore = catalogAnswer(sql, eddy, info);
  if (chore) return chore.kind === 'rows' ? rowDescription(resultShape(chore.columns).fields) : noData();
  try {
    const steps = eddy.script(
      substitute(
        sql,
        Array.from({ length: n }, () => null),
        [],
      ),
    );
    const step = steps[0];
    if (steps.length === 1 && step?.kind === 'pull') {
      const cursor = step.open();
      cursor.chunks.return();
      return rowDescription(resultShape(cursor.columns).fields);
    }
  } catch {
    // Planning with NULLs can fail where the real values would not: describe no columns then.
  }
  return noData();
}
