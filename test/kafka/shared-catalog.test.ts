// The shared catalog of a service: DDL run on any `eddy server --kafka --service-id` goes through
// the service's command topic and every server applies it, in order. Real server processes on a
// real broker: statements run on A only, B runs the same queries under the same ids (and shares
// their partitions: the output is each input's result exactly once); C, started later with an
// empty data directory, catches up by itself; a DROP on B terminates the query everywhere; a
// server restarted with its data directory applies what it missed while it was down.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raw, spawnServer, type ServerProcess } from '../server/helpers.js';
import { brokers, createTopics, kafka, noBroker, readTopic, unique, until, waitFor } from './helpers.js';

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function server(serviceId: string, dir?: string): Promise<{ s: ServerProcess; dir: string }> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'eddy-catalog-'));
  if (!dir) dirs.push(d);
  const s = await spawnServer(['--data', d, '--kafka', brokers, '--service-id', serviceId]);
  servers.push(s);
  return { s, dir: d };
}

/** Every reply line of one request; throws on an error reply. */
async function ask(port: number, sql: string): Promise<Record<string, unknown>[]> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'q', sql }));
  await until(() => c.lines.some((l) => l.id === 'q' && (l.type === 'end' || l.type === 'error')), 60_000);
  c.socket.destroy();
  const err = c.lines.find((l) => l.type === 'error');
  if (err) throw new Error(String(err.message));
  return c.lines.filter((l) => l.id === 'q');
}

/** The persistent query ids SHOW QUERIES lists on a server. */
async function queryIds(port: number): Promise<string[]> {
  const lines = await ask(port, 'SHOW QUERIES;');
  return lines
    .filter((l) => l.type === 'row')
    .map((l) => (l.values as unknown[]).find((v) => typeof v === 'string' && /^(CSAS|CTAS|INSERTQUERY)_/.test(v)) as string | undefined)
    .filter((v): v is string => v !== undefined)
    .sort();
}

async function sources(port: number): Promise<string[]> {
  const lines = await ask(port, 'SHOW STREAMS; SHOW TABLES;');
  return lines
    .filter((l) => l.type === 'row')
    .map((l) => String((l.values as unknown[])[0]))
    .filter((n) => n !== 'PROCESSING_LOG')
    .sort();
}

/** The partition count DESCRIBE … EXTENDED gives for a source. */
async function describedPartitions(port: number, name: string): Promise<string | undefined> {
  const lines = await ask(port, `DESCRIBE ${name} EXTENDED;`);
  const row = lines.find((l) => l.type === 'row' && (l.values as unknown[])[0] === 'Partitions');
  return row ? String((row.values as unknown[])[1]) : undefined;
}

