// Windowed keys on Kafka as Kafka Streams lays them out (time: key + start; session: key + end +
// start, 8 bytes big-endian each), the base-key partition of a windowed record, and a windowed
// source's decode taking the window back out of the key bytes.

import { describe, expect, it } from 'vitest';
import { partitionFor, splitWindowedKey, windowedKeyBytes } from '../../src/runtime/log/index.js';
import { toWire } from '../../src/runtime/log/kafka/records.js';
import { recordCodec } from '../../src/runtime/record-codec.js';
import { engine } from '../engine/helpers.js';

const key = Buffer.from('k1');

describe('windowed key bytes', () => {
  it('writes a time window as key + start (10 bytes for a 2-byte key)', () => {
    const b = windowedKeyBytes(key, { start: 0x0102030405, end: 0x0102030405 + 1000 }, false);
    expect(b.toString('hex')).toBe('6b31' + '0000000102030405');
  });

  it('writes a session window as key + end + start (18 bytes for a 2-byte key)', () => {
    const b = windowedKeyBytes(key, { start: 1000, end: 2500 }, true);
    expect(b.length).toBe(18);
    expect(b.toString('hex')).toBe('6b31' + '00000000000009c4' + '00000000000003e8');
  });

  it('splits them back: a session window whole, a time window ended by its size', () => {
    expect(splitWindowedKey(windowedKeyBytes(key, { start: 1000, end: 2500 }, true), true, undefined)).toEqual({ key, window: { start: 1000, end: 2500 } });
    expect(splitWindowedKey(windowedKeyBytes(key, { start: 60_000, end: 0 }, false), false, 30_000)).toEqual({ key, window: { start: 60_000, end: 90_000 } });
    expect(splitWindowedKey(Buffer.from('short'), false, 1000)).toBeUndefined();
    expect(splitWindowedKey(Buffer.alloc(15), true, undefined)).toBeUndefined();
  });
});

describe('toWire', () => {
  it('puts a windowed record on the partition of its base key, not of the windowed bytes', () => {
    const keys = Array.from({ length: 40 }, (_, i) => Buffer.from(`key-${i}`));
    for (const k of keys) {
      const w = toWire('t', { timestamp: 5, key: k, value: null, window: { start: 7_000, end: 8_000 }, sessionWindow: true }, 6);
      expect(w.partition).toBe(partitionFor(k, 6));
      expect(Buffer.from(w.key!).length).toBe(k.length + 16);
    }
    // The windowed bytes' own partition differs for some keys: the base key is what decides.
    expect(keys.some((k) => partitionFor(windowedKeyBytes(k, { start: 7_000, end: 8_000 }, true), 6) !== partitionFor(k, 6))).toBe(true);
  });

  it('leaves an unwindowed record to the producer partitioner and an explicit partition alone', () => {
    expect(toWire('t', { timestamp: 5, key, value: null }, 6).partition).toBeUndefined();
    expect(toWire('t', { timestamp: 5, key, value: null, partition: 4, window: { start: 0, end: 1 } }, 6).partition).toBe(4);
  });
});

describe('a windowed source decodes Kafka key bytes', () => {
  const eddy = engine();
  eddy.execute("CREATE TABLE S (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='s', value_format='JSON', partitions=1, window_type='SESSION');");
  eddy.execute("CREATE TABLE T (K STRING PRIMARY KEY, N BIGINT) WITH (kafka_topic='t', value_format='JSON', partitions=1, window_type='TUMBLING', window_size='30 SECONDS');");
  const def = (name: string) => eddy.state.catalog.list().find((s) => s.name === name)!;
  const rec = (k: Buffer) => ({ topic: 'x', partition: 0, offset: 3, timestamp: 9, key: k, value: Buffer.from('{"N":1}'), headers: [] });

  it('takes the session window out of the key and encodes it back for Kafka', () => {
    const codec = recordCodec(def('S'));
    const d = codec.decode(rec(windowedKeyBytes(key, { start: 1000, end: 2500 }, true)));
    expect(d.rec?.cols).toEqual(['k1', 1]);
    expect(d.rec?.window).toEqual({ start: 1000, end: 2500 });
    const out = codec.encode(d.rec!);
    expect(Buffer.from(toWire('s', out, 1).key!).toString('hex')).toBe('6b31' + '00000000000009c4' + '00000000000003e8');
  });

  it('takes a time window out of the key, its end the start plus WINDOW_SIZE', () => {
    const d = recordCodec(def('T')).decode(rec(windowedKeyBytes(key, { start: 60_000, end: 0 }, false)));
    expect(d.rec?.cols).toEqual(['k1', 1]);
    expect(d.rec?.window).toEqual({ start: 60_000, end: 90_000 });
  });

  it('sends a key too short for its window to the processing log with the reason', () => {
    expect(recordCodec(def('S')).decode(rec(Buffer.from('k1'))).error).toMatch(/cannot hold a session window \(16 bytes\)/);
  });
});
