import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const CLICKS = "CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";
const click = (u: string, ts: number) => insert(eddy, 'CLICKS', 'U, P', `'${u}', '/'`, ts);
const counts = () => topic(eddy, 'C').map((r) => [r.key, r.window?.start, r.window?.end, r.value === null ? null : (r.value as { N: number }).N, r.ts]);

describe('tumbling windows', () => {
  it('a record at the window end starts the next window', () => {
    eddy = engine();
    eddy.execute(CLICKS);
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY U;');
    click('a', 0);
    click('a', 9999);
    click('a', 10000);
    expect(counts()).toEqual([
      ['a', 0, 10000, 1, 0],
      ['a', 0, 10000, 2, 9999],
      ['a', 10000, 20000, 1, 10000],
    ]);
  });

  it('out-of-order records within grace update their window; late ones are dropped and counted', () => {
    eddy = engine();
    eddy.execute(CLICKS);
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY U;');
    click('a', 12000);
    click('a', 3000); // window [0,10000) closes at 15000: still open
    click('a', 16000);
    click('a', 4000); // stream time 16000 ≥ 10000 + 5000: late
    expect(counts()).toEqual([
      ['a', 10000, 20000, 1, 12000],
      ['a', 0, 10000, 1, 3000],
      ['a', 10000, 20000, 2, 16000],
    ]);
    const q = eddy.state.queries.get('CTAS_C_0')!;
    expect(q.task.metrics.snapshot().lateDropped).toBe(1);
  });

  it('EMIT FINAL emits each window once, when it closes', () => {
    eddy = engine();
    eddy.execute(CLICKS);
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY U EMIT FINAL;');
    click('a', 1000);
    click('a', 2000);
    click('b', 5000);
    expect(counts()).toEqual([]);
    click('a', 10000);
    expect(counts()).toEqual([
      ['a', 0, 10000, 2, 2000],
      ['b', 0, 10000, 1, 5000],
    ]);
  });
});

describe('hopping windows', () => {
  it('a record lands in every window that covers it', () => {
    eddy = engine();
    eddy.execute(CLICKS);
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS) GROUP BY U;');
    click('a', 15000);
    expect(counts()).toEqual([
      ['a', 0, 30000, 1, 15000],
      ['a', 10000, 40000, 1, 15000],
    ]);
  });
});

describe('session windows', () => {
  it('records within the gap merge sessions; merged sessions are deleted', () => {
    eddy = engine();
    eddy.execute(CLICKS);
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW SESSION (5 SECONDS) GROUP BY U;');
    click('a', 0);
    click('a', 20000);
    click('a', 4000);
    click('a', 10000); // more than the gap after 4000: a session of its own
    click('a', 15000); // bridges [10000,10000] and [20000,20000]
    expect(counts()).toEqual([
      ['a', 0, 0, 1, 0],
      ['a', 20000, 20000, 1, 20000],
      ['a', 0, 0, null, 0],
      ['a', 0, 4000, 2, 4000],
      ['a', 10000, 10000, 1, 10000],
      ['a', 10000, 10000, null, 10000],
      ['a', 20000, 20000, null, 20000],
      ['a', 10000, 20000, 3, 20000],
    ]);
  });
});

describe('table aggregation', () => {
  it('a changed row is retracted from its old group and added to its new one', () => {
    eddy = engine();
    eddy.execute("CREATE TABLE USERS (ID INT PRIMARY KEY, REGION STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE C AS SELECT REGION, COUNT(*) AS N FROM USERS GROUP BY REGION;');
    insert(eddy, 'USERS', 'ID, REGION', "1, 'eu'", 1);
    insert(eddy, 'USERS', 'ID, REGION', "2, 'eu'", 2);
    insert(eddy, 'USERS', 'ID, REGION', "1, 'us'", 3);
    expect(topic(eddy, 'C').map((r) => [r.key, (r.value as { N: number }).N])).toEqual([
      ['eu', 1],
      ['eu', 2],
      ['eu', 1],
      ['us', 1],
    ]);
  });
});
