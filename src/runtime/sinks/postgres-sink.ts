// The PostgreSQL sink (the `pg` driver). Each delivery is one PostgreSQL transaction: it locks the
// row of `_eddy_offsets` for the query and target table (the last batch id applied), skips batches
// at or below it, applies the rest — a stream's rows appended with multi-row INSERTs, a table's
// changes collapsed to the last one per key and applied as INSERT … ON CONFLICT (key) DO UPDATE and
// DELETE for tombstones — and moves the row to the last id, then commits. So rows and position
// commit together in the target, and a batch delivered again after a crash is skipped there
// (sink-delivery.ts has the order).
import pg from 'pg';
import { keyString } from '../../planner/value-json.js';
import type { Value } from '../../planner/values.js';
import { sqlName } from '../../planner/sink-settings.js';
import type { SinkBatch, SinkShape, SinkWriter } from './sink-writer.js';
import { postgresParam, postgresType } from './sink-values.js';

export interface PostgresSinkSettings {
  readonly table: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly passwordEnv?: string;
}

/** PostgreSQL takes at most 65535 parameters per statement. */
const MAX_PARAMS = 60_000;

export class PostgresSink implements SinkWriter {
  readonly guarantee = 'exactly-once';
  readonly target: string;
  private client: pg.Client | undefined;
  private ready: Promise<pg.Client> | undefined;
  private readonly table: string;
  private readonly names: string;
  private readonly keyAt: number[];

  constructor(
    private readonly shape: SinkShape,
    private readonly owner: string,
    private readonly settings: PostgresSinkSettings,
  ) {
    const where = `${settings.user ? `${settings.user}@` : ''}${settings.host ?? '(PGHOST)'}${settings.port ? `:${settings.port}` : ''}/${settings.database ?? '(PGDATABASE)'}`;
    this.target = `postgres ${where} table ${settings.table}`;
    this.table = quoteTable(settings.table);
    this.names = shape.columns.map((c) => quote(sqlName(c.name))).join(', ');
    this.keyAt = shape.columns.flatMap((c, i) => (c.key ? [i] : []));
  }

  write(batches: readonly SinkBatch[]): Promise<void> {
    return this.connect().then((c) => this.apply(c, batches));
  }

  close(): void {
    const c = this.client;
    this.client = undefined;
    this.ready = undefined;
    c?.end().catch(() => {});
  }

  private connect(): Promise<pg.Client> {
    if (this.ready) return this.ready;
    const s = this.settings;
    const password = s.passwordEnv ? process.env[s.passwordEnv] : undefined;
    const client = new pg.Client({
      ...(s.host ? { host: s.host } : {}),
      ...(s.port ? { port: s.port } : {}),
      ...(s.database ? { database: s.database } : {}),
      ...(s.user ? { user: s.user } : {}),
      ...(password !== undefined ? { password } : {}),
    });
    // A connection that dies between deliveries must not crash the process: the next write reconnects.
    client.on('error', () => {
      if (this.client === client) this.close();
    });
    this.ready = client
      .connect()
      .then(() => client.query(this.createSql()))
      .then(() => {
        this.client = client;
        return client;
      })
      .catch((e: unknown) => {
        this.ready = undefined;
        client.end().catch(() => {});
        throw e;
      });
    return this.ready;
  }

  private createSql(): string {
    const cols = this.shape.columns.map((c) => `${quote(sqlName(c.name))} ${postgresType(c.type)}`);
    const key = this.shape.isTable && this.keyAt.length ? `, PRIMARY KEY (${this.keyAt.map((i) => quote(sqlName(this.shape.columns[i]!.name))).join(', ')})` : '';
    // Two sinks creating at once would race in the catalog (CREATE … IF NOT EXISTS is not atomic): one lock serialises them.
    return `BEGIN; SELECT pg_advisory_xact_lock(hashtext('eddy sink tables'));
      CREATE TABLE IF NOT EXISTS _eddy_offsets (query_id text NOT NULL, target text NOT NULL, batch bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (query_id, target));
      CREATE TABLE IF NOT EXISTS ${this.table} (${cols.join(', ')}${key}); COMMIT`;
  }

