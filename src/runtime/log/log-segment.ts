// A run of consecutive records of one partition, kept as bytes and numbers rather than objects.
// The same layout is the embedded log's in-memory tail and its stored form: a segment (or a slice
// of one) is one SQLite row, its columns the typed arrays' bytes and the records' bytes laid end
// to end. Writing a record is then a copy into a buffer, not a row with nine bound parameters,
// and reading 4,096 records is one row, not 4,096 rows of freshly allocated blobs.
//
// Records read out are short-lived objects whose keys and values are views of the segment's
// bytes, which are never overwritten (a segment only grows; a grown buffer is a new one).

import type { Header } from '../../planner/record.js';
import type { AppendRecord, LogRecord } from './topic-log.js';

export const SEGMENT_RECORDS = 4096;
export const SEGMENT_BYTES = 1024 * 1024;

/** A segment's stored form: what one row of log_chunks holds. Numbers are little-endian (as the typed arrays on every platform Node runs on). */
export interface StoredChunk {
  readonly base: number;
  readonly n: number;
  /** Float64 per record: the record timestamps. */
  readonly ts: Buffer;
  /** Int32 per record: key and value lengths (-1: null). */
  readonly kl: Buffer;
  readonly vl: Buffer;
  /** Float64 pairs (window start, end; NaN: none), or null when no record has a window. */
  readonly w: Buffer | null;
  /** Every record's key bytes then value bytes, record after record. */
  readonly data: Buffer;
  /** JSON: [[index, [[key, base64 | null], …]], …] for the records with headers, or null. */
  readonly h: string | null;
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);

export class Segment {
  count = 0;
  /** Bytes this segment holds (data, numbers, headers): the tail's bound. */
  bytes = 0;
  private used = 0;
  private ts: Float64Array;
  private kl: Int32Array;
  private vl: Int32Array;
  /** Where record i's key starts in data (its value follows). */
  private pos: Int32Array;
  private win: Float64Array | undefined;
  private data: Buffer;
  private headers: Map<number, readonly Header[]> | undefined;

  /** `capacity` records and `bytes` of keys and values are reserved (an append that knows its size spares the doubling copies). */
  constructor(
    readonly base: number,
    capacity = 64,
    bytes = 16 * 1024,
  ) {
    this.ts = new Float64Array(capacity);
    this.kl = new Int32Array(capacity);
    this.vl = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
    this.data = Buffer.allocUnsafeSlow(bytes);
  }

  get full(): boolean {
    return this.count === SEGMENT_RECORDS || this.used >= SEGMENT_BYTES;
  }

  /** The offset after the last record. */
  get end(): number {
    return this.base + this.count;
  }

  private grow(records: number, bytes: number): void {
    if (this.used + bytes > this.data.length) {
      const data = Buffer.allocUnsafeSlow(Math.max(this.data.length * 2, this.used + bytes));
      this.data.copy(data, 0, 0, this.used);
      this.data = data;
    }
    if (this.count + records > this.ts.length) {
      const cap = Math.max(this.ts.length * 2, this.count + records);
      const ts = new Float64Array(cap);
      ts.set(this.ts);
      this.ts = ts;
      const kl = new Int32Array(cap);
      kl.set(this.kl);
      this.kl = kl;
      const vl = new Int32Array(cap);
      vl.set(this.vl);
      this.vl = vl;
      const pos = new Int32Array(cap);
      pos.set(this.pos);
      this.pos = pos;
      if (this.win) {
        const win = new Float64Array(cap * 2).fill(NaN);
        win.set(this.win);
        this.win = win;
      }
    }
  }

  /** Copies the record in (the caller may reuse its buffers); returns the bytes it takes. */
  add(r: AppendRecord): number {
    const klen = r.key === null ? -1 : r.key.length;
    const vlen = r.value === null ? -1 : r.value.length;
    const size = (klen > 0 ? klen : 0) + (vlen > 0 ? vlen : 0);
    this.grow(1, size);
    const i = this.count;
    this.ts[i] = r.timestamp;
    this.kl[i] = klen;
    this.vl[i] = vlen;
    this.pos[i] = this.used;
    if (r.window) {
      if (!this.win) this.win = new Float64Array(this.ts.length * 2).fill(NaN);
      this.win[2 * i] = r.window.start;
      this.win[2 * i + 1] = r.window.end;
    }
    if (klen > 0) this.data.set(r.key!, this.used);
    if (vlen > 0) this.data.set(r.value!, this.used + (klen > 0 ? klen : 0));
    this.used += size;
    let bytes = size + 24;
    if (r.headers?.length) {
      // As a read from storage decodes them: Buffers, copied.
      const headers = r.headers.map((x) => ({ key: x.key, value: x.value === null ? null : Buffer.from(x.value) }));
      (this.headers ??= new Map()).set(i, headers);
      for (const h of headers) bytes += h.key.length + (h.value?.length ?? 0) + 64;
    }
    this.count++;
    this.bytes += bytes;
    return bytes;
  }

