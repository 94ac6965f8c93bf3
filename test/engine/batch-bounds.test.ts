// A micro-batch is what had arrived when it started: records that arrive while it runs wait for
// the next batch (Spark fixes a batch's end offsets at the trigger), so a slow batch cannot keep
// reading and grow itself.

import { afterEach, describe, expect, it } from 'vitest';
import type { Rec } from '../../src/planner/record.js';
import { Eddy } from '../../src/runtime/engine.js';
import type { GeneratedTopics } from '../../src/runtime/log/generated-topics.js';

let eddy: Eddy | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
});

describe('micro-batch bounds', () => {
  it('reads up to the end offsets seen when the batch started, not what arrives during it', () => {
    eddy = Eddy.open({ autoStart: false, batch: { maxRecords: 1_000_000 }, properties: { 'auto.offset.reset': 'earliest' } });
    eddy.execute("CREATE STREAM S (ID BIGINT KEY, V BIGINT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    // A topic that grows by 5,000 records every time anyone looks at its end (as a paced source
    // does while a batch runs), reading it as the nexmark source does: up to the end at each read.
    let end = 0;
    const grow = () => (end += 5000);
    const rec = (offset: number): Rec => ({ cols: [offset, offset * 2], ts: offset, partition: 0, offset });
    (eddy.state.log as GeneratedTopics).serve('s', {
      end: grow,
      readDecoded: (from, max) => Array.from({ length: Math.max(0, Math.min(max, grow() - from)) }, (_, i) => rec(from + i)),
      read: () => [],
    });
    eddy.execute('CREATE STREAM OUT AS SELECT ID, V FROM S;');
    end = 0;
    const first = eddy.step();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(10_000); // the end at the batch's start, not all that appeared since (1,000,000 without the bound)
    const second = eddy.step();
    expect(second).toBeGreaterThan(0);
    const out = eddy.readTopic('OUT').length;
    expect(out).toBe(first + second);
  });
});
