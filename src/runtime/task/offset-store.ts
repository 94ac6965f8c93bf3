// The offsets table: where each persistent query's reading of each source partition stands. The
// next offset commits in the batch's transaction, with the output and state it produced; a
// restarted task resumes from it. The one place that writes SQL against `offsets`.
//
// Scale-out with state (Kafka with a --service-id) also keeps, under the owner `<id>#start`, where
// the query first started reading each partition: a task no server has committed yet starts there,
// its state restored empty (query-task.ts).

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

  /** The owner of a scale-out query's start positions. */
  static startOwner(owner: string): string {
    return `${owner}#start`;
  }

  /** A query terminated for good: its positions (and its start positions) go with it. */
  static drop(db: Database.Database, owner: string): void {
    db.prepare('DELETE FROM offsets WHERE owner = ? OR owner = ?').run(owner, OffsetStore.startOwner(owner));
  }
}
