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

/**
 * The newest records of each partition stay in memory, so a query reading what another query has
 * just appended (a chained query, one cycle later) needs no SELECT. Bounded per partition by count
 * and by bytes; a read starting before the tail goes to SQLite.
 */
const TAIL_RECORDS = 65_536;
const TAIL_BYTES = 16 * 1024 * 1024;

/**
 * One partition's end offset and tail: `segments` hold the offsets just before `end`, in order.
 *
 * The log never sees its caller's transaction commit or roll back, so what it cached while a
 * transaction was open may turn out never to have existed. Rather than rely on every caller to
 * report a rollback (one forgotten caller would serve phantom records), the cache distrusts itself:
 * while `unconfirmed` is set, the row at that offset (the newest one that may be uncommitted) is
 * looked up before the cache is used. Gone: the transaction, or a savepoint, rolled back, and the
 * cache is rebuilt from SQLite. There: SQLite would return the same rows now (committed, or the open
 * transaction's own), and once seen outside any transaction they are committed for good. The cost
 * is one point lookup per partition access after an append instead of a SELECT of the records.
 * Rows appended at the same offsets by another connection would fool the check; the cached end
 * offsets already assume this connection is the only writer.
 */
interface Partition {
  end: number;
  segments: Segment[];
  records: number;
  bytes: number;
  /** Offset of the newest row that may be uncommitted, or -1 once all that is cached is committed. */
  unconfirmed: number;
}

/** Numbers per record in a segment: timestamp, byte position, key length, value length (-1: null), window start and end (NaN: none). */
const META = 6;
const SEGMENT_RECORDS = 4096;
const SEGMENT_BYTES = 1024 * 1024;

/**
 * Consecutive records kept as bytes and numbers, not as objects: the tail outlives several
 * young-generation collections, and records kept as objects were copied by each, then promoted and
 * left to full collections. Reads build short-lived records whose keys and values are views of the
 * segment's bytes, which are never overwritten.
 */
class Segment {
  count = 0;
  bytes = 0;
  private used = 0;
  private meta = new Float64Array(64 * META);
  private data = Buffer.allocUnsafeSlow(16 * 1024);
  private headers: Map<number, readonly Header[]> | undefined;

  constructor(readonly base: number) {}

  get full(): boolean {
    return this.count === SEGMENT_RECORDS || this.used >= SEGMENT_BYTES;
  }

  /** Copies the record in (the caller may reuse its buffers); returns the bytes it takes. */
  add(r: AppendRecord): number {
    const klen = r.key === null ? -1 : r.key.length;
    const vlen = r.value === null ? -1 : r.value.length;
    const size = Math.max(klen, 0) + Math.max(vlen, 0);
    if (this.used + size > this.data.length) {
      const data = Buffer.allocUnsafeSlow(Math.max(this.data.length * 2, this.used + size));
      this.data.copy(data, 0, 0, this.used);
      this.data = data;
    }
    if ((this.count + 1) * META > this.meta.length) {
      const meta = new Float64Array(Math.min(this.meta.length * 2, SEGMENT_RECORDS * META));
      meta.set(this.meta);
      this.meta = meta;
    }
    const m = this.count * META;
    this.meta[m] = r.timestamp;
    this.meta[m + 1] = this.used;
    this.meta[m + 2] = klen;
    this.meta[m + 3] = vlen;
    this.meta[m + 4] = r.window ? r.window.start : NaN;
    this.meta[m + 5] = r.window ? r.window.end : NaN;
    if (r.key !== null) this.data.set(r.key, this.used);
    if (r.value !== null) this.data.set(r.value, this.used + Math.max(klen, 0));
    this.used += size;
    let bytes = size + META * 8;
    if (r.headers?.length) {
      // As a SELECT decodes them: Buffers, copied.
      const headers = r.headers.map((x) => ({ key: x.key, value: x.value === null ? null : Buffer.from(x.value) }));
      (this.headers ??= new Map()).set(this.count, headers);
      for (const h of headers) bytes += h.key.length + (h.value?.length ?? 0) + 64;
    }
    this.count++;
    this.bytes += bytes;
    return bytes;
  }

  /** The i-th record as a SELECT returns it. */
  record(topic: string, partition: number, i: number): LogRecord {
    const meta = this.meta;
    const m = i * META;
    const at = meta[m + 1]!;
    const klen = meta[m + 2]!;
    const vlen = meta[m + 3]!;
    const vat = at + Math.max(klen, 0);
    const key = klen < 0 ? null : this.data.subarray(at, at + klen);
    const value = vlen < 0 ? null : this.data.subarray(vat, vat + vlen);
    const headers = this.headers?.get(i) ?? NO_HEADERS;
    const offset = this.base + i;
    const timestamp = meta[m]!;
    const ws = meta[m + 4]!;
    return !Number.isNaN(ws) ? { topic, partition, offset, timestamp, key, value, headers, window: { start: ws, end: meta[m + 5]! } } : { topic, partition, offset, timestamp, key, value, headers };
  }
}

