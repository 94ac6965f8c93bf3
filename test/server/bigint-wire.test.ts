// BIGINT past 2^53 over the TCP protocol: rows carry the exact digits on the wire, the client
// sends and receives them as bigint, push and pull queries alike (real server on 127.0.0.1).

import { describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/index.js';
import { raw, sleep, start, until } from './helpers.js';

const MIN = -9223372036854775808n;
const MAX = 9223372036854775807n;
const BIG = 998877665544332211n;

describe('BIGINT on the wire', () => {
  it('streams exact digits to a push query, takes bigint inserts, and answers pulls exactly', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute("CREATE STREAM S (K BIGINT KEY, V BIGINT) WITH (kafka_topic='s', format='JSON', partitions=1);");
    await c.execute('CREATE TABLE T AS SELECT K, SUM(V) AS TOTAL FROM S GROUP BY K;');
    const t = await raw(port);
    const lines: string[] = [];
    t.socket.on('data', (d: Buffer | string) => lines.push(String(d)));
    t.send('p1 SELECT K, V, V + 1 AS NEXT FROM S EMIT CHANGES;');
    await until(() => t.lines.some((l) => l.id === 'p1' && l.type === 'header'));
    const live = c.query('SELECT K, V FROM S EMIT CHANGES;');
    await live.columns;
    await c.insert('S', [{ K: BIG, V: MAX }]);
    await c.execute('INSERT INTO S (K, V) VALUES (-9223372036854775808, 998877665544332211);');
    await c.insert('S', [{ K: 5, V: 6 }]);
    const seen: unknown[][] = [];
    for await (const r of live) {
      seen.push([...r.values]);
      if (seen.length === 3) live.cancel();
    }
    expect(seen).toEqual([
      [BIG, MAX],
      [MIN, BIG],
      [5, 6],
    ]);
    await until(() => t.lines.filter((l) => l.id === 'p1' && l.type === 'row').length === 3);
    // The JSON text itself has every digit (JSON.parse in the raw client would round them).
    const text = lines.join('');
    expect(text).toContain('"values":[998877665544332211,9223372036854775807,-9223372036854775808]');
    expect(text).toContain('"values":[-9223372036854775808,998877665544332211,998877665544332212]');
    expect(text).toContain('"values":[5,6,7]');
    for (let i = 0; i < 500 && (await c.execute('SELECT K, TOTAL FROM T;')).rows.length < 3; i++) await sleep(10);
    const pull = await c.execute('SELECT K, TOTAL FROM T WHERE K = 998877665544332211;');
    expect(pull.rows).toEqual([[BIG, MAX]]);
    t.socket.end();
    c.close();
  });
});
