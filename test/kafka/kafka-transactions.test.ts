// Reading topics that transactional producers write (every Eddy sink is one): under read_committed,
// offsets taken by aborted records and by commit/abort markers never come back as records. A read
// that seeks back to such an offset must carry on with the committed records after it.

import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { brokers, kafka, noBroker, readTopic, unique, KEEP_RECORDS } from './helpers.js';

const open: Eddy[] = [];
afterEach(() => open.splice(0).forEach((e) => e.close()));

describe.skipIf(noBroker)('Kafka transactional topics', () => {
  it('a read seeking back to an aborted transaction returns the committed records after it', { timeout: 60_000 }, async () => {
    const topic = unique('txn');
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: KEEP_RECORDS }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka().producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const send = async (values: string[], commit: boolean): Promise<void> => {
      const txn = await producer.transaction();
      for (const value of values) await txn.send({ topic, messages: [{ value }] });
      await (commit ? txn.commit() : txn.abort());
    };
    await send(['first'], true); // offset 0, its commit marker at 1
    // An aborted transaction larger than one fetch (1 MiB per partition): the fetch from its first
    // offset holds aborted records only, so the consumer moves past it without handing out a batch.
    const big = 'x'.repeat(400_000);
    await send([big, big, big, big], false); // offsets 2-5, the abort marker at 6
    await send(['last'], true); // offset 7, its commit marker at 8
    await producer.disconnect();

    const e = Eddy.open({ kafka: { brokers, serviceId: unique('svc') } });
    open.push(e);
    const { log } = e.state;
    expect(log.endOffset(topic, 0)).toBe(9);
    const values = (from: number): (string | undefined)[] => log.read(topic, 0, from, 10).map((r) => r.value?.toString('utf8'));
    expect(values(0)[0]).toBe('first');
    expect(values(2)).toEqual(['last']);
    // Back to the aborted transaction (a restarted query resumes there): the seek lands on offsets
    // that hold no committed record.
    expect(values(2)).toEqual(['last']);
    expect(values(1)).toEqual(['last']);
    expect(values(0)[0]).toBe('first');
    // After the last record only its commit marker is left: the read says so without waiting.
    const started = Date.now();
    expect(values(8)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('two producers’ transactions that overlap and abort in the other order: none of their records is read', { timeout: 60_000 }, async () => {
    // A fenced zombie's open transaction is aborted when its task's new owner starts, often after
    // a transaction begun later by another task: the broker lists aborted transactions in the order
    // they ended, and a reader that takes the list as ordered by first offset lets the earlier one's
    // records through (kafkajs did: 150 extra records once in scale-out.test.ts).
    const topic = unique('overlap');
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: KEEP_RECORDS }], waitForLeaders: true });
    await admin.disconnect();
    const producers = [0, 1].map(() => kafka().producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1 }));
    await Promise.all(producers.map((p) => p.connect()));
    const early = await producers[0]!.transaction();
    await early.send({ topic, messages: [{ value: 'early-0' }, { value: 'early-1' }] }); // offsets 0-1
    const late = await producers[1]!.transaction();
    await late.send({ topic, messages: [{ value: 'late-0' }] }); // offset 2
    await early.send({ topic, messages: [{ value: 'early-2' }] }); // offset 3
    await late.abort(); // ends first, though it began second
    await early.abort();
    const committed = kafka().producer();
    await committed.connect();
    await committed.send({ topic, messages: [{ value: 'kept' }] });
    await Promise.all([...producers, committed].map((p) => p.disconnect()));

    const seen = await readTopic(topic, (s) => s.some((r) => r.value === 'kept'), 20_000, 500);
    expect(seen.map((r) => r.value)).toEqual(['kept']);
    const e = Eddy.open({ kafka: { brokers, serviceId: unique('svc') } });
    open.push(e);
    expect(e.state.log.read(topic, 0, 0, 10).map((r) => r.value?.toString('utf8'))).toEqual(['kept']);
  });
});