  private async apply(c: pg.Client, batches: readonly SinkBatch[]): Promise<void> {
    try {
      await c.query('BEGIN');
      const id = [this.owner, this.settings.table];
      await c.query('INSERT INTO _eddy_offsets(query_id, target, batch) VALUES ($1, $2, 0) ON CONFLICT (query_id, target) DO NOTHING', id);
      const at = (await c.query<{ batch: string }>('SELECT batch FROM _eddy_offsets WHERE query_id = $1 AND target = $2 FOR UPDATE', id)).rows[0]!;
      const done = Number(at.batch);
      const fresh = batches.filter((b) => b.id > done);
      if (fresh.length) {
        if (this.shape.isTable) await this.upsert(c, fresh);
        else
          await this.append(
            c,
            fresh.flatMap((b) => b.rows.filter((r) => !r.delete).map((r) => r.values)),
          );
        await c.query('UPDATE _eddy_offsets SET batch = $3, updated_at = now() WHERE query_id = $1 AND target = $2', [...id, fresh[fresh.length - 1]!.id]);
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  private async append(c: pg.Client, rows: readonly (readonly Value[])[]): Promise<void> {
    const per = Math.max(1, Math.floor(MAX_PARAMS / this.shape.columns.length));
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      await c.query(`INSERT INTO ${this.table} (${this.names}) VALUES ${this.placeholders(chunk.length)}`, this.params(chunk));
    }
  }

  /** The last change per key wins (one statement may not touch a row twice): deletes, then upserts. */
  private async upsert(c: pg.Client, batches: readonly SinkBatch[]): Promise<void> {
    const last = new Map<string, { values: readonly Value[]; delete: boolean }>();
    for (const b of batches) for (const r of b.rows) last.set(keyString(this.keyAt.map((i) => r.values[i]!)), r);
    const dels: (readonly Value[])[] = [];
    const ups: (readonly Value[])[] = [];
    for (const r of last.values()) (r.delete ? dels : ups).push(r.values);
    const cols = this.shape.columns;
    const keyNames = this.keyAt.map((i) => quote(sqlName(cols[i]!.name)));
    const perDelete = Math.max(1, Math.floor(MAX_PARAMS / this.keyAt.length));
    for (let i = 0; i < dels.length; i += perDelete) {
      const chunk = dels.slice(i, i + perDelete);
      const params = chunk.flatMap((r) => this.keyAt.map((k) => postgresParam(r[k]!, cols[k]!.type)));
      const tuples = chunk.map((_, n) => `(${this.keyAt.map((_k, j) => `$${n * this.keyAt.length + j + 1}`).join(', ')})`);
      await c.query(`DELETE FROM ${this.table} WHERE (${keyNames.join(', ')}) IN (${tuples.join(', ')})`, params);
    }
    const values = cols.flatMap((col, i) => (col.key ? [] : [quote(sqlName(col.name))]));
    const update = values.length ? `DO UPDATE SET ${values.map((v) => `${v} = EXCLUDED.${v}`).join(', ')}` : 'DO NOTHING';
    const per = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
    for (let i = 0; i < ups.length; i += per) {
      const chunk = ups.slice(i, i + per);
      await c.query(`INSERT INTO ${this.table} (${this.names}) VALUES ${this.placeholders(chunk.length)} ON CONFLICT (${keyNames.join(', ')}) ${update}`, this.params(chunk));
    }
  }

  private placeholders(rows: number): string {
    const n = this.shape.columns.length;
    const out: string[] = [];
    for (let r = 0; r < rows; r++) out.push(`(${Array.from({ length: n }, (_, j) => `$${r * n + j + 1}`).join(', ')})`);
    return out.join(', ');
  }

  private params(rows: readonly (readonly Value[])[]): unknown[] {
    const cols = this.shape.columns;
    const out: unknown[] = [];
    for (const r of rows) for (let i = 0; i < cols.length; i++) out.push(postgresParam(r[i]!, cols[i]!.type));
    return out;
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` or `table`, each part quoted. */
function quoteTable(name: string): string {
  return name.split('.').map(quote).join('.');
}
