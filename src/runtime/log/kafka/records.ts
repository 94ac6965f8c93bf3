// Eddy's log records in Kafka's shape. A windowed key carries its window inside the key bytes, as
// Kafka Streams' time-windowed serde does: the key followed by the window start (8 bytes, big-endian).

import type { AppendRecord } from '../topic-log.js';
import type { WireAppend } from './wire.js';

export function toWire(topic: string, r: AppendRecord): WireAppend {
  let key = r.key;
  if (r.window && key) {
    const start = Buffer.alloc(8);
    start.writeBigInt64BE(BigInt(r.window.start));
    key = Buffer.concat([key, start]);
  }
  return { topic, ...(r.partition !== undefined ? { partition: r.partition } : {}), timestamp: r.timestamp, key, value: r.value, ...(r.headers?.length ? { headers: r.headers } : {}) };
}
