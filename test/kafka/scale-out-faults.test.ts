// Fault scenarios of a scale-out service with state, beyond scale-out-state.test.ts's SIGKILL and
// joining: a server frozen (SIGSTOP) past the session timeout and woken again (the zombie must
// not commit), a server leaving cleanly (SIGTERM), and a SIGKILL among three servers. Each run:
// the service's servers share a per-key count and a tumbling-window count over a 6-partition
// stream (statements run on one server, the others apply them from the command topic); a server
// without --service-id, never disturbed, runs the same queries as the reference. Checked: every
// output topic as a read_committed consumer sees it (final values equal the reference's and the
// input's; a per-key count goes exactly 1..n, a window's count only grows) and a key lookup of
// every key on a surviving server equals the reference's answer (0 lost, 0 doubled, 0 wrong).
// EDDY_FAULT_RUNS=n repeats each scenario n times (default 1).

import { describe, expect, it } from 'vitest';
import { committedRecords, countSequences, serverFleet } from './scale-out-helpers.js';
import { raw, runSql } from '../server/helpers.js';
import { createTopics, kafka, noBroker, unique, until, waitFor } from './helpers.js';

const RUNS = Number(process.env.EDDY_FAULT_RUNS ?? 1);
const KEYS = 61;
const RECORDS = 8_000;
const BASE_TS = Date.UTC(2023, 0, 1);
const STEP_MS = 7;
const WINDOW_MS = 2_000;

const server = serverFleet('eddy-faults');
const readAll = committedRecords;
const sequences = countSequences;

const finals = (s: Map<string, number[]>) => [...s].map(([k, v]) => [k, v[v.length - 1]!] as const).sort(([a], [b]) => (a < b ? -1 : 1));

async function pull(port: number, sql: string): Promise<string> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'p', sql }));
  await until(() => c.lines.some((l) => l.id === 'p' && (l.type === 'end' || l.type === 'error')), 30_000);
  c.socket.destroy();
  const err = c.lines.find((l) => l.type === 'error');
  return err ? `error: ${String(err.message)}` : JSON.stringify(c.lines.filter((l) => l.type === 'row').map((l) => l.values));
}

type Fault = 'sigstop' | 'sigterm' | 'sigkill';

