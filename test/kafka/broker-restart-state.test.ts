// A broker restart under a stateful persistent query: real `eddy server --kafka --service-id`
// processes, one or two (their state goes to changelog topics; two share the tasks), keep a per-key COUNT/SUM and a tumbling-window COUNT
// over a 4-partition stream on a broker of this file's own (stopping it harms no other suite).
// The broker is stopped while input is being processed, kept down longer than kafkajs's retries of
// any one call, and started again; more input follows. The output topics, as a read_committed
// consumer sees them, must be an undisturbed run's: each key's count goes exactly 1, 2, …, n (0
// lost, 0 doubled), each key's sum and each window's final count are those the input implies, and
// a lookup of every key on each server answers its final values.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import '../../src/runtime/log/kafka/aborted-filter.js'; // before kafkajs (see there)
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { raw, runSql, spawnServer, until, type ServerProcess } from '../server/helpers.js';
import { KEEP_RECORDS, noBroker, unique } from './helpers.js';
import { countSequences, type RawRecord } from './scale-out-helpers.js';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka.sh');
const kafkaDir = mkdtempSync(join(tmpdir(), 'eddy-restart-broker-'));
const env = { ...process.env, EDDY_KAFKA_DIR: kafkaDir, EDDY_KAFKA_WATCH_PID: String(process.pid) };
const dirs: string[] = [kafkaDir];
const servers: ServerProcess[] = [];
afterAll(() => {
  for (const x of servers) x.child.kill('SIGKILL');
  spawnSync('bash', [SCRIPT, 'stop'], { env, stdio: 'inherit' });
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

// Asynchronous: a synchronous child process would stop this process's timers too.
const sh = promisify(execFile);
const broker = {
  start: (port: number, controller: number) => sh('bash', [SCRIPT, 'start', String(port), String(controller)], { env, timeout: 180_000 }),
  stop: () => sh('bash', [SCRIPT, 'stop'], { env, timeout: 60_000 }),
  /** A crash: the broker's JVM SIGKILLed (it recovers its logs and transactions at the next start). */
  kill: async () => {
    const pid = Number(readFileSync(join(kafkaDir, 'kafka.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid), 30_000);
    rmSync(join(kafkaDir, 'kafka.pid'), { force: true });
  },
};

/**
 * A free port below the kernel's ephemeral range. While the broker is down its ports are free,
 * and one picked from that range can be given to any outgoing connection meanwhile (the servers
 * reconnecting, other suites): the restart then fails. Seen once ("broker exited during
 * start-up"), its log not kept; this cause is suspected, not confirmed.
 */
async function restartablePort(): Promise<number> {
  let low = 32_768; // Linux's default start, where the kernel does not say
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {}
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (Math.min(low, 32_768) - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** EDDY_FAULT_RUNS=n (as the other fault tests): every scenario n times; unset, two of them once. */
const RUNS = process.env.EDDY_FAULT_RUNS === undefined ? undefined : Number(process.env.EDDY_FAULT_RUNS);

const KEYS = 61;
const BASE_TS = Date.UTC(2023, 0, 1);
const STEP_MS = 7;
const WINDOW_MS = 2_000;
const TOTAL = 6_000;

/** What inputs 0..to-1 imply: per key its count and sum, per key and window its count. */
function expected(to: number): { counts: Map<string, number>; sums: Map<string, number>; windows: Map<string, number> } {
  const counts = new Map<string, number>();
  const sums = new Map<string, number>();
  const windows = new Map<string, number>();
  for (let n = 0; n < to; n++) {
    const k = `k${n % KEYS}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    sums.set(k, (sums.get(k) ?? 0) + n);
    const ts = BASE_TS + n * STEP_MS;
    const w = `${k}@${ts - (ts % WINDOW_MS)}`;
    windows.set(w, (windows.get(w) ?? 0) + 1);
  }
  return { counts, sums, windows };
}

const sorted = <V>(m: Map<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const last = <V>(m: Map<string, V[]>) => new Map([...m].map(([k, v]) => [k, v[v.length - 1]!]));

// Each run takes the broker down a little later after the last input: a different moment of the
// server's cycle (reading, staging, a delivery's transaction under way).
// With two servers the queries' tasks are shared, and the outage ends in a rebalance: tasks restore
// from the changelogs on whichever server gains them.
const all = [
  { how: 'stopped (SIGTERM)', down: () => broker.stop(), servers: 1, first: 0 },
  { how: 'killed (SIGKILL)', down: () => broker.kill(), servers: 2, first: 300 },
  { how: 'stopped (SIGTERM)', down: () => broker.stop(), servers: 2, first: 600 },
  { how: 'killed (SIGKILL)', down: () => broker.kill(), servers: 1, first: 900 },
];
const scenarios = (RUNS === undefined ? all.slice(0, 2) : all).flatMap((s) => Array.from({ length: RUNS ?? 1 }, (_, n) => ({ ...s, run: n + 1, delayMs: (s.first + n * 450) % 1_500 })));

describe.skipIf(noBroker)('a broker restart under a stateful query', () => {
  let ports: [number, number] | undefined;
  it.each(scenarios)(
    'the broker $how mid-stream under $servers server(s), and started again (run $run): every output topic equals an undisturbed run (0 lost, 0 doubled)',
    { timeout: 600_000 },
    async ({ how, down, servers: n, delayMs }) => {
      // One broker for the file, on the same ports throughout (a restart keeps its address).
      ports ??= [await restartablePort(), await restartablePort()];
      const [port, controller] = ports;
      await broker.start(port, controller);
      const brokers = `127.0.0.1:${port}`;
      const k = new Kafka({ clientId: 'eddy-restart-test', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
      let admin: Admin = k.admin();
      await admin.connect();
      const input = unique('restart_in');
      const [counts, windows] = [unique('restart_counts'), unique('restart_wcounts')];
      await admin.createTopics({ topics: [{ topic: input, numPartitions: 4, configEntries: KEEP_RECORDS }], waitForLeaders: true });
      const serviceId = unique('svc');
      const fleet: ServerProcess[] = [];
      for (let i = 0; i < n; i++) {
        const dir = mkdtempSync(join(tmpdir(), 'eddy-restart-'));
        dirs.push(dir);
        const x = await spawnServer(['--data', dir, '--kafka', brokers, '--service-id', serviceId]);
        servers.push(x);
        fleet.push(x);
      }
      const server = fleet[0]!;
      // On the first server; the second applies them from the service's command topic.
      await runSql(
        server.port,
        `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM EVENTS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
       CREATE TABLE COUNTS WITH (kafka_topic='${counts}', partitions=3) AS SELECT ID, COUNT(*) AS C, SUM(N) AS S FROM EVENTS GROUP BY ID;
       CREATE TABLE WCOUNTS WITH (kafka_topic='${windows}', partitions=3) AS SELECT ID, COUNT(*) AS C FROM EVENTS WINDOW TUMBLING (SIZE ${WINDOW_MS / 1000} SECONDS, GRACE PERIOD 1 HOUR) GROUP BY ID;`,
      );
      const groups = [`${serviceId}-CTAS_COUNTS_0`, `${serviceId}-CTAS_WCOUNTS_1`];
      const members = async () => Promise.all(groups.map((g) => admin.describeGroups([g]).then((d) => d.groups[0]!.members.length)));
      const shared = async (what: string) => {
        for (const end = Date.now() + 90_000; ; await new Promise((r) => setTimeout(r, 250))) {
          if ((await members().catch(() => [])).every((m) => m === n)) return;
          if (Date.now() > end) throw new Error(`${what}: not every server is a member of both groups`);
        }
      };
      await shared('before the input');

      const send = async (from: number, to: number) => {
        // Idempotent: a retry across the broker's restart must not write an input record twice.
        const p = k.producer({ idempotent: true, maxInFlightRequests: 1 });
        await p.connect();
        for (let at = from; at < to; at += 500) {
          const end = Math.min(to, at + 500);
          await p.send({
            topic: input,
            messages: Array.from({ length: end - at }, (_, i) => ({ key: `k${(at + i) % KEYS}`, value: JSON.stringify({ N: at + i }), timestamp: String(BASE_TS + (at + i) * STEP_MS) })),
          });
        }
        await p.disconnect();
      };
      const drained = async (ms: number) => {
        for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 250))) {
          const done = await (async () => {
            const ends = await admin.fetchTopicOffsets(input);
            for (const groupId of groups) {
              const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
              if (!ends.every((e) => committed!.partitions.some((p) => p.partition === e.partition && p.offset === e.high))) return false;
            }
            return true;
          })().catch(() => false);
          if (done) return;
          if (Date.now() > end) throw new Error(`the groups never committed every input offset; servers' output: ${fleet.map((x) => x.output()).join(' | ')}`);
        }
      };

      await send(0, 2_000);
      await drained(120_000);
      // Input keeps both queries busy when the broker goes: deliveries (output, changelog and offsets in one transaction) are under way.
      await send(2_000, 3_500);
      await new Promise((r) => setTimeout(r, delayMs));
      const committedAtStop = await Promise.all(
        groups.map((groupId) => admin.fetchOffsets({ groupId, topics: [input] }).then(([t]) => t!.partitions.reduce((a, p) => a + Math.max(0, Number(p.offset)), 0))),
      );
      await admin.disconnect();
      await down();
      await new Promise((r) => setTimeout(r, 20_000)); // longer than kafkajs's retries of any one call
      await broker.start(port, controller);
      admin = k.admin();
      await admin.connect();
      await send(3_500, TOTAL);
      await drained(180_000);
      for (const x of fleet) expect(x.child.exitCode).toBeNull(); // still running
      await shared('after the outage');

      const readAll = async (topic: string, enough: (n: number) => boolean): Promise<RawRecord[]> => {
        const consumer = k.consumer({ groupId: unique('check'), readUncommitted: false, maxWaitTimeInMs: 100 });
        const seen: RawRecord[] = [];
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ partition, message: m }) => void seen.push({ partition, key: m.key ?? null, value: m.value?.toString('utf8') ?? null }) });
        await until(() => enough(seen.length), 90_000).catch(() => {});
        await new Promise((r) => setTimeout(r, 1_000));
        await consumer.disconnect();
        return seen;
      };
      const want = expected(TOTAL);
      const inputSeen = await readAll(input, (n) => n >= TOTAL);
      expect(inputSeen.length).toBe(TOTAL); // the input itself: each record once
      const [rc, rw] = await Promise.all([readAll(counts, (n) => n >= TOTAL), readAll(windows, (n) => n >= want.windows.size)]);
      const seqC = countSequences(rc, false);
      const seqW = countSequences(rw, true);
      const sums = new Map<string, number>();
      for (const r of rc) if (r.key && r.value !== null) sums.set(r.key.toString('utf8'), (JSON.parse(r.value) as { S: number }).S);
      // Each key's count went exactly 1..n: no change lost, none doubled or redone from stale state.
      const bad = [...seqC].filter(([key, v]) => v.length !== want.counts.get(key) || v.some((c, i) => c !== i + 1));
      console.log(
        `broker ${how}: ${delayMs} ms after the last input, with ${committedAtStop.join(' and ')} of 3500 input offsets committed; ${rc.length} count changes over ${seqC.size} keys (${bad.length} keys wrong), ${seqW.size} windows`,
      );
      expect(bad.map(([key, v]) => `${key}: ${v.length} changes, ${v.slice(0, 8).join(',')}…`).slice(0, 5)).toEqual([]);
      expect(sorted(last(seqC))).toEqual(sorted(want.counts));
      expect(sorted(sums)).toEqual(sorted(want.sums));
      expect(sorted(last(seqW))).toEqual(sorted(want.windows));
      // A windowed count (one change per batch) only grows.
      const badW = [...seqW].filter(([, v]) => v.some((c, i) => i > 0 && c <= v[i - 1]!));
      expect(badW.slice(0, 3)).toEqual([]);

      // Each server's answer for every key (a lookup another server's task keeps is forwarded there) is the final one too.
      const finalRows = sorted(new Map([...want.counts].map(([key, c]) => [key, `${c}/${want.sums.get(key)}`])));
      for (const x of fleet) {
        const c = await raw(x.port);
        for (let i = 0; i < KEYS; i++) c.send(JSON.stringify({ id: `k${i}`, sql: `SELECT C, S FROM COUNTS WHERE ID = 'k${i}';` }));
        await until(() => c.lines.filter((l) => l.type === 'end' || l.type === 'error').length >= KEYS, 60_000);
        c.socket.destroy();
        const answers = new Map(c.lines.filter((l) => l.type === 'row').map((l) => [String(l.id), (l.values as number[]).join('/')]));
        const errors = c.lines.filter((l) => l.type === 'error').map((l) => `${String(l.id)}: ${String(l.message)}`);
        expect({ server: fleet.indexOf(x), errors: errors.slice(0, 3), answers: sorted(answers) }).toEqual({ server: fleet.indexOf(x), errors: [], answers: finalRows });
      }

      await admin.disconnect();
      for (const x of fleet) x.child.kill('SIGTERM');
      await Promise.all(fleet.map((x) => x.exited));
    },
  );
});