describe.skipIf(noBroker)('a shared catalog through the command topic', () => {
  it('a server started while the command topic exists but is still empty applies the commands written after it started', { timeout: 240_000 }, async () => {
    const serviceId = unique('svc');
    const admin = kafka().admin();
    await admin.connect();
    const commandTopic = `_eddy-${serviceId}_command_topic`;
    // A first: it makes the command topic, and nothing is written to it yet.
    const { s: a } = await server(serviceId);
    expect(await admin.listTopics()).toContain(commandTopic);
    expect((await admin.fetchTopicOffsets(commandTopic))[0]!.high).toBe('0');
    // B then, as a user starts a second server: the topic exists and is empty.
    const { s: b } = await server(serviceId);
    // The input is made after both are up (as docs/scale-out.md's reader would).
    const input = unique('lateevents');
    const output = unique('lateout');
    const counts = unique('latecounts');
    await createTopics(admin, [{ topic: input, numPartitions: 4 }]);
    await ask(
      a.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
       CREATE STREAM OUT WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, N FROM EVENTS WHERE N % 2 = 0;
       CREATE TABLE COUNTS WITH (kafka_topic='${counts}', partitions=2) AS SELECT ID, COUNT(*) AS C FROM EVENTS GROUP BY ID;`,
    );
    const ids = ['CSAS_OUT_0', 'CTAS_COUNTS_1'];
    expect(await queryIds(a.port)).toEqual(ids);
    const why = async (e: Error): Promise<never> => {
      const log = await ask(b.port, 'SELECT * FROM PROCESSING_LOG;').catch((x: Error) => [{ error: x.message }]);
      throw new Error(`${e.message}; B's processing log: ${JSON.stringify(log.filter((l) => l.type === 'row'))}; B's output: ${b.output()}`);
    };
    await waitFor(
      'B runs the queries A wrote to the command topic',
      () => queryIds(b.port),
      (q) => q.join() === ids.join(),
      30_000,
    ).catch(why);
    expect(await sources(b.port)).toEqual(['COUNTS', 'EVENTS', 'OUT']);
    // Both took the topic as it is: made after they started, it has 4 partitions (not a default 1).
    for (const x of [a, b]) expect(await describedPartitions(x.port, 'EVENTS')).toBe('4');
    // So both refuse what 4 partitions cannot run scaled out (1 would be one task, and accepted).
    await expect(ask(a.port, 'CREATE TABLE BYN AS SELECT N, COUNT(*) AS C FROM EVENTS GROUP BY N;')).rejects.toThrow(/repartition/);
    const members = (g: string) => admin.describeGroups([g]).then((d) => d.groups[0]!.members.length);
    await waitFor(
      'both servers share both queries',
      () => Promise.all(ids.map((q) => members(`${serviceId}-${q}`))),
      (n) => n.every((m) => m === 2),
    ).catch(why);

    // The work is shared and each record's result is there once; B answers a lookup of every key.
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: 260 }, (_, i) => ({ key: `k${i % 13}`, value: JSON.stringify({ N: i }) })) });
    await producer.disconnect();
    const out = await readTopic(output, (seen) => seen.length >= 130, 60_000, 1_000);
    expect(out.map((r) => (JSON.parse(r.value!) as { N: number }).N).sort((x, y) => x - y)).toEqual(Array.from({ length: 130 }, (_, i) => i * 2));
    for (let k = 0; k < 13; k++)
      await waitFor(
        `B answers the count of k${k}`,
        () => ask(b.port, `SELECT C FROM COUNTS WHERE ID = 'k${k}';`),
        (lines) => lines.some((l) => l.type === 'row' && (l.values as unknown[])[0] === 20),
        30_000,
      );

    for (const x of [a, b]) x.child.kill('SIGTERM');
    await Promise.all([a, b].map((x) => x.exited));
    await admin.disconnect();
  });

  it('DDL on A runs on B under the same ids; C started later catches up; DROP on B terminates everywhere; a restarted server applies what it missed', { timeout: 300_000 }, async () => {
    const serviceId = unique('svc');
    const input = unique('cevents');
    const output = unique('cout');
    const counts = unique('ccounts');
    const admin = kafka().admin();
    await admin.connect();
    await createTopics(admin, [{ topic: input, numPartitions: 4 }]);
    const [{ s: a }, { s: b, dir: bDir }] = await Promise.all([server(serviceId), server(serviceId)]);

    await ask(
      a.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
       CREATE STREAM OUT WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, N FROM EVENTS WHERE N % 2 = 0;
       CREATE TABLE COUNTS WITH (kafka_topic='${counts}', partitions=2) AS SELECT ID, COUNT(*) AS C FROM EVENTS GROUP BY ID;`,
    );
    const ids = ['CSAS_OUT_0', 'CTAS_COUNTS_1'];
    expect(await queryIds(a.port)).toEqual(ids);
    // B never saw a statement: it read them from the command topic.
    await waitFor(
      'B runs the same queries',
      () => queryIds(b.port),
      (q) => q.join() === ids.join(),
      30_000,
    );
    expect(await sources(b.port)).toEqual(['COUNTS', 'EVENTS', 'OUT']);
    // The same ids name the same consumer groups: the two servers share each query's partitions.
    const members = (g: string) => admin.describeGroups([g]).then((d) => d.groups[0]!.members.length);
    await waitFor(
      'both servers share both queries',
      () => Promise.all(ids.map((q) => members(`${serviceId}-${q}`))),
      (n) => n.every((m) => m === 2),
    );
    // A statement B cannot run is refused there and reaches nobody's catalog.
    await expect(ask(b.port, "CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='x', value_format='JSON');")).rejects.toThrow(/already exists/);

    const producer = kafka().producer();
    await producer.connect();
    const send = (from: number, to: number) =>
      producer.send({ topic: input, messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 13}`, value: JSON.stringify({ N: from + i }) })) });
    await send(0, 400);

    // C joins later with an empty data directory: it catches up by itself and takes a share.
    const { s: c } = await server(serviceId);
    expect(await queryIds(c.port)).toEqual(ids);
    await waitFor(
      'three servers share both queries',
      () => Promise.all(ids.map((q) => members(`${serviceId}-${q}`))),
      (n) => n.every((m) => m === 3),
    );
    await send(400, 800);
    const out = await readTopic(output, (seen) => seen.length >= 400, 60_000, 1_000);
    expect(out.map((r) => (JSON.parse(r.value!) as { N: number }).N).sort((x, y) => x - y)).toEqual(Array.from({ length: 400 }, (_, i) => i * 2));

    // B goes down; A creates a query meanwhile; B comes back with its data directory and applies it.
    b.child.kill('SIGTERM');
    await b.exited;
    await ask(c.port, `CREATE STREAM ODD WITH (kafka_topic='${unique('codd')}', partitions=1) AS SELECT ID, N FROM EVENTS WHERE N % 2 = 1;`);
    const after = [...ids, 'CSAS_ODD_2'].sort();
    expect(await queryIds(a.port)).toEqual(after);
    const { s: b2 } = await server(serviceId, bDir);
    expect(await queryIds(b2.port)).toEqual(after);

    // DROP on B: the query writing OUT ends on every server.
    await ask(b2.port, 'DROP STREAM OUT;');
    const left = after.filter((q) => q !== 'CSAS_OUT_0');
    for (const x of [a, b2, c])
      await waitFor(
        'OUT dropped everywhere',
        () => queryIds(x.port),
        (q) => q.join() === left.join(),
        30_000,
      );
    for (const x of [a, b2, c]) expect(await sources(x.port)).toEqual(['COUNTS', 'EVENTS', 'ODD']);
    await waitFor(
      "nobody is left in the dropped query's group",
      () => members(`${serviceId}-CSAS_OUT_0`),
      (n) => n === 0,
      60_000,
    );

    for (const x of [a, b2, c]) x.child.kill('SIGTERM');
    await Promise.all([a, b2, c].map((x) => x.exited));
    await producer.disconnect();
    await admin.disconnect();
  });
});
