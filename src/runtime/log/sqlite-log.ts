// The embedded log: each partition a sequence of chunks, one SQLite row per run of consecutive
// records (log-segment.ts holds the layout), keyed by (topic, partition, base offset). One row per
// record made an append and a read cost a statement step, nine bound values and freshly allocated
// blobs per record: most of the time of a query over the log. It lives in the engine's database so
// appends commit in the same transaction as the query state and offsets that produced them; it
// never opens transactions of its own.

import type Database from 'better-sqlite3';
import { Segment, SEGMENT_BYTES, SEGMENT_RECORDS, type StoredChunk } from './log-segment.js';
import { partitionFor } from './partitioner.js';
import { valueRunRecords, type AppendRecord, type ChannelOptions, type LogRecord, type QueryChannel, type TopicInfo, type TopicLog, type ValueRun } from './topic-log.js';

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
 * while `unconfirmed` is set, the row holding that offset (the newest one that may be uncommitted) is
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
  /** Offsets below this are committed: a chunk read from SQLite below it can be kept. */
  committed: number;
  /** The last chunk read from SQLite (a reader takes a chunk in several reads). */
  stored: Segment | undefined;
}

/**
 * After an append: marks what is committed (inside a transaction nothing is yet) and lets the
 * oldest segments go once the tail holds more than its bound (reads below fall back to SQLite).
 */
function settleTail(c: Partition, inTransaction: boolean): void {
  if (inTransaction) c.unconfirmed = c.end - 1;
  else if (c.unconfirmed < 0) c.committed = c.end;
  while (c.segments.length > 1 && (c.records > TAIL_RECORDS || c.bytes > TAIL_BYTES)) {
    const old = c.segments.shift()!;
    c.records -= old.count;
    c.bytes -= old.bytes;
  }
}

/** A log_chunks row as a raw array: base, n, ts, kl, vl, w, data, h. */
type ChunkRow = [number, number, Buffer, Buffer, Buffer, Buffer | null, Buffer, string | null];

