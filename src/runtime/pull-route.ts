// Pull queries across the servers of a service (Kafka with a --service-id): a key lookup on a
// table a shared persistent query keeps is answered by the server whose task holds the key — the
// task of the input partition the key's records go to (the query groups by its input's key: other
// groupings are refused scaled out). The group's current assignment says which member reads that
// partition, and the member's metadata its server's address (assignor.ts). Anything else — a
// scan, a table no shared query writes, a join's output — is answered from the local store.

import type { Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { keyLookup } from '../planner/static-key-lookup.js';
import type { EngineState } from './engine-state.js';
import { partitionFor } from './log/partitioner.js';
import { recordCodec } from './record-codec.js';

/** The `host:port` of the server to ask instead of this one (`self`), or undefined to answer here. */
export function pullOwner(state: EngineState, q: Query, self: string): string | undefined {
  if (!state.log.scaleOut || !self || q.from?.kind !== 'SourceRef') return undefined;
  const def = state.catalog.get(q.from.name);
  if (!def?.topic || def.kind !== 'TABLE') return undefined;
  const key = keyLookup(q, def);
  const writer = state.writersOf(def.name)[0];
  if (!key || !writer || writer.sources.length !== 1) return undefined;
  const input = state.catalog.get(writer.sources[0]!);
  const partitions = input?.topic ? state.log.describeTopic(input.topic)?.partitions : undefined;
  if (!input?.topic || !partitions) return undefined;
  const inputKeys = input.columns.filter((c) => c.role === 'key');
  if (inputKeys.length !== key.length) return undefined;
  let partition = 0;
  if (partitions > 1) {
    // The key's bytes as the input topic carries them: its records of this key are on that partition.
    let i = 0;
    const cols = input.columns.map((c) => (c.role === 'key' ? key[i++]! : null));
    const bytes = recordCodec(input, state.registry).encode({ cols, ts: 0, partition: 0, offset: 0 }).key;
    if (!bytes) return undefined;
    partition = partitionFor(bytes, partitions);
  }
  const owner = state.log.partitionOwner(writer.id, input.topic, partition);
  if (owner === null) throw new SqlError(`No server of this service reads partition ${partition} of ${input.topic} (query ${writer.id}) right now — its group is rebalancing: try again shortly.`, q);
  if (owner === '') throw new SqlError(`The server reading partition ${partition} of ${input.topic} (query ${writer.id}) has not advertised its address yet: try again shortly.`, q);
  return owner === self ? undefined : owner;
}
