// Pull queries across the servers of a service: two `eddy server --kafka --service-id` processes
// share a per-key count over a 4-partition stream (each holds the keys of its own tasks), and a
// key lookup on either is answered for every key — by the server owning the key's task, which
// the other forwards it to. A third server without a --service-id, never disturbed, runs the
// same query alone; every answer must equal its answer and the count the input implies.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raw, runSql, spawnServer, type ServerProcess } from '../server/helpers.js';
import { brokers, createTopics, kafka, noBroker, unique, until, waitFor } from './helpers.js';

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function server(extra: string[]): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pull-'));
  dirs.push(dir);
  const s = await spawnServer(['--data', dir, '--kafka', brokers, ...extra]);
  servers.push(s);
  return s;
}

/** A pull query's rows (or its error), asked with `route` as given. */
async function pull(port: number, sql: string, route = true): Promise<unknown[][] | string> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'p', sql, ...(route ? {} : { route: false }) }));
  await until(() => c.lines.some((l) => l.id === 'p' && (l.type === 'end' || l.type === 'error')), 30_000);
  c.socket.destroy();
  const err = c.lines.find((l) => l.type === 'error');
  if (err) return String(err.message);
  return c.lines.filter((l) => l.id === 'p' && l.type === 'row').map((l) => l.values as unknown[]);
}

const KEYS = 61;
const RECORDS = 3_000;

describe.skipIf(noBroker)('pull queries across the servers of a service', () => {
  it('a key lookup on any server answers for every key, as one undisturbed server does', { timeout: 300_000 }, async () => {
    const input = unique('pevents');
    const serviceId = unique('svc');
    const admin = kafka().admin();
    await admin.connect();
    await createTopics(admin, [{ topic: input, numPartitions: 4 }]);
    const ddl = (suffix: string) => `SET 'auto.offset.reset' = 'earliest';
      CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE TABLE COUNTS WITH (kafka_topic='${unique(`pcounts${suffix}`)}', partitions=2) AS SELECT ID, COUNT(*) AS C, SUM(N) AS S FROM EVENTS GROUP BY ID;`;
    const [ref, a, b] = await Promise.all([server([]), server(['--service-id', serviceId]), server(['--service-id', serviceId])]);
    await runSql(ref.port, ddl('r'));
    await runSql(a.port, ddl('s'));
    const group = `${serviceId}-CTAS_COUNTS_0`;
    await waitFor(
      'both servers share the query',
      () => admin.describeGroups([group]).then((d) => d.groups[0]!.members.length),
      (n) => n === 2,
      90_000,
    );

    const producer = kafka().producer();
    await producer.connect();
    for (let at = 0; at < RECORDS; at += 500) {
      await producer.send({ topic: input, messages: Array.from({ length: 500 }, (_, i) => ({ key: `k${(at + i) % KEYS}`, value: JSON.stringify({ N: at + i }) })) });
    }
    await producer.disconnect();
    const ends = await admin.fetchTopicOffsets(input);
    for (const g of [group, 'eddy-CTAS_COUNTS_0']) {
      await waitFor(
        `${g} committed every input offset`,
        () => admin.fetchOffsets({ groupId: g, topics: [input] }),
        ([c]) => ends.every((e) => c!.partitions.some((p) => p.partition === e.partition && p.offset === e.high)),
        120_000,
      );
    }

    const expected = new Map<string, [number, number]>();
    for (let n = 0; n < RECORDS; n++) {
      const k = `k${n % KEYS}`;
      const [c, s] = expected.get(k) ?? [0, 0];
      expected.set(k, [c + 1, s + n]);
    }
    let forwardedSomewhere = 0;
    const wrong: string[] = [];
    for (let i = 0; i < KEYS; i++) {
      const sql = `SELECT * FROM COUNTS WHERE ID = 'k${i}';`;
      const want = [[`k${i}`, ...expected.get(`k${i}`)!]];
      const refRows = await pull(ref.port, sql);
      expect(refRows).toEqual(want);
      for (const s of [a, b]) {
        const got = await pull(s.port, sql);
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${s.port} k${i}: ${JSON.stringify(got)}`);
        // Asked not to route, a server answers from its own store: it lacks the other's keys.
        const local = await pull(s.port, sql, false);
        if (Array.isArray(local) && local.length === 0) forwardedSomewhere++;
      }
    }
    expect(wrong).toEqual([]);
    // Each server holds only its own tasks' keys: about half of the lookups had to be forwarded.
    expect(forwardedSomewhere).toBeGreaterThanOrEqual(KEYS / 2);
    await admin.disconnect();
    for (const s of [ref, a, b]) s.child.kill('SIGTERM');
    await Promise.all([ref, a, b].map((s) => s.exited));
  });
});
