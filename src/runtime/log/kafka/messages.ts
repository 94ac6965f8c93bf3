// Eddy's wire records as kafkajs messages, grouped by topic for one sendBatch.

import type { Message } from 'kafkajs';
import type { WireAppend } from './wire.js';

/** A Buffer over the same bytes (the structured clone already made them this thread's): no copy. */
function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function message(r: WireAppend): Message {
  return {
    key: r.key ? view(r.key) : null,
    value: r.value ? view(r.value) : null,
    timestamp: String(r.timestamp),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.headers?.length ? { headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value ? Buffer.from(h.value) : ''])) } : {}),
  };
}

export function byTopic(records: readonly WireAppend[]): { topic: string; messages: Message[] }[] {
  const m = new Map<string, Message[]>();
  for (const r of records) {
    let list = m.get(r.topic);
    if (!list) m.set(r.topic, (list = []));
    list.push(message(r));
  }
  return [...m].map(([topic, messages]) => ({ topic, messages }));
}
