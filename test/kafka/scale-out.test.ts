// Scale-out: two `eddy server --kafka` processes with the same service id run the same persistent
// query; Kafka's consumer group shares the input partitions between them. One is killed with
// SIGKILL; the other takes over its partitions from the group's committed offsets, and the
// combined output (as a read_committed consumer sees it) equals one uninterrupted run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raw, spawnServer, type ServerProcess } from '../server/helpers.js';
import { brokers, kafka, noBroker, readTopic, unique, until } from './helpers.js';

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function server(serviceId: string): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-scale-'));
  dirs.push(dir);
  const s = await spawnServer(['--data', dir, '--kafka', brokers, '--service-id', serviceId]);
  servers.push(s);
  return s;
}

async function run(port: number, sql: string): Promise<void> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'x', sql }));
  await until(() => c.lines.some((l) => l.id === 'x' && (l.type === 'end' || l.type === 'error')));
  const err = c.lines.find((l) => l.type === 'error');
  c.socket.destroy();
  if (err) throw new Error(String(err.message));
}

describe.skipIf(noBroker)('two Eddy servers share a persistent query', () => {
  it('the survivor takes over the killed server’s partitions; output equals one uninterrupted run', { timeout: 180_000 }, async () => {
    const input = unique('events');
    const output = unique('events_out');
    const serviceId = unique('svc');
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 4 }] });
    const sql = `SET 'auto.offset.reset' = 'earliest';
      CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE STREAM OUT WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, N, N * N AS SQ FROM EVENTS WHERE N % 5 <> 0;`;
    const [a, b] = await Promise.all([server(serviceId), server(serviceId)]);
    await Promise.all([run(a.port, sql), run(b.port, sql)]);
    const group = `${serviceId}-CSAS_OUT_0`;
    const members = async () => (await admin.describeGroups([group])).groups[0]!.members.length;
    for (const end = Date.now() + 60_000; (await members()) < 2; ) {
      if (Date.now() > end) throw new Error('the second server never joined the group');
      await new Promise((r) => setTimeout(r, 200));
    }

    const producer = kafka().producer();
    await producer.connect();
    const send = (from: number, to: number) =>
      producer.send({ topic: input, messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 97}`, value: JSON.stringify({ N: from + i }) })) });
    const expected = (to: number) => Array.from({ length: to }, (_, n) => n).filter((n) => n % 5 !== 0).map((n) => `${n}:${n * n}`);
    const seen = (records: { value: string | null }[]) => records.map((r) => {
      const v = JSON.parse(r.value!) as { N: number; SQ: number };
      return `${v.N}:${v.SQ}`;
    });

    await send(0, 2_000);
    await readTopic(output, (s) => s.length >= expected(2_000).length, 60_000);
    a.child.kill('SIGKILL');
    await a.exited;
    await send(2_000, 4_000);
    const all = await readTopic(output, (s) => s.length >= expected(4_000).length, 90_000);
    await producer.disconnect();
    await admin.disconnect();
    const got = seen(all).sort((x, y) => Number(x.split(':')[0]) - Number(y.split(':')[0]));
    expect(got.length).toBe(expected(4_000).length);
    expect(got).toEqual(expected(4_000));
    b.child.kill('SIGTERM');
    await b.exited;
  });
});
