// Reading topics that transactional producers write (every Eddy sink is one): under read_committed,
// offsets taken by aborted records and by commit/abort markers never come back as records. A read
// that seeks back to such an offset must carry on with the committed records after it.

import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { brokers, kafka, noBroker, unique } from './helpers.js';

const open: Eddy[] = [];
afterEach(() => open.splice(0).forEach((e) => e.close()));

describe.skipIf(noBroker)('Kafka transactional topics', () => {
  it('a read seeking back to an aborted transaction returns the committed records after it', { timeout: 60_000 }, async () => {
    const topic = unique('txn');
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
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
});
