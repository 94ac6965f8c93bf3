// The embedded log: topics as rows of one SQLite table, keyed by (topic, partition, offset).
// It lives in the engine's database so appends commit in the same transaction as the query
// state and offsets that produced them; it never opens transactions of its own.

import type Database from 'better-sqlite3';
import type { Header } from '../../planner/record.js';
import { partitionFor } from './partitioner.js';
import type { AppendRecord, ChannelOptions, LogRecord, QueryChannel, TopicInfo, TopicLog } from './topic-log.js';

/** A row as `raw` arrays: partition, offset, ts, k, v, h, ws, we. */
type Row = [number, number, number, Buffer | null, Buffer | null, string | null, number | null, number | null];

/** Rows per multi-row INSERT: one statement call instead of many is most of an append's cost. */
const INSERT_CHUNK = 32;
const ROW_PARAMS = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';

export class SqliteLog implements TopicLog {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly ends = new Map<string, number>();
  private readonly roundRobin = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly insertChunk: Database.Statement;
  private readonly select: Database.Statement;
  private readonly maxOffset: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS log (topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL, ts INTEGER NOT NULL,
        k BLOB, v BLOB, h TEXT, ws INTEGER, we INTEGER, PRIMARY KEY (topic, partition, "offset")) WITHOUT ROWID;
    `);
    for (const r of db.prepare('SELECT name, partitions FROM topics').all() as TopicInfo[]) this.topics.set(r.name, { name: r.name, partitions: r.partitions });
    this.insert = db.prepare(`INSERT INTO log(topic, partition, "offset", ts, k, v, h, ws, we) VALUES ${ROW_PARAMS}`);
    this.insertChunk = db.prepare(`INSERT INTO log(topic, partition, "offset", ts, k, v, h, ws, we) VALUES ${new Array<string>(INSERT_CHUNK).fill(ROW_PARAMS).join(', ')}`);
    this.select = db.prepare('SELECT partition, "offset", ts, k, v, h, ws, we FROM log WHERE topic = ? AND partition = ? AND "offset" >= ? ORDER BY "offset" LIMIT ?').raw(true);
    this.maxOffset = db.prepare('SELECT MAX("offset") AS m FROM log WHERE topic = ? AND partition = ?');
  }

  createTopic(name: string, partitions: number): void {
    if (this.topics.has(name)) return;
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`Invalid partition count for topic '${name}': ${partitions}`);
    this.db.prepare('INSERT INTO topics(name, partitions) VALUES (?, ?)').run(name, partitions);
    this.topics.set(name, { name, partitions });
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  describeTopic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteTopic(name: string): void {
    this.db.prepare('DELETE FROM log WHERE topic = ?').run(name);
    this.db.prepare('DELETE FROM topics WHERE name = ?').run(name);
    this.topics.delete(name);
    for (const k of [...this.ends.keys()]) if (k.startsWith(`${name}\u0000`)) this.ends.delete(k);
  }

  endOffset(topic: string, partition: number): number {
    const key = `${topic}\u0000${partition}`;
    let end = this.ends.get(key);
    if (end === undefined) {
      const m = (this.maxOffset.get(topic, partition) as { m: number | null }).m;
      end = m === null ? 0 : m + 1;
      this.ends.set(key, end);
    }
    return end;
  }

  append(topic: string, records: readonly AppendRecord[]): { partition: number; offset: number }[] {
    const info = this.topics.get(topic);
    if (!info) throw new Error(`Topic '${topic}' does not exist`);
    const out: { partition: number; offset: number }[] = [];
    const params: unknown[] = [];
    for (const r of records) {
      let p = r.partition;
      if (p === undefined) {
        if (info.partitions === 1) p = 0;
        else if (r.key) p = partitionFor(r.key, info.partitions);
        else {
          p = (this.roundRobin.get(topic) ?? 0) % info.partitions;
          this.roundRobin.set(topic, p + 1);
        }
      }
      if (p < 0 || p >= info.partitions) throw new Error(`Partition ${p} of topic '${topic}' does not exist (it has ${info.partitions})`);
      const offset = this.endOffset(topic, p);
      params.push(topic, p, offset, r.timestamp, r.key, r.value, r.headers?.length ? encodeHeaders(r.headers) : null, r.window?.start ?? null, r.window?.end ?? null);
      if (params.length === INSERT_CHUNK * 9) this.insertChunk.run(params.splice(0));
      this.ends.set(`${topic}\u0000${p}`, offset + 1);
      out.push({ partition: p, offset });
    }
    for (let i = 0; i < params.length; i += 9) this.insert.run(params.slice(i, i + 9));
    return out;
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[] {
    const rows = this.select.all(topic, partition, fromOffset, maxRecords) as Row[];
    return rows.map(([p, offset, timestamp, key, value, h, ws, we]): LogRecord => {
      const headers = h ? decodeHeaders(h) : NO_HEADERS;
      return ws !== null ? { topic, partition: p, offset, timestamp, key, value, headers, window: { start: ws, end: we ?? ws } } : { topic, partition: p, offset, timestamp, key, value, headers };
    });
  }

  openChannel(_owner: string, _opts: ChannelOptions): QueryChannel {
    return {
      repeatable: true,
      poll: (positions, max, peek) => positions.map((p, n) => ({ owned: true, groupNext: null, records: !peek?.[n] && this.hasTopic(p.topic) ? this.read(p.topic, p.partition, p.next, max) : [] })),
      stage: (output) => void (output?.records.length && this.append(output.topic, output.records)),
      deliver: () => true,
      close: () => {},
    };
  }

  close(): void {}

  /** Forget cached end offsets (after a rolled-back transaction). */
  resetCache(): void {
    this.ends.clear();
  }
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);

function encodeHeaders(h: readonly Header[]): string {
  return JSON.stringify(h.map((x) => [x.key, x.value === null ? null : Buffer.from(x.value).toString('base64')]));
}

function decodeHeaders(s: string): Header[] {
  return (JSON.parse(s) as [string, string | null][]).map(([key, v]) => ({ key, value: v === null ? null : Buffer.from(v, 'base64') }));
}