export class SqliteLog implements TopicLog {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly cache = new Map<string, Partition>();
  private readonly roundRobin = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly insertChunk: Database.Statement;
  private readonly select: Database.Statement;
  private readonly maxOffset: Database.Statement;
  private readonly exists: Database.Statement;

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
    this.exists = db.prepare('SELECT 1 FROM log WHERE topic = ? AND partition = ? AND "offset" = ?').pluck(true);
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
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${name}\u0000`)) this.cache.delete(k);
  }

  endOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).end;
  }

  /** The partition's cache, checked against SQLite first while it may hold rolled-back rows. */
  private partition(topic: string, partition: number): Partition {
    const key = `${topic}\u0000${partition}`;
    let c = this.cache.get(key);
    if (c && c.unconfirmed >= 0) {
      if (this.exists.get(topic, partition, c.unconfirmed) === undefined) c = undefined;
      else if (!this.db.inTransaction) c.unconfirmed = -1;
    }
    if (!c) {
      const m = (this.maxOffset.get(topic, partition) as { m: number | null }).m;
      // Found inside a transaction, the newest row may be that transaction's own: check it later.
      c = { end: m === null ? 0 : m + 1, segments: [], records: 0, bytes: 0, unconfirmed: m !== null && this.db.inTransaction ? m : -1 };
      this.cache.set(key, c);
    }
    return c;
  }

  append(topic: string, records: readonly AppendRecord[]): { partition: number; offset: number }[] {
    const info = this.topics.get(topic);
    if (!info) throw new Error(`Topic '${topic}' does not exist`);
    const out: { partition: number; offset: number }[] = [];
    const params: unknown[] = [];
    // Offsets are counted here; the cache changes only once every row is in.
    const parts = new Map<number, Partition>();
    const ends = new Map<number, number>();
    try {
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
        let offset = ends.get(p);
        if (offset === undefined) {
          const c = this.partition(topic, p);
          parts.set(p, c);
          offset = c.end;
        }
        params.push(topic, p, offset, r.timestamp, r.key, r.value, r.headers?.length ? encodeHeaders(r.headers) : null, r.window?.start ?? null, r.window?.end ?? null);
        if (params.length === INSERT_CHUNK * 9) this.insertChunk.run(params.splice(0));
        ends.set(p, offset + 1);
        out.push({ partition: p, offset });
      }
      for (let i = 0; i < params.length; i += 9) this.insert.run(params.slice(i, i + 9));
    } catch (e) {
      // Some rows may be in, and the caller may yet commit them: the next access asks SQLite.
      for (const p of parts.keys()) this.cache.delete(`${topic}\u0000${p}`);
      throw e;
    }
    const inTransaction = this.db.inTransaction;
    for (let i = 0; i < records.length; i++) {
      const { partition, offset } = out[i]!;
      const c = parts.get(partition)!;
      let seg = c.segments.at(-1);
      if (!seg || seg.full) c.segments.push((seg = new Segment(offset)));
      c.bytes += seg.add(records[i]!);
      c.records++;
      c.end = offset + 1;
      if (inTransaction) c.unconfirmed = offset;
    }
    for (const c of parts.values()) {
      while (c.segments.length > 1 && (c.records > TAIL_RECORDS || c.bytes > TAIL_BYTES)) {
        const old = c.segments.shift()!;
        c.records -= old.count;
        c.bytes -= old.bytes;
      }
    }
    return out;
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[] {
    const info = this.topics.get(topic);
    if (info && Number.isInteger(partition) && partition >= 0 && partition < info.partitions) {
      const c = this.partition(topic, partition);
      if (fromOffset >= c.end - c.records) {
        if (fromOffset >= c.end || maxRecords === 0) return [];
        // SQLite reads a negative LIMIT as none.
        const limit = maxRecords < 0 ? Infinity : maxRecords;
        const from = Math.ceil(fromOffset);
        const out: LogRecord[] = [];
        let s = c.segments.length - 1;
        while (c.segments[s]!.base > from) s--;
        for (let i = from - c.segments[s]!.base; s < c.segments.length && out.length < limit; s++, i = 0) {
          const seg = c.segments[s]!;
          for (; i < seg.count && out.length < limit; i++) out.push(seg.record(topic, partition, i));
        }
        return out;
      }
    }
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

  /** Forget cached end offsets and tails (not needed after a rollback: see Partition). */
  resetCache(): void {
    this.cache.clear();
  }
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);

function encodeHeaders(h: readonly Header[]): string {
  return JSON.stringify(h.map((x) => [x.key, x.value === null ? null : Buffer.from(x.value).toString('base64')]));
}

function decodeHeaders(s: string): Header[] {
  return (JSON.parse(s) as [string, string | null][]).map(([key, v]) => ({ key, value: v === null ? null : Buffer.from(v, 'base64') }));
}
