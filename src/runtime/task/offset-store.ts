// The offsets table: where each persistent query's reading of each source partition stands. The
// next offset commits in the batch's transaction, with the output and state it produced; a
// restarted task resumes from it. The one place that writes SQL against `offsets`.

import type Database from 'better-sqlite3';

export class OffsetStore {
  private readonly upsert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare('INSERT INTO offsets(owner, topic, partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT(owner, topic, partition) DO UPDATE SET next_offset = excluded.next_offset');
  }

  /** `owner`'s committed next offsets, keyed `topic:partition`. */
  load(owner: string): Map<string, number> {
    const saved = new Map<string, number>();
    for (const r of this.db.prepare('SELECT topic, partition, next_offset FROM offsets WHERE owner = ?').all(owner) as { topic: string; partition: number; next_offset: number }[]) {
      saved.set(`${r.topic}:${r.partition}`, r.next_offset);
    }
    return saved;
  }

  save(owner: string, topic: string, partition: number, next: number): void {
    this.upsert.run(owner, topic, partition, next);
  }

  /** A query terminated for good: its positions go with it. */
  static drop(db: Database.Database, owner: string): void {
    db.prepare('DELETE FROM offsets WHERE owner = ?').run(owner);
  }
}
