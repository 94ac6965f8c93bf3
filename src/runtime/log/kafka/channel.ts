// A query's channel to Kafka. Reads come from the worker's prefetch buffers; a persistent query
// reads through its consumer group, stages each batch's output in the SQLite outbox (inside the
// batch transaction) and, once that committed, delivers it in a Kafka transaction that also
// commits the group offsets — so Kafka's view (read_committed) matches Eddy's state exactly.

import type Database from 'better-sqlite3';
import type { AppendRecord, LogRecord, PartitionPosition, PolledRecords, QueryChannel } from '../topic-log.js';
import type { KafkaBridge } from './bridge.js';
import { Outbox } from './outbox.js';
import { toWire } from './records.js';

/** Batches delivered per Kafka transaction when a backlog built up. */
const DELIVER_BATCHES = 50;

export class KafkaChannel implements QueryChannel {
  /** Records are prefetched from a live consumer: re-reading a position means a seek. */
  readonly repeatable = false;
  private readonly outbox: Outbox | undefined;
  private closed = false;

  constructor(
    private readonly bridge: KafkaBridge,
    db: Database.Database,
    private readonly readerId: string,
    private readonly group: string | null,
    private readonly transactionalId: string,
    topics: readonly string[],
    owner: string,
  ) {
    bridge.call('openReader', { id: readerId, topics: [...topics], group });
    if (group) {
      this.outbox = new Outbox(db, owner);
      this.outbox.dropDelivered(bridge.call('groupOffsets', { group, topics: [...topics] }));
    }
  }

  poll(positions: readonly PartitionPosition[], maxRecords: number, peek?: readonly boolean[]): PolledRecords[] {
    if (!positions.length) return [];
    const polled = this.bridge.call('poll', { id: this.readerId, positions: [...positions], max: maxRecords, ...(peek ? { peek: [...peek] } : {}) });
    return polled.map((p) => ({ owned: p.owned, groupNext: p.groupNext, records: p.records.map(fromWire) }));
  }

  stage(output: { readonly topic: string; readonly records: readonly AppendRecord[] } | undefined, positions: readonly PartitionPosition[]): void {
    if (!this.outbox) throw new Error('this query does not write to Kafka');
    this.outbox.stage({ records: output ? output.records.map((r) => toWire(output.topic, r)) : [], offsets: [...positions] });
  }

  deliver(): boolean {
    if (!this.outbox || this.closed) return true;
    for (;;) {
      const { upTo, batches } = this.outbox.pending(DELIVER_BATCHES);
      if (!batches.length) return true;
      try {
        this.bridge.call('deliver', { transactionalId: this.transactionalId, group: this.group, batches });
      } catch (e) {
        if (process.env.EDDY_KAFKA_LOG) process.stderr.write(`eddy: delivery to Kafka failed, will retry: ${(e as Error).message}\n`);
        return false; // the batches stay staged; the next cycle retries them
      }
      this.outbox.delivered(upTo);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.bridge.call('closeReader', this.readerId);
    } catch {
      // the connection is already gone
    }
  }
}

export function fromWire(r: { topic: string; partition: number; offset: number; timestamp: number; key: Uint8Array | null; value: Uint8Array | null; headers: LogRecord['headers'] }): LogRecord {
  return { ...r, key: r.key ? Buffer.from(r.key.buffer, r.key.byteOffset, r.key.byteLength) : null, value: r.value ? Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength) : null };
}


