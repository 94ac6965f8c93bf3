// A scale-out task's restore right after its own commit (the Kafka worker and a real broker, no
// server): a task kept through a rebalance is restored from its changelog as soon as its last
// batches are delivered, and the restore must see them. The admin client's end offsets are
// read_committed ones, which stay before a committed transaction until its markers are written:
// restored to that end, a kept task lost its last batches' state while its input position stayed
// after them (scale-out-faults' SIGKILL-among-three run: counts went back, records were lost).

import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBridge } from '../../src/runtime/log/kafka/bridge.js';
import { KafkaChangelog } from '../../src/runtime/log/kafka/changelog.js';
import { packRecords } from '../../src/runtime/log/kafka/record-pack.js';
import { brokers, createTopics, kafka, noBroker, unique, until } from './helpers.js';

describe.skipIf(noBroker)('a changelog restore right after the task committed', () => {
  const bridges: KafkaBridge[] = [];
  afterAll(() => {
    for (const b of bridges) b.close();
  });

  it('reads every committed change of the task, the last transaction included', { timeout: 120_000 }, async () => {
    const input = unique('clin');
    const group = unique('clgroup');
    const admin = kafka().admin();
    await admin.connect();
    await createTopics(admin, [{ topic: input, numPartitions: 1 }]);
    await admin.disconnect();
    const bridge = new KafkaBridge(30_000);
    bridges.push(bridge);
    bridge.call('connect', { brokers });
    bridge.call('openReader', { id: 'r', topics: [input], group });
    const changelog = new KafkaChangelog(bridge, group, 'r');
    changelog.open(['Aggregate1/agg'], 1);
    const topic = changelog.topic('Aggregate1/agg');
    const at = [{ topic: input, partition: 0, next: 0 }];
    let epoch = 0;
    await until(() => {
      const [p] = bridge.call('poll', { id: 'r', positions: at, max: 1 });
      epoch = p!.epoch;
      return p!.owned;
    }, 60_000);
    const seen: string[] = [];
    for (let n = 1; n <= 10; n++) {
      // One batch: the task's change of key k to n, in the task's transaction.
      const records = packRecords([{ topic, partition: 0, timestamp: Date.now(), key: Buffer.from('k'), value: Buffer.from(String(n)) }]);
      const seq = bridge.start('deliver', { id: 'r', tasks: [{ task: 0, epoch, batches: [{ records, offsets: at }] }] });
      let done: { value: string[] } | undefined;
      await until(() => (done = bridge.result('deliver', seq, 100)) !== undefined, 30_000);
      expect(done!.value).toEqual(['delivered']);
      const restored = changelog.restore(['Aggregate1/agg'], [0]);
      seen.push(restored.at(-1)?.value ?? 'nothing');
    }
    // Before, a restore could end before the transaction just committed: ['nothing', '2', '3', '4', '5'] in one run.
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
  });
});
