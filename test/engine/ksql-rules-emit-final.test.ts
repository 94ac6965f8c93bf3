// ksqlDB's EMIT FINAL over TUMBLING/HOPPING windows is Kafka Streams' EmitStrategy.onWindowClose: a
// window's result is fetched from the window store when stream time passes its end + grace, and
// that store gives out only windows starting at or after (latest window start) − retention
// (RETENTION, else size + grace). A jump in stream time past that loses the window's final result.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const CLICKS = "CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";
const click = (u: string, ts: number) => insert(eddy, 'CLICKS', 'U, P', `'${u}', '/'`, ts);
const counts = () => topic(eddy, 'C').map((r) => [r.key, r.window?.start, r.window?.end, (r.value as { N: number }).N, r.ts]);
const finalCounts = (window: string) => {
  eddy = engine();
  eddy.execute(CLICKS);
  eddy.execute(`CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW ${window} GROUP BY U EMIT FINAL;`);
};

describe('EMIT FINAL and the window store retention', () => {
  it('a window closed by a record within size + grace of it is emitted (the bound is inclusive)', () => {
    finalCounts('TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS)');
    click('a', 1000);
    click('a', 19999); // latest window starts at 10000: the store still gives out windows from 0
    expect(counts()).toEqual([['a', 0, 10000, 1, 1000]]);
  });

  it('a window closed only by a record a whole retention later is never emitted; later windows are', () => {
    finalCounts('TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS)');
    click('a', 1000);
    click('b', 2000);
    click('a', 20000); // latest window starts at 20000: windows before 10000 are gone
    expect(counts()).toEqual([]);
    click('a', 30000);
    expect(counts()).toEqual([['a', 20000, 30000, 1, 20000]]);
  });

  it('RETENTION keeps windows for the final fetch longer than size + grace', () => {
    finalCounts('TUMBLING (SIZE 10 SECONDS, RETENTION 1 MINUTE, GRACE PERIOD 0 SECONDS)');
    click('a', 1000);
    click('a', 35000);
    expect(counts()).toEqual([['a', 0, 10000, 1, 1000]]);
  });

  it('hopping windows: those starting before the latest window start less size + grace are lost', () => {
    finalCounts('HOPPING (SIZE 20 SECONDS, ADVANCE BY 10 SECONDS, GRACE PERIOD 0 SECONDS)');
    click('a', 15000); // windows [0, 20000) and [10000, 30000)
    click('a', 45000); // latest window starts at 40000, retention 20000: [10000, 30000) is lost
    expect(counts()).toEqual([]);
    click('a', 55000); // closes [30000, 50000), held from 30000 on
    expect(counts()).toEqual([['a', 30000, 50000, 1, 45000]]);
    click('a', 70000); // closes [40000, 60000) and [50000, 70000), but holds from 50000 on
    expect(counts()).toEqual([
      ['a', 30000, 50000, 1, 45000],
      ['a', 50000, 70000, 1, 55000],
    ]);
  });
});
