// Scale-out with state: two `eddy server --kafka --service-id` processes share a per-key count and
// a windowed count over a 4-partition stream; one is SIGKILLed mid-stream, or one joins
// mid-stream. Each query's state follows its tasks through changelog topics. A third server,
// without a --service-id and never disturbed, runs the same queries as the reference. Checked on
// every output topic, as a read_committed consumer sees it: each key's (each window's) final
// value equals the reference's and the count the input implies (0 lost, 0 wrong), and each key's
// successive values only grow — a per-key count goes exactly 1, 2, …, n (0 doubled).

import type { Admin, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { committedRecords, countSequences, serverFleet } from './scale-out-helpers.js';
import { raw, runSql } from '../server/helpers.js';
import { kafka, noBroker, unique, until, createTopics, waitFor as waitUntil } from './helpers.js';

const KEYS = 61;
const BASE_TS = Date.UTC(2023, 0, 1);
const STEP_MS = 7;
const WINDOW_MS = 2_000;

const server = serverFleet('eddy-scale-state');

const run = (port: number, sql: string): Promise<void> => runSql(port, sql);

const waitFor = <T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000): Promise<void> => waitUntil(what, get, ok, ms);

const readAll = committedRecords;
const sequences = countSequences;

/** The counts inputs 0..to-1 imply: per key, and per key and window. */
function expected(to: number): { counts: Map<string, number>; windows: Map<string, number> } {
  const counts = new Map<string, number>();
  const windows = new Map<string, number>();
  for (let n = 0; n < to; n++) {
    const k = `k${n % KEYS}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    const ts = BASE_TS + n * STEP_MS;
    const w = `${k}@${ts - (ts % WINDOW_MS)}`;
    windows.set(w, (windows.get(w) ?? 0) + 1);
  }
  return { counts, windows };
}

const finals = (s: Map<string, number[]>) => new Map([...s].map(([k, v]) => [k, v[v.length - 1]!]));
const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

interface Setup {
  admin: Admin;
  producer: Producer;
  input: string;
  /** Output topics: [per-key count, windowed count] of the shared service and of the reference server. */
  shared: [string, string];
  reference: [string, string];
  groups: string[];
  send(from: number, to: number): Promise<void>;
  drained(): Promise<void>;
}

function statements(input: string, suffix: string, counts: string, windows: string): string {
  return `SET 'auto.offset.reset' = 'earliest';
    CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
    CREATE TABLE COUNTS_${suffix} WITH (kafka_topic='${counts}', partitions=3) AS SELECT ID, COUNT(*) AS C FROM EVENTS GROUP BY ID;
    CREATE TABLE WCOUNTS_${suffix} WITH (kafka_topic='${windows}', partitions=3) AS SELECT ID, COUNT(*) AS C FROM EVENTS WINDOW TUMBLING (SIZE ${WINDOW_MS / 1000} SECONDS, GRACE PERIOD 1 HOUR) GROUP BY ID;`;
}

async function setup(): Promise<Setup & { suffix: string; serviceId: string }> {
  const input = unique('sevents');
  const suffix = unique('s').slice(2).toUpperCase();
  const serviceId = unique('svc');
  const shared: [string, string] = [unique('counts'), unique('wcounts')];
  const reference: [string, string] = [unique('ref_counts'), unique('ref_wcounts')];
  const admin = kafka().admin();
  await admin.connect();
  await createTopics(admin, [{ topic: input, numPartitions: 4 }]);
  const producer = kafka().producer();
  await producer.connect();
  const groups = [`${serviceId}-CTAS_COUNTS_${suffix}_0`, `${serviceId}-CTAS_WCOUNTS_${suffix}_1`, `eddy-CTAS_COUNTS_R${suffix}_0`, `eddy-CTAS_WCOUNTS_R${suffix}_1`];
  const ref = await server([]);
  await run(ref.port, statements(input, `R${suffix}`, ...reference));
  return {
    admin,
    producer,
    input,
    shared,
    reference,
    groups,
    suffix,
    serviceId,
    send: async (from, to) => {
      for (let at = from; at < to; at += 500) {
        const end = Math.min(to, at + 500);
        await producer.send({
          topic: input,
          messages: Array.from({ length: end - at }, (_, i) => ({ key: `k${(at + i) % KEYS}`, value: JSON.stringify({ N: at + i }), timestamp: String(BASE_TS + (at + i) * STEP_MS) })),
        });
      }
    },
    drained: () =>
      waitFor(
        'every group committed every input offset',
        async () => {
          const ends = await admin.fetchTopicOffsets(input);
          for (const groupId of groups) {
            const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
            if (!ends.every((e) => committed!.partitions.some((p) => p.partition === e.partition && p.offset === e.high))) return false;
          }
          return true;
        },
        (done) => done,
        120_000,
      ),
  };
}

/** Both services' output against the input and each other: 0 lost, 0 doubled, 0 wrong. */
async function check(s: Setup, to: number): Promise<{ keys: number; windows: number }> {
  const { counts, windows } = expected(to);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const [sc, sw, rc, rw] = await Promise.all([
    readAll(s.shared[0], (n) => n >= total(counts)),
    readAll(s.shared[1], (n) => n >= windows.size),
    readAll(s.reference[0], (n) => n >= total(counts)),
    readAll(s.reference[1], (n) => n >= windows.size),
  ]);
  const [seqC, seqW, refC, refW] = [sequences(sc, false), sequences(sw, true), sequences(rc, false), sequences(rw, true)];
  // Final values: as the input implies, and as the undisturbed reference has them.
  expect(sorted(finals(refC))).toEqual(sorted(counts));
  expect(sorted(finals(refW))).toEqual(sorted(windows));
  expect(sorted(finals(seqC))).toEqual(sorted(counts));
  expect(sorted(finals(seqW))).toEqual(sorted(windows));
  // Nothing doubled or redone from stale state: a per-key count (one change per record) goes
  // exactly 1..n; a windowed count (one change per batch) only grows.
  const bad = [...seqC].filter(([, v]) => v.some((c, i) => c !== i + 1));
  expect(bad.slice(0, 3)).toEqual([]);
  const badW = [...seqW].filter(([, v]) => v.some((c, i) => i > 0 && c <= v[i - 1]!));
  expect(badW.slice(0, 3)).toEqual([]);
  return { keys: seqC.size, windows: seqW.size };
}

describe.skipIf(noBroker)('scale-out with state: changelog topics', () => {
  it('a server SIGKILLed mid-stream: the survivor restores its tasks from the changelogs; final counts equal an undisturbed server', { timeout: 300_000 }, async () => {
    const s = await setup();
    const [a, b] = await Promise.all([server(['--service-id', s.serviceId]), server(['--service-id', s.serviceId])]);
    const sql = statements(s.input, s.suffix, ...s.shared);
    // On A only: B applies them from the service's command topic.
    await run(a.port, sql);
    await waitFor(
      'both servers joined both groups',
      async () => Promise.all(s.groups.slice(0, 2).map(async (g) => (await s.admin.describeGroups([g])).groups[0]!.members.length)),
      (n) => n.every((m) => m === 2),
    );
    await s.send(0, 3_000);
    await s.drained();
    // Kill A while it works: records are arriving, so batches (and Kafka transactions) are open.
    const more = s.send(3_000, 6_000);
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGKILL');
    await a.exited;
    await more;
    await s.send(6_000, 8_000);
    await s.drained();
    const got = await check(s, 8_000);
    expect(got.keys).toBe(KEYS);
    b.child.kill('SIGTERM');
    await b.exited;
    await s.producer.disconnect();
    await s.admin.disconnect();
  });

  it('a server joining mid-stream takes over tasks with their state; final counts equal an undisturbed server', { timeout: 300_000 }, async () => {
    const s = await setup();
    const sql = statements(s.input, s.suffix, ...s.shared);
    const a = await server(['--service-id', s.serviceId]);
    await run(a.port, sql);
    await s.send(0, 3_000);
    const more = s.send(3_000, 6_000);
    // B catches up with A's statements from the command topic by itself.
    const b = await server(['--service-id', s.serviceId]);
    await more;
    await waitFor(
      'both servers joined both groups',
      async () => Promise.all(s.groups.slice(0, 2).map(async (g) => (await s.admin.describeGroups([g])).groups[0]!.members.length)),
      (n) => n.every((m) => m === 2),
    );
    await s.send(6_000, 8_000);
    await s.drained();
    const got = await check(s, 8_000);
    expect(got.keys).toBe(KEYS);
    for (const x of [a, b]) x.child.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
    await s.producer.disconnect();
    await s.admin.disconnect();
  });

  it('refuses what needs a repartition topic (GROUP BY a non-key column, a join not on both keys) with the reason; one partition is one task and runs', { timeout: 120_000 }, async () => {
    const input = unique('rin');
    const single = unique('rone');
    const users = unique('rusers');
    const admin = kafka().admin();
    await admin.connect();
    await createTopics(admin, [input, users].map((topic) => ({ topic, numPartitions: 4 })).concat([{ topic: single, numPartitions: 1 }]));
    await admin.disconnect();
    const a = await server(['--service-id', unique('svc')]);
    await run(
      a.port,
      `CREATE STREAM E (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE STREAM E1 (ID STRING KEY, N INT) WITH (kafka_topic='${single}', value_format='JSON');
      CREATE TABLE U (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='${users}', value_format='JSON');`,
    );
    /** The error reply's message, with its position as `line L:C: ` in front; '' when the statement ran. */
    const refused = async (sql: string): Promise<string> => {
      const c = await raw(a.port);
      c.send(JSON.stringify({ id: 'r', sql }));
      await until(() => c.lines.some((l) => l.id === 'r' && (l.type === 'end' || l.type === 'error')), 60_000);
      const err = c.lines.find((l) => l.type === 'error');
      c.socket.destroy();
      return err ? `${err.line !== undefined ? `line ${String(err.line)}:${String(err.column)}: ` : ''}${String(err.message)}` : '';
    };
    const byN = await refused(`CREATE TABLE BY_N WITH (kafka_topic='${unique('o')}') AS SELECT N, COUNT(*) AS C FROM E GROUP BY N;`);
    expect(byN).toMatch(/^line 1:\d+: Cannot run this query scaled out: GROUP BY N is not the key of the source it reads.*E has 4 partitions.*no repartition topics/s);
    const join = await refused(`CREATE STREAM J WITH (kafka_topic='${unique('o')}') AS SELECT U.ID, E.N, U.NAME FROM E JOIN U ON CAST(E.N AS STRING) = U.ID;`);
    expect(join).toMatch(/Cannot run this query scaled out: .*JOIN ON .* does not join both inputs on their keys/s);
    // Grouped by the key, a one-partition source, and a join on both keys: accepted.
    expect(await refused(`CREATE TABLE BY_ID WITH (kafka_topic='${unique('o')}') AS SELECT ID, COUNT(*) AS C FROM E GROUP BY ID;`)).toBe('');
    expect(await refused(`CREATE TABLE BY_N1 WITH (kafka_topic='${unique('o')}') AS SELECT N, COUNT(*) AS C FROM E1 GROUP BY N;`)).toBe('');
    expect(await refused(`CREATE STREAM J2 WITH (kafka_topic='${unique('o')}') AS SELECT E.ID, U.NAME FROM E JOIN U ON E.ID = U.ID;`)).toBe('');
    // Grouped by the join key of a join on both keys: every group lies in one task.
    expect(await refused(`CREATE TABLE JG WITH (kafka_topic='${unique('o')}') AS SELECT E.ID, COUNT(*) AS C FROM E JOIN U ON E.ID = U.ID GROUP BY E.ID;`)).toBe('');
    expect(await refused(`CREATE TABLE JN WITH (kafka_topic='${unique('o')}') AS SELECT E.N, COUNT(*) AS C FROM E JOIN U ON E.ID = U.ID GROUP BY E.N;`)).toMatch(/GROUP BY .*N is not the key/);
    a.child.kill('SIGTERM');
    await a.exited;
  });
});