/** One faulted run; returns what differed from the reference (empty: exact). */
async function scenario(fault: Fault, count: number): Promise<{ lost: number; doubled: number; wrong: number; pullsWrong: number }> {
  const input = unique('fevents');
  const suffix = unique('f').slice(2).toUpperCase();
  const serviceId = unique('svc');
  const topics = { c: unique('fcounts'), w: unique('fwcounts'), rc: unique('frcounts'), rw: unique('frwcounts') };
  const admin = kafka().admin();
  await admin.connect();
  await createTopics(admin, [{ topic: input, numPartitions: 6 }]);
  const ddl = (s: string, c: string, w: string) => `SET 'auto.offset.reset' = 'earliest';
    CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
    CREATE TABLE COUNTS_${s} WITH (kafka_topic='${c}', partitions=3) AS SELECT ID, COUNT(*) AS C FROM EVENTS GROUP BY ID;
    CREATE TABLE WCOUNTS_${s} WITH (kafka_topic='${w}', partitions=3) AS SELECT ID, COUNT(*) AS C FROM EVENTS WINDOW TUMBLING (SIZE ${WINDOW_MS / 1000} SECONDS, GRACE PERIOD 1 HOUR) GROUP BY ID;`;
  const ref = await server([]);
  await runSql(ref.port, ddl(`R${suffix}`, topics.rc, topics.rw));
  const shared = await Promise.all(Array.from({ length: count }, () => server(['--service-id', serviceId])));
  await runSql(shared[0]!.port, ddl(suffix, topics.c, topics.w));
  const groups = [`${serviceId}-CTAS_COUNTS_${suffix}_0`, `${serviceId}-CTAS_WCOUNTS_${suffix}_1`];
  const members = () => Promise.all(groups.map(async (g) => (await admin.describeGroups([g])).groups[0]!.members.length));
  await waitFor(`all ${count} servers joined both groups`, members, (n) => n.every((m) => m === count), 120_000).catch(async (e: Error) => {
    // What the servers said, to tell a slow machine from a server that never joined.
    const said = shared.map((s, i) => `server ${i}: ${s.output().slice(-1_500)}`).join('\n');
    throw new Error(`${e.message} (members: ${JSON.stringify(await members().catch(() => null))})\n${said}`);
  });
  const producer = kafka().producer();
  await producer.connect();
  const send = async (from: number, to: number) => {
    for (let at = from; at < to; at += 500) {
      const end = Math.min(to, at + 500);
      await producer.send({
        topic: input,
        messages: Array.from({ length: end - at }, (_, i) => ({ key: `k${(at + i) % KEYS}`, value: JSON.stringify({ N: at + i }), timestamp: String(BASE_TS + (at + i) * STEP_MS) })),
      });
    }
  };
  const drained = () =>
    waitFor(
      'every group committed every input offset',
      async () => {
        const ends = await admin.fetchTopicOffsets(input);
        for (const groupId of [...groups, `eddy-CTAS_COUNTS_R${suffix}_0`, `eddy-CTAS_WCOUNTS_R${suffix}_1`]) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
          if (!ends.every((e) => committed!.partitions.some((p) => p.partition === e.partition && p.offset === e.high))) return false;
        }
        return true;
      },
      (done) => done,
      180_000,
    );
  await send(0, 3_000);
  await drained();
  const victim = shared[0]!;
  const more = send(3_000, 6_000);
  await new Promise((r) => setTimeout(r, 300));
  if (fault === 'sigkill') {
    victim.child.kill('SIGKILL');
    await victim.exited;
  } else if (fault === 'sigterm') {
    victim.child.kill('SIGTERM');
    await victim.exited;
  } else {
    // Frozen past the 6 s session timeout: its tasks move; woken, it must not commit for them.
    victim.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 10_000));
    victim.child.kill('SIGCONT');
  }
  await more;
  await send(6_000, RECORDS);
  await drained();

  const counts = new Map<string, number>();
  const windows = new Map<string, number>();
  for (let n = 0; n < RECORDS; n++) {
    const k = `k${n % KEYS}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    const ts = BASE_TS + n * STEP_MS;
    const w = `${k}@${ts - (ts % WINDOW_MS)}`;
    windows.set(w, (windows.get(w) ?? 0) + 1);
  }
  const [sc, sw, rc, rw] = await Promise.all([readAll(topics.c, RECORDS), readAll(topics.w, windows.size), readAll(topics.rc, RECORDS), readAll(topics.rw, windows.size)]);
  const [seqC, seqW, refC, refW] = [sequences(sc, false), sequences(sw, true), sequences(rc, false), sequences(rw, true)];
  const want = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  expect(finals(refC)).toEqual(want(counts));
  expect(finals(refW)).toEqual(want(windows));
  const lost = [...counts].filter(([k, n]) => (seqC.get(k)?.at(-1) ?? 0) < n).length + [...windows].filter(([k, n]) => (seqW.get(k)?.at(-1) ?? 0) < n).length;
  const doubled = [...seqC].filter(([, v]) => v.some((c, i) => c !== i + 1)).length + [...seqW].filter(([, v]) => v.some((c, i) => i > 0 && c <= v[i - 1]!)).length;
  const wrong = JSON.stringify(finals(seqC)) === JSON.stringify(finals(refC)) && JSON.stringify(finals(seqW)) === JSON.stringify(finals(refW)) ? 0 : 1;
  // Every key looked up on a server that was not faulted, against the reference's answer.
  const asked = shared[1]!;
  let pullsWrong = 0;
  const diffs: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const [mine, theirs] = await Promise.all([pull(asked.port, `SELECT * FROM COUNTS_${suffix} WHERE ID = 'k${i}';`), pull(ref.port, `SELECT * FROM COUNTS_R${suffix} WHERE ID = 'k${i}';`)]);
    if (mine !== theirs) {
      pullsWrong++;
      diffs.push(`k${i}: ${mine} (reference: ${theirs})`);
    }
  }
  await producer.disconnect();
  await admin.disconnect();
  for (const s of [ref, ...shared]) {
    s.child.kill('SIGCONT');
    s.child.kill('SIGTERM');
  }
  await Promise.all([ref, ...shared].map((s) => s.exited));
  if (diffs.length) process.stderr.write(`scale-out-faults ${fault}/${count}: pull answers that differ: ${diffs.slice(0, 5).join('; ')}\n`);
  return { lost, doubled, wrong, pullsWrong };
}

describe.skipIf(noBroker)('scale-out with state under faults', () => {
  // Among three, a task can move between two survivors after its last record: its new owner must
  // rebuild the pull-query rows as well as the aggregation's state (before the rows had a
  // changelog of their own, lookups of those keys answered nothing: 19 of 61 keys in this test's
  // first run).
  const cases: [string, Fault, number][] = [
    ['a server frozen past its session timeout, then woken (2 servers)', 'sigstop', 2],
    ['a server leaving cleanly (SIGTERM, 2 servers)', 'sigterm', 2],
    ['a server SIGKILLed among three', 'sigkill', 3],
  ];
  for (const [name, fault, count] of cases) {
    it(`${name}: output and pull answers equal an undisturbed server`, { timeout: 600_000 * RUNS }, async () => {
      const results = [];
      for (let r = 0; r < RUNS; r++) {
        const started = Date.now();
        const got = await scenario(fault, count);
        results.push(got);
        process.stderr.write(`scale-out-faults ${fault}/${count} run ${r + 1}/${RUNS}: ${JSON.stringify(got)} in ${Math.round((Date.now() - started) / 1000)} s\n`);
      }
      expect(results).toEqual(results.map(() => ({ lost: 0, doubled: 0, wrong: 0, pullsWrong: 0 })));
    });
  }
});
