// Scale-out with state: a server that gains tasks (its peer stops) restores their state from the
// changelogs and rebuilds its operators. Its live per-operator counts (the console's plan boxes,
// the progress JSON's eddy.operators) go on from what they were, as its SHOW QUERIES EXTENDED
// figures do, so the two agree on each server before and after the task moves: the source's
// records in are the query's Records In there. Before, the rebuilt operators started from zero.

import { describe, expect, it } from 'vitest';
import { raw, type ServerProcess } from '../server/helpers.js';
import { serverFleet } from './scale-out-helpers.js';
import { createTopics, kafka, noBroker, unique, waitFor } from './helpers.js';

const server = serverFleet('eddy-scale-counts');

async function sql(port: number, text: string): Promise<unknown[][]> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'x', sql: text }));
  for (const end = Date.now() + 60_000; !c.lines.some((l) => l.id === 'x' && (l.type === 'end' || l.type === 'error')); ) {
    if (Date.now() > end) throw new Error(`no answer to ${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  c.socket.destroy();
  const err = c.lines.find((l) => l.type === 'error');
  if (err) throw new Error(String(err.message));
  return c.lines.filter((l) => l.type === 'row').map((l) => l.values as unknown[]);
}

const httpBase = (s: ServerProcess) => `http://127.0.0.1:${/eddy http listening on [\d.]+:(\d+)/.exec(s.output())![1]}`;

/** On one server: SHOW QUERIES EXTENDED's Records In, and its source operator's records in. */
async function counts(s: ServerProcess, id: string): Promise<{ recordsIn: number; sourceIn: number }> {
  const row = (await sql(s.port, 'SHOW QUERIES EXTENDED;')).find((r) => r[0] === id);
  const p = (await (await fetch(`${httpBase(s)}/queries/${id}/progress`)).json()) as { eddy: { operators: { operator: string; recordsIn: number }[] } };
  return { recordsIn: Number(row?.[6] ?? 0), sourceIn: p.eddy.operators.find((o) => o.operator === 'StreamSource')!.recordsIn };
}

describe.skipIf(noBroker)('scale-out: operator counts across a restore', () => {
  it("a server that gains its peer's tasks keeps counting from where it was, as SHOW QUERIES EXTENDED does", { timeout: 240_000 }, async () => {
    const input = unique('cevents');
    const serviceId = unique('svc');
    const suffix = unique('c').slice(2).toUpperCase();
    const id = `CTAS_COUNTS_${suffix}_0`;
    const group = `${serviceId}-${id}`;
    const admin = kafka().admin();
    await admin.connect();
    await createTopics(admin, [{ topic: input, numPartitions: 4 }]);
    const producer = kafka().producer();
    await producer.connect();
    const send = (from: number, to: number) =>
      producer.send({ topic: input, messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 61}`, value: JSON.stringify({ N: from + i }) })) });
    const members = async () => (await admin.describeGroups([group])).groups[0]!.members.length;
    const drained = () =>
      waitFor(
        'the group committed every input offset',
        async () => {
          const ends = await admin.fetchTopicOffsets(input);
          const [committed] = await admin.fetchOffsets({ groupId: group, topics: [input] });
          return ends.every((e) => e.high === '0' || committed!.partitions.some((p) => p.partition === e.partition && p.offset === e.high));
        },
        (done) => done,
        120_000,
      );
    const fleet: ServerProcess[] = [];
    try {
      const a = await server(['--service-id', serviceId, '--http-port', '0']);
      await sql(
        a.port,
        `SET 'auto.offset.reset' = 'earliest'; CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON'); CREATE TABLE COUNTS_${suffix} WITH (partitions=4) AS SELECT ID, COUNT(*) AS C FROM EVENTS GROUP BY ID;`,
      );
      const b = await server(['--service-id', serviceId, '--http-port', '0']);
      fleet.push(a, b);
      await waitFor('both servers in the group', members, (n) => n === 2, 90_000);
      await send(0, 400);
      await drained();
      const [a1, b1] = await Promise.all([counts(a, id), counts(b, id)]);
      expect(a1.sourceIn).toBe(a1.recordsIn);
      expect(b1.sourceIn).toBe(b1.recordsIn);
      expect(a1.recordsIn + b1.recordsIn).toBeGreaterThanOrEqual(400);
      expect(a1.recordsIn).toBeGreaterThan(0);

      // B stops: A gains its tasks, restores their state and rebuilds its operators.
      b.child.kill('SIGTERM');
      await b.exited;
      await waitFor('A alone in the group', members, (n) => n === 1, 90_000);
      await send(400, 800);
      await drained();
      const a2 = await counts(a, id);
      expect(a2.recordsIn).toBeGreaterThanOrEqual(a1.recordsIn + 400);
      expect(a2.sourceIn).toBe(a2.recordsIn);
      a.child.kill('SIGTERM');
      await a.exited;
    } catch (e) {
      for (const x of fleet) process.stderr.write(`server ${x.port}:\n${x.output().slice(-4000)}\n`);
      throw e;
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
