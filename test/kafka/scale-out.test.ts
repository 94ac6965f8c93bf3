// Scale-out: two `eddy server --kafka` processes with the same service id run the same persistent
// query; Kafka's consumer group shares the input partitions between them. One is killed with
// SIGKILL, or frozen with SIGSTOP past the session timeout (a zombie) and woken again; the other
// takes over its partitions, and the combined output (as a read_committed consumer sees it, once
// the group has committed every input offset) equals one uninterrupted run: 0 lost, 0 doubled.
// EDDY_SCALE_ARGS adds server flags to the frozen-server test (e.g. "--batch-max 100 --batch-max-ms 10":
// many small transactions around the freeze); EDDY_SCALE_DIAG=<path prefix> writes each output's
// doubled records (partition:offset) and both servers' output to a file.

import { writeFileSync } from 'node:fs';
import type { Admin, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { serverFleet } from './scale-out-helpers.js';
import { runSql, type ServerProcess } from '../server/helpers.js';
import { kafka, noBroker, readTopic, unique, createTopics, waitFor } from './helpers.js';

const fleet = serverFleet('eddy-scale');
const server = (serviceId: string, extra: string[]): Promise<ServerProcess> => fleet(['--service-id', serviceId, ...extra]);

const run = (port: number, sql: string): Promise<void> => runSql(port, sql);

interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  admin: Admin;
  producer: Producer;
  input: string;
  output: string;
  group: string;
  /** Send input records from..to-1 (N = n, key k<n mod 97). */
  send(from: number, to: number): Promise<void>;
  members(): Promise<number>;
  /** Wait until the group committed every input offset: all output so far is in the output topic. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** `extra`: server flags, e.g. short batches so that many transactions are open around a freeze. */
async function cluster(extra: string[] = []): Promise<Cluster> {
  const input = unique('events');
  const output = unique('events_out');
  const serviceId = unique('svc');
  const admin = kafka().admin();
  await admin.connect();
  await createTopics(admin, [{ topic: input, numPartitions: 4 }]);
  const sql = `SET 'auto.offset.reset' = 'earliest';
    CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
    CREATE STREAM OUT WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, N, N * N AS SQ FROM EVENTS WHERE N % 5 <> 0;`;
  const [a, b] = await Promise.all([server(serviceId, extra), server(serviceId, extra)]);
  // On A only: B applies them from the service's command topic (shared-catalog.test.ts).
  await run(a.port, sql);
  const group = `${serviceId}-CSAS_OUT_0`;
  const members = async () => (await admin.describeGroups([group])).groups[0]!.members.length;
  await waitFor('both servers joined the group', members, (n) => n === 2);
  const producer = kafka().producer();
  await producer.connect();
  return {
    a,
    b,
    admin,
    producer,
    input,
    output,
    group,
    members,
    send: async (from, to) => {
      await producer.send({ topic: input, messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 97}`, value: JSON.stringify({ N: from + i }) })) });
    },
    drained: () =>
      waitFor(
        'the group committed every input offset',
        async () => {
          const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(input), admin.fetchOffsets({ groupId: group, topics: [input] })]);
          return ends.every((e) => committed!.partitions.some((p) => p.partition === e.partition && p.offset === e.high));
        },
        (done) => done,
        90_000,
      ),
    close: async () => {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** The output of inputs 0..to-1, as one uninterrupted run writes it: `N:SQ` for every N not divisible by 5. */
function expected(to: number): string[] {
  return Array.from({ length: to }, (_, n) => n)
    .filter((n) => n % 5 !== 0)
    .map((n) => `${n}:${n * n}`);
}

/** Everything in the output topic, in N order (read a second longer than needed, so late duplicates show). */
async function outputOf(c: Cluster, to: number): Promise<string[]> {
  const want = expected(to).length;
  const records = await readTopic(c.output, (s) => s.length >= want, 60_000, 1_000);
  if (process.env.EDDY_SCALE_DIAG) {
    const byN = new Map<number, string[]>();
    for (const r of records) {
      const n = (JSON.parse(r.value!) as { N: number }).N;
      byN.set(n, [...(byN.get(n) ?? []), `${r.partition}:${r.offset}`]);
    }
    const dup = [...byN].filter(([, v]) => v.length > 1);
    writeFileSync(`${process.env.EDDY_SCALE_DIAG}-${Date.now()}.txt`, `dups ${dup.length}\n${dup.map(([n, v]) => `${n} ${v.join(' ')}`).join('\n')}\n--- A\n${c.a.output()}\n--- B\n${c.b.output()}\n`);
  }
  return records
    .map((r) => JSON.parse(r.value!) as { N: number; SQ: number })
    .sort((x, y) => x.N - y.N)
    .map((v) => `${v.N}:${v.SQ}`);
}

describe.skipIf(noBroker)('two Eddy servers share a persistent query', () => {
  it('the survivor takes over the killed server’s partitions; output equals one uninterrupted run', { timeout: 180_000 }, async () => {
    const c = await cluster();
    await c.send(0, 2_000);
    await c.drained();
    c.a.child.kill('SIGKILL');
    await c.a.exited;
    await c.send(2_000, 4_000);
    await c.drained();
    const got = await outputOf(c, 4_000);
    await c.close();
    expect(got.length).toBe(expected(4_000).length);
    expect(got).toEqual(expected(4_000));
    c.b.child.kill('SIGTERM');
    await c.b.exited;
  });

  it('a server frozen past its session timeout is fenced: after it wakes, nothing it did then is committed', { timeout: 180_000 }, async () => {
    const c = await cluster((process.env.EDDY_SCALE_ARGS ?? '').split(' ').filter(Boolean));
    await c.send(0, 1_000);
    await c.drained();
    // Freeze A while it works on a fresh chunk (it may be inside a batch or a Kafka transaction).
    await c.send(1_000, 3_000);
    c.a.child.kill('SIGSTOP');
    await waitFor('the frozen server left the group', c.members, (n) => n === 1, 30_000);
    await c.send(3_000, 4_000);
    await c.drained(); // B took over A's partitions and committed everything
    c.a.child.kill('SIGCONT');
    // A wakes with staged output for partitions that moved: fenced, it must drop it and rejoin.
    await waitFor('the woken server rejoined the group', c.members, (n) => n === 2, 60_000);
    await c.send(4_000, 6_000);
    await c.drained();
    const got = await outputOf(c, 6_000);
    await c.close();
    expect(got.length).toBe(expected(6_000).length);
    expect(got).toEqual(expected(6_000));
    for (const s of [c.a, c.b]) s.child.kill('SIGTERM');
    await Promise.all([c.a.exited, c.b.exited]);
  });
});
