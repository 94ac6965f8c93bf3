// A broker outage, survived: a real `eddy server` runs a persistent query over its own Kafka broker
// (started here, so that stopping it harms no other suite); the broker is stopped for longer than
// kafkajs's retries last and started again. Throughout, a client asks SHOW QUERIES every 100 ms and
// each reply must come within a second; afterwards the output equals one uninterrupted run.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import '../../src/runtime/log/kafka/aborted-filter.js'; // before kafkajs (see there)
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { raw, spawnServer, type RawClient, type ServerProcess } from '../server/helpers.js';
import { noBroker, unique, until, KEEP_RECORDS } from './helpers.js';
import { freePort } from './broker-setup.js';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka.sh');
const kafkaDir = mkdtempSync(join(tmpdir(), 'eddy-outage-broker-'));
const env = { ...process.env, EDDY_KAFKA_DIR: kafkaDir, EDDY_KAFKA_WATCH_PID: String(process.pid) };
const dirs: string[] = [kafkaDir];
let server: ServerProcess | undefined;
afterAll(() => {
  server?.child.kill('SIGKILL');
  spawnSync('bash', [SCRIPT, 'stop'], { env, stdio: 'inherit' });
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

// Asynchronous: a synchronous child process would stop this process's clock-keeping prober too.
const run = promisify(execFile);
const broker = {
  start: (port: number, controller: number) => run('bash', [SCRIPT, 'start', String(port), String(controller)], { env, timeout: 120_000 }),
  stop: () => run('bash', [SCRIPT, 'stop'], { env, timeout: 60_000 }),
};

/** Asks SHOW QUERIES every 100 ms, one question at a time, and keeps the slowest reply. */
function prober(c: RawClient): { worst: () => number; stop: () => Promise<void> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const id = `q${n}`;
      const asked = Date.now();
      c.send(JSON.stringify({ id, sql: 'SHOW QUERIES;' }));
      await until(() => c.lines.some((l) => l.id === id && (l.type === 'end' || l.type === 'error')), 120_000);
      worst = Math.max(worst, Date.now() - asked);
      c.lines.length = 0;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    worst: () => worst,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe.skipIf(noBroker)('a Kafka broker outage', () => {
  it('the server keeps answering within a second, and after the broker is back nothing is lost or doubled', { timeout: 300_000 }, async () => {
    const [port, controller] = [await freePort(), await freePort()];
    await broker.start(port, controller);
    const brokers = `127.0.0.1:${port}`;
    const k = new Kafka({ clientId: 'eddy-outage-test', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    const admin = k.admin();
    await admin.connect();
    const input = unique('outage_in');
    const output = unique('outage_out');
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 2, configEntries: KEEP_RECORDS }], waitForLeaders: true });
    const dir = mkdtempSync(join(tmpdir(), 'eddy-outage-'));
    dirs.push(dir);
    const serviceId = unique('svc');
    server = await spawnServer(['--data', dir, '--kafka', brokers, '--service-id', serviceId]);
    const c = await raw(server.port);
    c.send(
      JSON.stringify({
        id: 'ddl',
        sql: `SET 'auto.offset.reset' = 'earliest';
      CREATE STREAM IN_S (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE STREAM OUT_S WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, N FROM IN_S WHERE N % 3 <> 0;`,
      }),
    );
    await until(() => c.lines.some((l) => l.id === 'ddl' && (l.type === 'end' || l.type === 'error')), 60_000);
    expect(c.lines.find((l) => l.type === 'error')).toBeUndefined();
    c.lines.length = 0;
    const group = `${serviceId}-CSAS_OUT_S_0`;

    const send = async (from: number, to: number) => {
      // Idempotent: a retry across the broker's restart must not write an input record twice.
      const p = k.producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      await p.send({ topic: input, messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 31}`, value: JSON.stringify({ N: from + i }) })) });
      await p.disconnect();
    };
    const drained = async (ms: number) => {
      for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 250))) {
        const done = await Promise.all([admin.fetchTopicOffsets(input), admin.fetchOffsets({ groupId: group, topics: [input] })])
          .then(([ends, [committed]]) => ends.every((e) => committed!.partitions.some((p) => p.partition === e.partition && p.offset === e.high)))
          .catch(() => false);
        if (done) return;
        if (Date.now() > end) throw new Error('the group never committed every input offset');
      }
    };

    await send(0, 1_000);
    await drained(60_000);
    await admin.disconnect();
    const probe = prober(c);
    // Input keeps the query busy when the broker goes: a delivery is likely under way.
    await send(1_000, 1_500);
    await broker.stop();
    await new Promise((r) => setTimeout(r, 20_000)); // longer than kafkajs's retries of any one call
    await broker.start(port, controller);
    const worstDuring = probe.worst();
    await admin.connect();
    await send(1_500, 2_000);
    await drained(120_000);
    await probe.stop();

    const readAll = async (topic: string, count: number): Promise<number[]> => {
      const consumer = k.consumer({ groupId: unique('check'), readUncommitted: false, maxWaitTimeInMs: 100 });
      const seen: number[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push((JSON.parse(message.value!.toString()) as { N: number }).N) });
      await until(() => seen.length >= count, 60_000).catch(() => {});
      await new Promise((r) => setTimeout(r, 1_000));
      await consumer.disconnect();
      return seen.sort((a, b) => a - b);
    };
    expect(await readAll(input, 2_000)).toEqual(Array.from({ length: 2_000 }, (_, n) => n)); // the input itself: each record once
    const want = Array.from({ length: 2_000 }, (_, n) => n).filter((n) => n % 3 !== 0);
    const seen = await readAll(output, want.length);
    await admin.disconnect();
    console.log(`broker outage: worst SHOW QUERIES reply ${worstDuring} ms during the outage, ${probe.worst()} ms overall`);
    expect(server.child.exitCode).toBeNull(); // still running
    expect(seen).toEqual(want);
    expect(probe.worst()).toBeLessThan(1_000);
    server.child.kill('SIGTERM');
    await server.exited;
  });
});
