// The SQLite sink: another SQLite file (not Eddy's own), written through its own connection. Each
// delivery is one transaction of that file holding the rows and the query's position in
// `_eddy_offsets`, exactly as the PostgreSQL sink does (postgres-sink.ts), only synchronously.

import Database from 'better-sqlite3';
import { sqlName } from '../../planner/sink-settings.js';
import type { SinkBatch, SinkShape, SinkWriter } from './sink-writer.js';
import { sqliteType, sqliteValue } from './sink-values.js';

export interface SqliteSinkSettings {
  readonly path: string;
  readonly table: string;
}

export class SqliteSink implements SinkWriter {
  readonly guarantee = 'exactly-once';
  readonly target: string;
  private db: Database.Database | undefined;
  private statements: { position: Database.Statement; move: Database.Statement; insert: Database.Statement; remove: Database.Statement | undefined } | undefined;

  constructor(
    private readonly shape: SinkShape,
    private readonly owner: string,
    private readonly settings: SqliteSinkSettings,
  ) {
    this.target = `sqlite ${settings.path} table ${settings.table}`;
  }

  write(batches: readonly SinkBatch[]): void {
    const { db, statements: s } = this.open();
    const cols = this.shape.columns;
    db.transaction(() => {
      const done = (s.position.get(this.owner, this.settings.table) as { batch: number } | undefined)?.batch ?? 0;
      let last = done;
      for (const b of batches) {
        if (b.id <= done) continue;
        for (const r of b.rows) {
          const vs = r.values.map((v, i) => sqliteValue(v, cols[i]!.type));
          if (!r.delete) s.insert.run(vs);
          else if (s.remove) s.remove.run(cols.flatMap((c, i) => (c.key ? [vs[i]] : [])));
        }
        last = b.id;
      }
      if (last > done) s.move.run(this.owner, this.settings.table, last);
    })();
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private open(): { db: Database.Database; statements: NonNullable<SqliteSink['statements']> } {
    if (this.db && this.statements) return { db: this.db, statements: this.statements };
    const db = new Database(this.settings.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // as Eddy's own file: a commit survives the process, not a power cut
    db.pragma('busy_timeout = 5000');
    const cols = this.shape.columns;
    const names = cols.map((c) => quote(sqlName(c.name)));
    const keys = cols.flatMap((c, i) => (c.key ? [names[i]!] : []));
    const table = quote(this.settings.table);
    const primary = this.shape.isTable && keys.length ? `, PRIMARY KEY (${keys.join(', ')})` : '';
    db.exec(`CREATE TABLE IF NOT EXISTS _eddy_offsets (query_id TEXT NOT NULL, target TEXT NOT NULL, batch INTEGER NOT NULL, PRIMARY KEY (query_id, target));
      CREATE TABLE IF NOT EXISTS ${table} (${cols.map((c, i) => `${names[i]} ${sqliteType(c.type)}`).join(', ')}${primary})`);
    const values = names.filter((_n, i) => !cols[i]!.key);
    const upsert = this.shape.isTable && keys.length ? ` ON CONFLICT (${keys.join(', ')}) DO ${values.length ? `UPDATE SET ${values.map((v) => `${v} = excluded.${v}`).join(', ')}` : 'NOTHING'}` : '';
    this.statements = {
      position: db.prepare('SELECT batch FROM _eddy_offsets WHERE query_id = ? AND target = ?'),
      move: db.prepare('INSERT INTO _eddy_offsets(query_id, target, batch) VALUES (?, ?, ?) ON CONFLICT (query_id, target) DO UPDATE SET batch = excluded.batch'),
      insert: db.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})${upsert}`),
      remove: this.shape.isTable && keys.length ? db.prepare(`DELETE FROM ${table} WHERE ${keys.map((k) => `${k} = ?`).join(' AND ')}`) : undefined,
    };
    this.db = db;
    return { db, statements: this.statements };
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
