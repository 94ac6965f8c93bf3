// kafkajs (2.2.4) hides the records of aborted transactions from a read_committed consumer with a
// filter that takes the fetch response's aborted transactions as sorted by first offset and starts
// at most one per record. The broker lists them in the order they ended, not began: a transaction
// that began first and was aborted last — a fenced zombie's, aborted when its task's new owner
// starts, after other tasks' transactions came and went — had its records before the next entry's
// first offset handed out as if committed (150 extra records once in test/kafka/scale-out.test.ts).
// A fetch that starts inside two aborted transactions likewise let one record of the second through.
//
// This module replaces that filter (one function, loaded through kafkajs's own require) with one
// that sorts the list and starts every transaction the record has reached, as the Java consumer
// does with its priority queue. It must be imported before kafkajs itself.

import { createRequire } from 'node:module';

interface Message {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

interface AbortedTransaction {
  readonly firstOffset: string;
  readonly producerId: string;
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

export function filterAbortedMessages({ messages, abortedTransactions }: { messages: Message[]; abortedTransactions?: AbortedTransaction[] }): Message[] {
  if (!abortedTransactions?.length) return messages;
  const pending = [...abortedTransactions].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
  const aborted = new Set<string>();
  return messages.filter((m) => {
    const offset = BigInt(m.offset);
    while (pending.length && offset >= BigInt(pending[0]!.firstOffset)) aborted.add(String(pending.shift()!.producerId));
    const producer = String(m.batchContext.producerId);
    // An abort marker ends its producer's aborted transaction (control records are dropped after this).
    if (m.key && Buffer.from(m.key).equals(ABORT_MARKER_KEY)) {
      aborted.delete(producer);
      return true;
    }
    return !(m.batchContext.inTransaction && aborted.has(producer));
  });
}

const MENDED = Symbol.for('eddy.kafkajs.abortedFilter');
const require = createRequire(import.meta.url);
const filterPath = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
const loaded = require(filterPath) as { [MENDED]?: true };
// Mended already (a test runner evaluates this module once per file in one process): nothing to do.
if (!loaded[MENDED]) {
  if (require.cache[require.resolve('kafkajs/src/consumer/batch.js')]) throw new Error('aborted-filter.ts must be imported before kafkajs: its Batch already holds the faulty filter');
  require.cache[filterPath]!.exports = Object.assign(filterAbortedMessages.bind(null), { [MENDED]: true as const });
}
