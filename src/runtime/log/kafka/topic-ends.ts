// A topic's end offsets, asked again when the ask fails for a reason that passes. kafkajs asks
// each partition's leader twice (high, then low) from its cached metadata:
// - when that metadata changes between the two asks (a topic another client just made, a leader
//   moving) the second answer is empty and kafkajs fails with a TypeError ("Cannot destructure
//   property 'partitions' of 'low.pop(...)'");
// - a topic made a moment ago has a leader in the metadata before that broker serves it: the
//   broker answers NOT_LEADER_FOR_PARTITION (or LEADER_NOT_AVAILABLE), which kafkajs's
//   fetchTopicOffsets does not retry (seen: a server started just after another made the service's
//   command topic exited with "This server is not the leader for that topic-partition").
// Either is asked again a few times (kafkajs refreshes stale metadata on each ask) before it is
// reported.

import type { Admin } from 'kafkajs';

const ATTEMPTS = 8;

export async function topicEnds(admin: Admin, topic: string): Promise<number[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out: number[] = [];
      for (const o of await admin.fetchTopicOffsets(topic)) out[o.partition] = Number(o.high);
      return out;
    } catch (e) {
      if (!passing(e) || attempt >= ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

function passing(e: unknown): boolean {
  if (e instanceof TypeError) return true;
  // A broker's answer that passes (a leader being elected): kafkajs marks such protocol errors
  // retriable. Not a lost connection: kafkajs retried that already, and a broker that is away
  // stays away longer than a few asks.
  if (!(e instanceof Error) || e.name !== 'KafkaJSProtocolError') return false;
  return (e as { retriable?: unknown }).retriable === true;
}
