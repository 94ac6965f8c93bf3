// The read_committed filter that replaces kafkajs's (src/runtime/log/kafka/aborted-filter.ts), on
// what a real broker (Kafka 3.9) sent for two overlapping transactions aborted in the other order
// than they began (test/kafka/kafka-transactions.test.ts): the aborted list comes in the order the
// transactions ended. kafkajs's own filter handed out offsets 0 and 1 of that fetch as committed.

import { describe, expect, it } from 'vitest';
import { filterAbortedMessages } from '../../src/runtime/log/kafka/aborted-filter.js';

const record = (offset: number, producerId: string, abortMarker = false) => ({
  offset: String(offset),
  key: abortMarker ? Buffer.from([0, 0, 0, 0]) : Buffer.from('k'),
  batchContext: { producerId, inTransaction: true },
});

describe("kafkajs's aborted-transaction filter, mended", () => {
  it('drops every aborted record whatever the order of the aborted list', () => {
    // producer 2: offsets 0, 1, 3 (aborted at 5); producer 3: offset 2 (aborted first, at 4); 6: committed by another.
    const fetched = [
      record(0, '2'),
      record(1, '2'),
      record(2, '3'),
      record(3, '2'),
      record(4, '3', true),
      record(5, '2', true),
      { ...record(6, '7'), batchContext: { producerId: '7', inTransaction: false } },
    ];
    const asTheBrokerSentIt = [
      { producerId: '3', firstOffset: '2' },
      { producerId: '2', firstOffset: '0' },
    ];
    expect(filterAbortedMessages({ messages: fetched, abortedTransactions: asTheBrokerSentIt }).map((m) => m.offset)).toEqual(['4', '5', '6']);
    // A fetch that starts inside both transactions: the first record reached starts both.
    expect(filterAbortedMessages({ messages: fetched.slice(2), abortedTransactions: asTheBrokerSentIt }).map((m) => m.offset)).toEqual(['4', '5', '6']);
    expect(filterAbortedMessages({ messages: fetched, abortedTransactions: [] }).length).toBe(7);
  });
});
