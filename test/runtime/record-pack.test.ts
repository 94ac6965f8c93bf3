// The outbox's packed records (src/runtime/log/kafka/record-pack.ts): every field survives the
// round trip, null and empty bytes stay apart, and several topics may share one batch.
import { describe, expect, it } from 'vitest';
import { packRecords, unpackRecords } from '../../src/runtime/log/kafka/record-pack.js';
import type { WireAppend } from '../../src/runtime/log/kafka/wire.js';

describe('packed Kafka records', () => {
  it('round-trips topics, partitions, timestamps, keys, values and headers', () => {
    const records: WireAppend[] = [
      { topic: 'out', timestamp: 1_700_000_000_123, key: Buffer.from('k1'), value: Buffer.from('{"A":1}') },
      { topic: 'out', partition: 3, timestamp: 0, key: null, value: null },
      {
        topic: 'changelog-é',
        partition: 0,
        timestamp: 5,
        key: Buffer.alloc(0),
        value: Buffer.from([0, 255, 7]),
        headers: [
          { key: 'h', value: Buffer.from('v') },
          { key: 'n', value: null },
        ],
      },
      { topic: 'out', timestamp: 2 ** 41 + 0.5, key: Buffer.from('k2'), value: Buffer.alloc(0) },
    ];
    const back = unpackRecords(new Uint8Array(packRecords(records)));
    expect(
      back.map((r) => ({ ...r, key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value), headers: r.headers?.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value) })) })),
    ).toEqual(records.map((r) => ({ ...r, headers: r.headers })));
    expect(back[1]!.key).toBeNull();
    expect(back[2]!.key).toEqual(Buffer.alloc(0));
  });

  it('packs an empty batch as no bytes', () => {
    expect(packRecords([]).length).toBe(0);
    expect(unpackRecords(new Uint8Array(0))).toEqual([]);
  });
});
