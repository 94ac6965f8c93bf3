// A batch's Kafka-bound records as one byte string: how the outbox stores them (one BLOB per task
// and batch) and how they cross to the worker (one buffer, not one cloned object and two byte
// arrays per record). The worker reads keys and values as views into it, without copying.
// Layout per record, little-endian: topic (u16 length + UTF-8), partition (i32, -1: none),
// timestamp (f64), key and value (i32 length, -1: null, + bytes), headers (u16 count, each a
// u16-length UTF-8 name and an i32-length value, -1: null).

import type { Header } from '../../../planner/record.js';
import type { WireAppend } from './wire.js';

export function packRecords(records: readonly WireAppend[]): Buffer {
  const topics = new Map<string, Buffer>();
  let size = 0;
  for (const r of records) {
    let t = topics.get(r.topic);
    if (!t) topics.set(r.topic, (t = Buffer.from(r.topic, 'utf8')));
    size += 2 + t.length + 4 + 8 + 4 + (r.key?.byteLength ?? 0) + 4 + (r.value?.byteLength ?? 0) + 2;
    for (const h of r.headers ?? []) size += 2 + Buffer.byteLength(h.key, 'utf8') + 4 + (h.value?.byteLength ?? 0);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  const bytes = (b: Uint8Array | null) => {
    if (b === null) return (at = out.writeInt32LE(-1, at));
    at = out.writeInt32LE(b.byteLength, at);
    out.set(b, at);
    at += b.byteLength;
  };
  for (const r of records) {
    const t = topics.get(r.topic)!;
    at = out.writeUInt16LE(t.length, at);
    at += t.copy(out, at);
    at = out.writeInt32LE(r.partition ?? -1, at);
    at = out.writeDoubleLE(r.timestamp, at);
    bytes(r.key);
    bytes(r.value);
    const headers = r.headers ?? [];
    at = out.writeUInt16LE(headers.length, at);
    for (const h of headers) {
      const k = Buffer.from(h.key, 'utf8');
      at = out.writeUInt16LE(k.length, at);
      at += k.copy(out, at);
      bytes(h.value);
    }
  }
  return out;
}

export function unpackRecords(packed: Uint8Array): WireAppend[] {
  const b = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const out: WireAppend[] = [];
  // Records of one batch mostly share a topic: its name is decoded once while it repeats.
  let lastBytes: Buffer | undefined;
  let lastTopic = '';
  let at = 0;
  const bytes = (): Buffer | null => {
    const n = b.readInt32LE(at);
    at += 4;
    if (n < 0) return null;
    const v = b.subarray(at, at + n);
    at += n;
    return v;
  };
  while (at < b.length) {
    const tl = b.readUInt16LE(at);
    const name = b.subarray(at + 2, at + 2 + tl);
    if (!lastBytes || !lastBytes.equals(name)) {
      lastBytes = name;
      lastTopic = name.toString('utf8');
    }
    const topic = lastTopic;
    at += 2 + tl;
    const partition = b.readInt32LE(at);
    const timestamp = b.readDoubleLE(at + 4);
    at += 12;
    const key = bytes();
    const value = bytes();
    const hn = b.readUInt16LE(at);
    at += 2;
    const headers: Header[] = [];
    for (let i = 0; i < hn; i++) {
      const kl = b.readUInt16LE(at);
      const hk = b.toString('utf8', at + 2, at + 2 + kl);
      at += 2 + kl;
      headers.push({ key: hk, value: bytes() });
    }
    out.push({ topic, ...(partition >= 0 ? { partition } : {}), timestamp, key, value, ...(headers.length ? { headers } : {}) });
  }
  return out;
}
