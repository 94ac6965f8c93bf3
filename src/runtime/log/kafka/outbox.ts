// Output of a persistent query on its way to Kafka, per task (task n = partition n of every input
// topic). A batch's output is staged here in the same SQLite transaction as the query's state and
// offsets, one row per task that moved, with the task's positions before and after it; the row is
// then delivered in a Kafka transaction of the task's producer together with those offsets. When
// this server (re)gains a task, its rows are checked against the group's committed offsets: rows
// Kafka already holds are dropped, and so is a chain that does not start where Kafka is (another
// server processed those records meanwhile).

import type Database from 'better-sqlite3';
import type { Header } from '../../../planner/record.js';
import { packRecords } from './record-pack.js';
import type { OutputBatch, Position, WireAppend } from './wire.js';

/** How rows staged before records were packed hold them (JSON, bytes in base64): still delivered after an upgrade. */
type JsonRecord = [topic: string, partition: number | null, ts: number, key: string | null, value: string | null, headers: [string, string | null][]];

export interface StagedBatch {
  readonly records: readonly WireAppend[];
  /** The task's positions before the batch… */
  readonly from: readonly Position[];
  /** …and after it. */
  readonly offsets: readonly Position[];
}

interface Span {
  from: Position[];
  offsets: Position[];
}

export class Outbox {
  private readonly insert: Database.Statement;
  private readonly pendingRows: Database.Statement;
  private readonly spans: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly removeTask: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly owner: string,
  ) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS kafka_task_outbox (owner TEXT NOT NULL, task INTEGER NOT NULL, seq INTEGER NOT NULL, span TEXT NOT NULL, records BLOB NOT NULL, PRIMARY KEY (owner, task, seq)) WITHOUT ROWID',
    );
    this.insert = db.prepare(
      'INSERT INTO kafka_task_outbox(owner, task, seq, span, records) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM kafka_task_outbox WHERE owner = ? AND task = ?), ?, ?)',
    );
    this.pendingRows = db.prepare('SELECT seq, span, records FROM kafka_task_outbox WHERE owner = ? AND task = ? ORDER BY seq LIMIT ?');
    this.spans = db.prepare('SELECT seq, span FROM kafka_task_outbox WHERE owner = ? AND task = ? ORDER BY seq');
    this.remove = db.prepare('DELETE FROM kafka_task_outbox WHERE owner = ? AND task = ? AND seq <= ?');
    this.removeTask = db.prepare('DELETE FROM kafka_task_outbox WHERE owner = ? AND task = ?');
  }

  stage(task: number, batch: StagedBatch): void {
    this.insert.run(this.owner, task, this.owner, task, JSON.stringify({ from: batch.from, offsets: batch.offsets }), packRecords(batch.records));
  }

  /** The oldest staged batches of a task (up to `limit`) and the sequence number of the last one. */
  pending(task: number, limit: number): { upTo: number; batches: OutputBatch[] } {
    const rows = this.pendingRows.all(this.owner, task, limit) as { seq: number; span: string; records: Buffer | string }[];
    const batches = rows.map((row): OutputBatch => ({ records: typeof row.records === 'string' ? packRecords(fromJson(row.records)) : row.records, offsets: (JSON.parse(row.span) as Span).offsets }));
    return { upTo: rows.length ? rows[rows.length - 1]!.seq : 0, batches };
  }

  /** Forget everything staged for the task. */
  drop(task: number): void {
    this.removeTask.run(this.owner, task);
  }

  delivered(task: number, upTo: number): void {
    this.remove.run(this.owner, task, upTo);
  }

  /**
   * The task was (re)gained with these committed offsets (`topic:partition` → next): drop the rows
   * Kafka already holds, and the rest unless they continue from exactly there. Returns where the
   * remaining rows end (`topic:partition` → next), or undefined when none remain.
   */
  validate(task: number, committed: ReadonlyMap<string, number>): Map<string, number> | undefined {
    const rows = (this.spans.all(this.owner, task) as { seq: number; span: string }[]).map((r) => ({ seq: r.seq, ...(JSON.parse(r.span) as Span) }));
    const reached = (ps: Position[]) => ps.every((p) => (committed.get(`${p.topic}:${p.partition}`) ?? -1) >= p.next);
    let first = 0;
    while (first < rows.length && reached(rows[first]!.offsets)) first++;
    if (first > 0) this.remove.run(this.owner, task, rows[first - 1]!.seq);
    const rest = rows.slice(first);
    if (!rest.length) return undefined;
    const continues = rest[0]!.from.every((p) => {
      const c = committed.get(`${p.topic}:${p.partition}`);
      return c === undefined || c === p.next;
    });
    if (!continues) {
      this.removeTask.run(this.owner, task);
      return undefined;
    }
    return new Map(rest[rest.length - 1]!.offsets.map((p) => [`${p.topic}:${p.partition}`, p.next]));
  }
}

function fromJson(text: string): WireAppend[] {
  const unb64 = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
  return (JSON.parse(text) as JsonRecord[]).map(
    ([topic, partition, timestamp, key, value, headers]): WireAppend => ({
      topic,
      ...(partition !== null ? { partition } : {}),
      timestamp,
      key: unb64(key),
      value: unb64(value),
      headers: headers.map(([k, v]): Header => ({ key: k, value: unb64(v) })),
    }),
  );
}
