// Eddy's log records in Kafka's shape, byte-compatible with Kafka Streams and ksqlDB. A windowed
// key carries its window inside the key bytes: a time window (TUMBLING, HOPPING) the key followed
// by the window start (8 bytes, big-endian), as TimeWindowedSerde writes it; a session window the
// key, then the end, then the start (8 bytes each, big-endian), as SessionKeySchema writes it. A
// windowed record goes to the partition of its base key (WindowedStreamPartitioner), so every
// window of a key lands with the key's other records.

import type { AppendRecord } from '../topic-log.js';
import { partitionFor } from '../partitioner.js';
import { windowedKeyBytes } from '../windowed-key.js';
import type { WireAppend } from './wire.js';

/** `partitions`: the topic's partition count, for a windowed record's base-key partition. */
export function toWire(topic: string, r: AppendRecord, partitions?: number): WireAppend {
  let key = r.key;
  let partition = r.partition;
  if (r.window && key) {
    if (partition === undefined && partitions) partition = partitionFor(key, partitions);
    key = windowedKeyBytes(key, r.window, r.sessionWindow === true);
  }
  return { topic, ...(partition !== undefined ? { partition } : {}), timestamp: r.timestamp, key, value: r.value, ...(r.headers?.length ? { headers: r.headers } : {}) };
}
