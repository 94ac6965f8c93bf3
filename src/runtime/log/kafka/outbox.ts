// Output of a persistent query on its way to Kafka. A batch's output is staged here in the same
// SQLite transaction as the query's state and offsets, then delivered in one Kafka transaction
// together with the consumer-group offsets it reached. After a crash the group offsets tell which
// staged batches Kafka already has: a batch whose offsets the group reached was delivered.

import type Database from 'better-sqlite3';
import type { Header } from '../../../planner/record.js';
import type { OutputBatch, Position, WireAppend } from './wire.js';

type StoredRecord = [topic: string, partition: number | null, ts: number, key: string | null, value: string | null, headers: [string, string | null][]];

export class Outbox {
  private readonly insert: Database.Statement;
  private readonly pendingRows: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly owner: string,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS kafka_outbox (owner TEXT NOT NULL, seq INTEGER NOT NULL, batch TEXT NOT NULL, PRIMARY KEY (owner, seq)) WITHOUT ROWID');
    this.insert = db.prepare('INSERT INTO kafka_outbox(owner, seq, batch) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM kafka_outbox WHERE owner = ?), ?)');
    this.pendingRows = db.prepare('SELECT seq, batch FROM kafka_outbox WHERE owner = ? ORDER BY seq LIMIT ?');
    this.remove = db.prepare('DELETE FROM kafka_outbox WHERE owner = ? AND seq <= ?');
  }

  stage(batch: OutputBatch): void {
    const records: StoredRecord[] = batch.records.map((r) => [r.topic, r.partition ?? null, r.timestamp, b64(r.key), b64(r.value), (r.headers ?? []).map((h) => [h.key, b64(h.value)])]);
    this.insert.run(this.owner, this.owner, JSON.stringify({ records, offsets: batch.offsets }));
  }

  /** The oldest staged batches (up to `limit`) and the sequence number of the last one. */
  pending(limit: number): { upTo: number; batches: OutputBatch[] } {
    const rows = this.pendingRows.all(this.owner, limit) as { seq: number; batch: string }[];
    const batches = rows.map((row) => {
      const b = JSON.parse(row.batch) as { records: StoredRecord[]; offsets: Position[] };
      const records = b.records.map(([topic, partition, timestamp, key, value, headers]): WireAppend => ({
        topic,
        ...(partition !== null ? { partition } : {}),
        timestamp,
        key: unb64(key),
        value: unb64(value),
        headers: headers.map(([k, v]): Header => ({ key: k, value: unb64(v) })),
      }));
      return { records, offsets: b.offsets };
    });
    return { upTo: rows.length ? rows[rows.length - 1]!.seq : 0, batches };
  }

  delivered(upTo: number): void {
    this.remove.run(this.owner, upTo);
  }

  /** Drop staged batches Kafka already holds: the group's committed offsets reached theirs. */
  dropDelivered(committed: readonly Position[]): void {
    const at = new Map(committed.map((c) => [`${c.topic}:${c.partition}`, c.next]));
    for (;;) {
      const { upTo, batches } = this.pending(1);
      const b = batches[0];
      if (!b || !b.offsets.every((o) => (at.get(`${o.topic}:${o.partition}`) ?? -1) >= o.next)) return;
      this.delivered(upTo);
    }
  }
}

function b64(b: Uint8Array | null): string | null {
  return b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function unb64(s: string | null): Buffer | null {
  return s === null ? null : Buffer.from(s, 'base64');
}