  /** A record without key or headers whose value is bytes [start, end) of `src`, copied in (add without an AppendRecord around it); returns the bytes it takes. */
  addValue(src: Buffer, start: number, end: number, timestamp: number): number {
    const vlen = end - start;
    this.grow(1, vlen);
    const i = this.count;
    this.ts[i] = timestamp;
    this.kl[i] = -1;
    this.vl[i] = vlen;
    this.pos[i] = this.used;
    if (vlen > 0) src.copy(this.data, this.used, start, end);
    this.used += vlen;
    this.count++;
    this.bytes += vlen + 24;
    return vlen + 24;
  }

  /** The i-th record (0-based within the segment). */
  record(topic: string, partition: number, i: number): LogRecord {
    const at = this.pos[i]!;
    const klen = this.kl[i]!;
    const vlen = this.vl[i]!;
    const vat = at + (klen > 0 ? klen : 0);
    const key = klen < 0 ? null : this.data.subarray(at, at + klen);
    const value = vlen < 0 ? null : this.data.subarray(vat, vat + vlen);
    const headers = this.headers?.get(i) ?? NO_HEADERS;
    const offset = this.base + i;
    const timestamp = this.ts[i]!;
    const ws = this.win ? this.win[2 * i]! : NaN;
    return !Number.isNaN(ws)
      ? { topic, partition, offset, timestamp, key, value, headers, window: { start: ws, end: this.win![2 * i + 1]! } }
      : { topic, partition, offset, timestamp, key, value, headers };
  }

  /** Records [from, to) (indexes within the segment) in their stored form: views of this segment's memory, to be bound at once. */
  stored(from: number, to: number): StoredChunk {
    const n = to - from;
    const view = (a: Float64Array | Int32Array, per: number) => Buffer.from(a.buffer, a.byteOffset + from * per * a.BYTES_PER_ELEMENT, n * per * a.BYTES_PER_ELEMENT);
    let w: Buffer | null = null;
    if (this.win) {
      for (let i = from; i < to && w === null; i++) if (!Number.isNaN(this.win[2 * i]!)) w = view(this.win, 2);
    }
    let h: string | null = null;
    if (this.headers) {
      const rows: [number, [string, string | null][]][] = [];
      for (let i = from; i < to; i++) {
        const hs = this.headers.get(i);
        if (hs?.length) rows.push([i - from, hs.map((x) => [x.key, x.value === null ? null : Buffer.from(x.value).toString('base64')])]);
      }
      if (rows.length) h = JSON.stringify(rows);
    }
    const start = this.pos[from]!;
    const end = to < this.count ? this.pos[to]! : this.used;
    return { base: this.base + from, n, ts: view(this.ts, 1), kl: view(this.kl, 1), vl: view(this.vl, 1), w, data: this.data.subarray(start, end), h };
  }

  /** A segment over a stored chunk (its data buffer used as it is, the numbers copied into aligned arrays). */
  static fromStored(c: StoredChunk): Segment {
    const s = new Segment(c.base, 1, 0);
    const n = c.n;
    s.ts = copyInto(new Float64Array(n), c.ts);
    s.kl = copyInto(new Int32Array(n), c.kl);
    s.vl = copyInto(new Int32Array(n), c.vl);
    if (c.w) s.win = copyInto(new Float64Array(2 * n), c.w);
    const pos = new Int32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      pos[i] = at;
      const k = s.kl[i]!;
      const v = s.vl[i]!;
      at += (k > 0 ? k : 0) + (v > 0 ? v : 0);
    }
    if (at !== c.data.length) throw new Error(`log chunk at offset ${c.base}: ${c.data.length} data bytes, its lengths say ${at}`);
    s.pos = pos;
    s.data = c.data;
    s.used = at;
    s.count = n;
    s.bytes = at + 24 * n;
    if (c.h) {
      s.headers = new Map();
      for (const [i, hs] of JSON.parse(c.h) as [number, [string, string | null][]][])
        s.headers.set(
          i,
          hs.map(([key, v]) => ({ key, value: v === null ? null : Buffer.from(v, 'base64') })),
        );
    }
    return s;
  }
}

function copyInto<A extends Float64Array | Int32Array>(a: A, bytes: Buffer): A {
  if (bytes.length !== a.byteLength) throw new Error(`log chunk: ${bytes.length} bytes where ${a.byteLength} were expected`);
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(bytes);
  return a;
}