export class SqliteLog implements TopicLog {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly cache = new Map<string, Partition>();
  private readonly roundRobin = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly chunkAt: Database.Statement;
  private readonly chunkAfter: Database.Statement;
  private readonly lastChunk: Database.Statement;
  private readonly spanAt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS log_chunks (topic TEXT NOT NULL, partition INTEGER NOT NULL, base INTEGER NOT NULL, n INTEGER NOT NULL,
        ts BLOB NOT NULL, kl BLOB NOT NULL, vl BLOB NOT NULL, w BLOB, data BLOB NOT NULL, h TEXT, PRIMARY KEY (topic, partition, base));
    `);
    for (const r of db.prepare('SELECT name, partitions FROM topics').all() as TopicInfo[]) this.topics.set(r.name, { name: r.name, partitions: r.partitions });
    this.insert = db.prepare('INSERT INTO log_chunks(topic, partition, base, n, ts, kl, vl, w, data, h) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const cols = 'base, n, ts, kl, vl, w, data, h';
    this.chunkAt = db.prepare(`SELECT ${cols} FROM log_chunks WHERE topic = ? AND partition = ? AND base <= ? ORDER BY base DESC LIMIT 1`).raw(true);
    this.chunkAfter = db.prepare(`SELECT ${cols} FROM log_chunks WHERE topic = ? AND partition = ? AND base > ? ORDER BY base LIMIT 1`).raw(true);
    this.spanAt = db.prepare('SELECT base, n FROM log_chunks WHERE topic = ? AND partition = ? AND base <= ? ORDER BY base DESC LIMIT 1').raw(true);
    this.lastChunk = db.prepare('SELECT base, n FROM log_chunks WHERE topic = ? AND partition = ? ORDER BY base DESC LIMIT 1').raw(true);
    this.migrateRowLog();
  }

  /** Data directories from before the chunked layout kept one row per record in `log`: moved into chunks once. */
  private migrateRowLog(): void {
    const old = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log'").pluck().get();
    if (old === undefined) return;
    type OldRow = [string, number, number, number, Buffer | null, Buffer | null, string | null, number | null, number | null];
    this.db.transaction(() => {
      // In pages: a statement cannot run while another's iterator is open on the connection.
      const page = this.db
        .prepare('SELECT topic, partition, "offset", ts, k, v, h, ws, we FROM log WHERE (topic, partition, "offset") > (?, ?, ?) ORDER BY topic, partition, "offset" LIMIT 10000')
        .raw(true);
      let seg: Segment | undefined;
      let at = { topic: '', partition: -1 };
      const flush = () => {
        if (seg?.count) this.writeChunk(at.topic, at.partition, seg.stored(0, seg.count));
        seg = undefined;
      };
      let after: [string, number, number] = ['', -1, -1];
      for (;;) {
        const rows = page.all(...after) as OldRow[];
        if (!rows.length) break;
        for (const [topic, partition, offset, ts, k, v, h, ws, we] of rows) {
          if (!seg || seg.full || topic !== at.topic || partition !== at.partition || offset !== seg.end) {
            flush();
            seg = new Segment(offset);
            at = { topic, partition };
          }
          const headers = h ? (JSON.parse(h) as [string, string | null][]).map(([key, x]) => ({ key, value: x === null ? null : Buffer.from(x, 'base64') })) : undefined;
          seg.add({ timestamp: ts, key: k, value: v, ...(headers ? { headers } : {}), ...(ws !== null ? { window: { start: ws, end: we ?? ws } } : {}) });
        }
        const last = rows[rows.length - 1]!;
        after = [last[0], last[1], last[2]];
      }
      flush();
      this.db.exec('DROP TABLE log');
    })();
  }

  private writeChunk(topic: string, partition: number, c: StoredChunk): void {
    this.insert.run(topic, partition, c.base, c.n, c.ts, c.kl, c.vl, c.w, c.data, c.h);
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
    this.db.prepare('DELETE FROM log_chunks WHERE topic = ?').run(name);
    this.db.prepare('DELETE FROM topics WHERE name = ?').run(name);
    this.topics.delete(name);
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${name}\u0000`)) this.cache.delete(k);
  }

  endOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).end;
  }

  /** Whether SQLite holds the record at `offset` (seen from this connection, its open transaction included). */
  private holds(topic: string, partition: number, offset: number): boolean {
    const row = this.spanAt.get(topic, partition, offset) as [number, number] | undefined;
    return row !== undefined && row[0] + row[1] > offset;
  }

  /** The partition's cache, checked against SQLite first while it may hold rolled-back rows. */
  private partition(topic: string, partition: number): Partition {
    const key = `${topic}\u0000${partition}`;
    let c = this.cache.get(key);
    if (c && c.unconfirmed >= 0) {
      if (!this.holds(topic, partition, c.unconfirmed)) c = undefined;
      else if (!this.db.inTransaction) {
        c.unconfirmed = -1;
        c.committed = c.end;
      }
    }
    if (!c) {
      const last = this.lastChunk.get(topic, partition) as [number, number] | undefined;
      const end = last ? last[0] + last[1] : 0;
      // Found inside a transaction, the newest rows may be that transaction's own: check them later.
      const inTx = this.db.inTransaction;
      c = { end, segments: [], records: 0, bytes: 0, unconfirmed: end > 0 && inTx ? end - 1 : -1, committed: inTx ? 0 : end, stored: undefined };
      this.cache.set(key, c);
    }
    return c;
  }

  append(topic: string, records: readonly AppendRecord[]): { partition: number; offset: number }[] {
    const info = this.topics.get(topic);
    if (!info) throw new Error(`Topic '${topic}' does not exist`);
    // Every record's partition first: an append that cannot be placed whole writes nothing.
    const placed = new Array<number>(records.length);
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      let p = r.partition;
      if (p === undefined) {
        if (info.partitions === 1) p = 0;
        else if (r.key) p = partitionFor(r.key, info.partitions);
        else {
          p = (this.roundRobin.get(topic) ?? 0) % info.partitions;
          this.roundRobin.set(topic, p + 1);
        }
      }
      if (!Number.isInteger(p) || p < 0 || p >= info.partitions) throw new Error(`Partition ${p} of topic '${topic}' does not exist (it has ${info.partitions})`);
      placed[i] = p;
      bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    }
    let bytesLeft = bytes;
    const out = new Array<{ partition: number; offset: number }>(records.length);
    const parts = new Map<number, Partition>();
    /** Per partition, the tail segment the append started in and the index it started at: written as one row per segment touched. */
    const firsts = new Map<number, { seg: Segment; from: number }>();
    const inTransaction = this.db.inTransaction;
    try {
      for (let i = 0; i < records.length; i++) {
        const p = placed[i]!;
        let c = parts.get(p);
        if (!c) {
          c = this.partition(topic, p);
          parts.set(p, c);
        }
        let seg = c.segments.at(-1);
        if (!seg || seg.full || seg.end !== c.end) {
          if (seg && firsts.get(p)?.seg === seg) this.flushPiece(topic, p, firsts.get(p)!);
          // Room for the rest of this append (all of it, if one partition takes it), up to a segment's bounds.
          const left = records.length - i;
          c.segments.push((seg = new Segment(c.end, Math.min(Math.max(left, 64), SEGMENT_RECORDS), Math.min(Math.max(bytesLeft, 16 * 1024), SEGMENT_BYTES + 64 * 1024))));
        }
        if (!firsts.has(p) || firsts.get(p)!.seg !== seg) firsts.set(p, { seg, from: seg.count });
        const offset = c.end;
        const r = records[i]!;
        bytesLeft -= (r.key?.length ?? 0) + (r.value?.length ?? 0);
        c.bytes += seg.add(r);
        c.records++;
        c.end = offset + 1;
        out[i] = { partition: p, offset };
      }
      for (const [p, piece] of firsts) this.flushPiece(topic, p, piece);
    } catch (e) {
      // Some rows may be in, and the caller may yet commit them: the next access asks SQLite.
      for (const p of parts.keys()) this.cache.delete(`${topic}\u0000${p}`);
      throw e;
    }
    for (const c of parts.values()) settleTail(c, inTransaction);
    return out;
  }

  /** append(valueRunRecords(run)), each value copied from the run's buffer into the tail segment: no object per record. */
  appendValues(topic: string, run: ValueRun): void {
    const info = this.topics.get(topic);
    if (!info) throw new Error(`Topic '${topic}' does not exist`);
    // Keyless records over several partitions go round-robin, one by one: append's own path.
    if (info.partitions !== 1) {
      this.append(topic, valueRunRecords(run));
      return;
    }
    const { bytes: src, starts, ends, count, timestamp } = run;
    let bytesLeft = 0;
    for (let i = 0; i < count; i++) bytesLeft += ends[i]! - starts[i]!;
    const c = this.partition(topic, 0);
    const inTransaction = this.db.inTransaction;
    let piece: { seg: Segment; from: number } | undefined;
    try {
      for (let i = 0; i < count; i++) {
        let seg = c.segments.at(-1);
        if (!seg || seg.full || seg.end !== c.end) {
          if (piece && piece.seg === seg) this.flushPiece(topic, 0, piece);
          const left = count - i;
          c.segments.push((seg = new Segment(c.end, Math.min(Math.max(left, 64), SEGMENT_RECORDS), Math.min(Math.max(bytesLeft, 16 * 1024), SEGMENT_BYTES + 64 * 1024))));
        }
        if (piece?.seg !== seg) piece = { seg, from: seg.count };
        const s = starts[i]!;
        const e = ends[i]!;
        bytesLeft -= e - s;
        c.bytes += seg.addValue(src, s, e, timestamp);
        c.records++;
        c.end++;
      }
      if (piece) this.flushPiece(topic, 0, piece);
    } catch (e) {
      this.cache.delete(`${topic}\u00000`);
      throw e;
    }
    settleTail(c, inTransaction);
  }

  /** Writes the records a piece of an append put into one tail segment as one row. */
  private flushPiece(topic: string, partition: number, piece: { seg: Segment; from: number }): void {
    if (piece.seg.count > piece.from) this.writeChunk(topic, partition, piece.seg.stored(piece.from, piece.seg.count));
    piece.from = piece.seg.count;
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[] {
    const info = this.topics.get(topic);
    if (!info || !Number.isInteger(partition) || partition < 0 || partition >= info.partitions || maxRecords === 0) return [];
    const c = this.partition(topic, partition);
    // A negative limit is none (as SQLite's LIMIT).
    const limit = maxRecords < 0 ? Infinity : maxRecords;
    const out: LogRecord[] = [];
    let at = Math.max(0, Math.ceil(fromOffset));
    const tailStart = c.end - c.records;
    // Before the tail: chunks from SQLite, one row per segment.
    while (at < tailStart && out.length < limit) {
      const seg = this.storedSegment(topic, partition, c, at);
      if (!seg) break;
      if (seg.base > at) at = seg.base;
      for (let i = at - seg.base; i < seg.count && out.length < limit; i++) out.push(seg.record(topic, partition, i));
      at = out.length ? out[out.length - 1]!.offset + 1 : seg.end;
    }
    if (at >= tailStart && at < c.end && out.length < limit) {
      let s = c.segments.length - 1;
      while (c.segments[s]!.base > at) s--;
      for (let i = at - c.segments[s]!.base; s < c.segments.length && out.length < limit; s++, i = 0) {
        const seg = c.segments[s]!;
        for (; i < seg.count && out.length < limit; i++) out.push(seg.record(topic, partition, i));
      }
    }
    return out;
  }

  /** The stored chunk holding `offset`, or the first one after it (kept while it is known to be committed). */
  private storedSegment(topic: string, partition: number, c: Partition, offset: number): Segment | undefined {
    const kept = c.stored;
    if (kept && kept.base <= offset && offset < kept.end) return kept;
    let row = this.chunkAt.get(topic, partition, offset) as ChunkRow | undefined;
    if (!row || row[0] + row[1] <= offset) row = this.chunkAfter.get(topic, partition, offset) as ChunkRow | undefined;
    if (!row) return undefined;
    const [base, n, ts, kl, vl, w, data, h] = row;
    const seg = Segment.fromStored({ base, n, ts, kl, vl, w, data, h });
    if (seg.end <= c.committed) c.stored = seg;
    return seg;
  }

  openChannel(_owner: string, _opts: ChannelOptions): QueryChannel {
    return {
      repeatable: true,
      poll: (positions, max, peek) => positions.map((p, n) => ({ owned: true, groupNext: null, records: !peek?.[n] && this.hasTopic(p.topic) ? this.read(p.topic, p.partition, p.next, max) : [] })),
      stage: (output) => void (output?.records.length && this.append(output.topic, output.records)),
      deliver: () => true,
      settle: () => true,
      close: () => {},
    };
  }

  close(): void {}

  /** Forget cached end offsets and tails (not needed after a rollback: see Partition). */
  resetCache(): void {
    this.cache.clear();
  }
}
