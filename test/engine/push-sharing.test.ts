// Push queries over one stream share the decode of each record, and those with equal stateless
// plans one task (runtime/push-group.ts): stepped by hand here, so that a query can join a task
// that is behind the log's end — it must then be handed only the rows of records after its start.

import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import type { PushQuery } from '../../src/runtime/push-query.js';

let eddy: Eddy | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
});

const ids = (q: PushQuery) => q.drain().map((r) => r.values[0]);
const insert = (e: Eddy, from: number, n: number) =>
  e.insert(
    'S',
    Array.from({ length: n }, (_, k) => ({ ID: from + k, V: from + k })),
  );

describe('push queries sharing a task', () => {
  it('a query joining a task that lags gets only the rows after its own start', () => {
    eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'latest' } });
    eddy.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const first = eddy.query('SELECT * FROM S EMIT CHANGES;');
    insert(eddy, 0, 5);
    // Not stepped yet: the task is at offset 0, the log's end at 5, where the second query starts.
    const second = eddy.query('SELECT * FROM S EMIT CHANGES;');
    const other = eddy.query('SELECT ID FROM S WHERE V >= 3 EMIT CHANGES;');
    expect(eddy.state.pushGroups.size).toBe(2);
    eddy.step();
    expect(ids(first)).toEqual([0, 1, 2, 3, 4]);
    expect(ids(second)).toEqual([]);
    expect(ids(other)).toEqual([]);
    insert(eddy, 5, 3);
    eddy.step();
    expect(ids(first)).toEqual([5, 6, 7]);
    expect(ids(second)).toEqual([5, 6, 7]);
    expect(ids(other)).toEqual([5, 6, 7]);
    // Records 5–7 were read by both tasks and decoded once; 0–4 by one.
    expect(eddy.state.sharedDecodes.counts(eddy.state.catalog.get('S')!)).toEqual({ decodes: 8, hits: 3 });
    // Closing one leaves the other running; closing the last stops the task.
    first.close();
    insert(eddy, 8, 1);
    eddy.step();
    expect(ids(second)).toEqual([8]);
    second.close();
    expect(eddy.state.pushGroups.size).toBe(1);
  });

  it('plans that keep state (aggregations) are not shared: each counts from its own start', () => {
    eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'latest' } });
    eddy.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const sql = 'SELECT V % 2 AS K, COUNT(*) AS N FROM S GROUP BY V % 2 EMIT CHANGES;';
    const a = eddy.query(sql);
    const b = eddy.query(sql);
    expect(eddy.state.pushGroups.size).toBe(2);
    insert(eddy, 0, 2);
    eddy.step();
    expect(a.drain().map((r) => r.values)).toEqual(b.drain().map((r) => r.values));
    const c = eddy.query(sql);
    insert(eddy, 2, 1);
    eddy.step();
    expect(c.drain().map((r) => r.values)).toEqual([[0, 1]]);
    expect(a.drain().map((r) => r.values)).toEqual([[0, 2]]);
  });
});
