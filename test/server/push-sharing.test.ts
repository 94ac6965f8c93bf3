// Push queries over one source share the decode of its records, and those with equal stateless
// plans share one evaluation (runtime/push-group.ts, runtime/task/shared-decode.ts) — without
// changing what any client receives: each gets exactly its own rows, from its own start, up to its
// own LIMIT; a client cut off for not reading leaves the others' rows whole.

import { describe, expect, it } from 'vitest';
import { EddyClient, type RemoteQuery } from '../../src/server/client.js';
import { raw, start, until } from './helpers.js';

const S = "CREATE STREAM S (ID INT KEY, V INT, NAME STRING) WITH (kafka_topic='s', value_format='JSON', partitions=2);";

/** Every row of a push query until it ends (or until `stop` says so), and why it ended. */
function collect(q: RemoteQuery): { rows: unknown[][]; done: Promise<string> } {
  const rows: unknown[][] = [];
  const done = (async () => {
    for await (const r of q) rows.push(r.values);
    return q.end;
  })();
  return { rows, done };
}

const byId = (a: unknown[], b: unknown[]) => Number(a[0]) - Number(b[0]);

describe('push queries sharing their work', () => {
  it('each client gets exactly its rows: different filters, projections, LIMITs and start points', async () => {
    // Push queries start at the log's end here (latest), as a server's clients' do by default.
    const { port, server } = await start({ engine: { batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'latest' } } });
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(S);
    const clients = await Promise.all(Array.from({ length: 7 }, () => EddyClient.connect('127.0.0.1', port)));
    const sqls = [
      'SELECT * FROM S EMIT CHANGES;',
      'SELECT * FROM S EMIT CHANGES;',
      'SELECT  *  FROM s EMIT CHANGES;', // the same plan, typed differently
      'SELECT ID, V * 2 AS V2 FROM S WHERE V % 2 = 0 EMIT CHANGES;',
      'SELECT ID, NAME FROM S WHERE V > 5 EMIT CHANGES LIMIT 3;',
      'SELECT * FROM S EMIT CHANGES LIMIT 2;',
    ];
    const got = sqls.map((sql, i) => collect(clients[i]!.query(sql)));
    await until(() => server.eddy.state.pushQueries.size === sqls.length);
    // The first insert takes a (partition-dependent) order; rows are compared by ID.
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ ID: from + k, V: from + k, NAME: `n${from + k}` }));
    await admin.insert('S', rows(0, 10));
    await until(() => got[0]!.rows.length === 10 && got[3]!.rows.length === 5);
    // A client starting now gets only what comes after it, though it joins the others' task.
    const late = collect(clients[6]!.query('SELECT * FROM S EMIT CHANGES;'));
    // The two LIMIT queries have ended: four of the first six run, and the late one.
    await until(() => server.eddy.state.pushQueries.size === 5);
    await admin.insert('S', rows(10, 10));
    await until(() => got[0]!.rows.length === 20 && late.rows.length === 10 && got[3]!.rows.length === 10);

    const all = Array.from({ length: 20 }, (_, i) => [i, i, `n${i}`]);
    for (const g of got.slice(0, 3)) expect([...g.rows].sort(byId)).toEqual(all);
    expect([...got[3]!.rows].sort(byId)).toEqual(all.filter((r) => Number(r[1]) % 2 === 0).map((r) => [r[0], Number(r[1]) * 2]));
    // LIMIT counts each client's own rows; the query then ends with reason `limit`.
    expect(await got[4]!.done).toBe('limit');
    expect(got[4]!.rows).toHaveLength(3);
    for (const r of got[4]!.rows) expect(Number(r[0])).toBeGreaterThan(5);
    expect(await got[5]!.done).toBe('limit');
    expect(got[5]!.rows).toHaveLength(2);
    expect([...late.rows].sort(byId)).toEqual(all.slice(10));

    // The work shared: each record decoded once for all seven queries, and the four equal plans
    // (three, and the late one, without LIMIT; one with) on one task.
    const def = server.eddy.state.catalog.get('S')!;
    const counts = server.eddy.state.sharedDecodes.counts(def);
    expect(counts.decodes).toBe(20);
    expect(counts.hits).toBeGreaterThan(0);
    const tasks = new Set([...server.eddy.state.pushQueries.values()].map((p) => p.task));
    expect(server.eddy.state.pushQueries.size).toBe(5); // the two LIMIT queries ended
    expect(tasks.size).toBe(2); // SELECT * (four clients), and the filtered projection
    // SHOW QUERIES gives each push query its own text.
    const shown = (await admin.execute('SHOW QUERIES;')).rows.filter((r) => r[1] === 'PUSH').map((r) => r[3]);
    expect(shown.sort()).toEqual([sqls[0], sqls[1], sqls[2], sqls[3], sqls[0]].map((q) => q!.replace(/;$/, '')).sort());
    for (const c of [admin, ...clients]) c.close();
  }, 60_000);

  it('a client that starts after the shared task read ahead of it gets a task of its own, from its own start', async () => {
    const { port, server } = await start({ engine: { batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } } });
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(S);
    await admin.insert('S', [{ ID: 1, V: 1, NAME: 'a' }]);
    const first = collect((await EddyClient.connect('127.0.0.1', port)).query('SELECT * FROM S EMIT CHANGES;'));
    await until(() => first.rows.length === 1);
    // From the earliest offset: it must see record 0, which the running task has read already.
    const second = collect((await EddyClient.connect('127.0.0.1', port)).query('SELECT * FROM S EMIT CHANGES;'));
    await until(() => second.rows.length === 1);
    await admin.insert('S', [{ ID: 2, V: 2, NAME: 'b' }]);
    await until(() => first.rows.length === 2 && second.rows.length === 2);
    expect(second.rows.sort(byId)).toEqual([
      [1, 1, 'a'],
      [2, 2, 'b'],
    ]);
    expect(new Set([...server.eddy.state.pushQueries.values()].map((p) => p.task)).size).toBe(2);
    admin.close();
  }, 30_000);

  it('a client cut off for not reading leaves the others of its shared task every row, once', async () => {
    const { port, server } = await start({ limits: { maxBufferedBytes: 128 * 1024 }, engine: { batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'latest' } } });
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(S);
    const slow = await raw(port);
    slow.send(JSON.stringify({ id: 'q', sql: 'SELECT * FROM S EMIT CHANGES;' }));
    await until(() => slow.lines.some((l) => l.type === 'header'));
    slow.socket.pause(); // stops reading: the kernel's buffers fill, then the server's
    const readers = await Promise.all([0, 1].map(() => EddyClient.connect('127.0.0.1', port)));
    const got = readers.map((c) => collect(c.query('SELECT * FROM S EMIT CHANGES;')));
    await until(() => server.eddy.state.pushQueries.size === 3);
    expect(new Set([...server.eddy.state.pushQueries.values()].map((p) => p.task)).size).toBe(1);
    // Well past what the kernel's socket buffers take in for the paused client (a few MiB).
    const total = 6000;
    const name = 'x'.repeat(2000);
    for (let i = 0; i < total; i += 250)
      await admin.insert(
        'S',
        Array.from({ length: 250 }, (_, k) => ({ ID: i + k, V: i + k, NAME: name })),
      );
    await until(() => got.every((g) => g.rows.length >= total), 30_000);
    await until(() => server.disconnects.length === 1);
    expect(server.disconnects[0]!.reason).toMatch(/client is not reading/);
    for (const g of got) {
      expect(g.rows).toHaveLength(total);
      expect(new Set(g.rows.map((r) => r[0])).size).toBe(total);
    }
    expect(server.eddy.state.pushQueries.size).toBe(2);
    slow.socket.destroy();
    for (const c of [admin, ...readers]) c.close();
  }, 60_000);
});
