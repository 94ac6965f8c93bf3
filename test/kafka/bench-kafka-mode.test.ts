// `eddy bench --kafka`: Kafka → filter → Kafka through Eddy and through the hand-written kafkajs
// loop on the same broker, each answer read back (read_committed) and checked.
import { describe, expect, it } from 'vitest';
import { runKafkaFilter } from '../../src/bench/kafka-filter.js';
import { kafkaTable } from '../../src/bench/kafka-mode.js';
import { brokers, noBroker } from './helpers.js';

describe.skipIf(noBroker)('eddy bench --kafka', () => {
  it('runs both and checks each output: exactly the records that pass, each once', { timeout: 180_000 }, async () => {
    const res = await runKafkaFilter({ brokers, records: 3_000, partitions: 2, batch: 500, rounds: 1 });
    expect(res.expectedOut).toBe(1_500);
    expect(res.runs.map((r) => [r.who, r.out, r.correct])).toEqual([
      ['kafkajs-loop', 1_500, true],
      ['eddy', 1_500, true],
    ]);
    expect(res.ratio).toBeGreaterThan(0);
    expect(kafkaTable(res)).toContain('| eddy |');
  });
});
