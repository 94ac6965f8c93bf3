// Throughput of a scale-out service with 1, 2 and 3 `eddy server --kafka --service-id` processes,
// side by side in one run: the same records (a 6-partition topic, produced once beforehand) through
// the same stateful query (a per-key COUNT/SUM: changelog topic, one Kafka transaction per task
// per batch), each server count under a service of its own that reads the topic from the start.
// Timed from the moment every server has joined the query's group to the moment the group has
// committed every input offset. Start a broker first (scripts/kafka.sh start), then:
//   node --import tsx bench/scale-out-bench.ts [--brokers 127.0.0.1:9092] [--records 300000] [--servers 1,2,3]
// On one machine the servers share its cores and the broker's: the figures show what the
// protocol costs and whether more servers help on this machine, not how a cluster scales.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const BROKERS = arg('brokers', '127.0.0.1:9092');
const RECORDS = Number(arg('records', '300000'));
const COUNTS = arg('servers', '1,2,3').split(',').map(Number);
const PARTITIONS = 6;
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const run = Date.now().toString(36);
const topic = `bench_scale_${run}`;
const kafka = new Kafka({ clientId: 'eddy-bench', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();

interface Server {
  child: ChildProcess;
  port: number;
  dir: string;
}

function startServer(serviceId: string): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-scale-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'server', '--port', '0', '--data', dir, '--kafka', BROKERS, '--service-id', serviceId, '--batch-interval', '5'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), dir });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

function sql(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(`${JSON.stringify({ id: 'b', sql: text })}\n`));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      for (const line of buf.split('\n').slice(0, -1)) {
        const r = JSON.parse(line) as { id?: string; type: string; message?: string };
        if (r.id !== 'b') continue;
        if (r.type === 'error') reject(new Error(r.message));
        if (r.type === 'end' || r.type === 'error') s.destroy();
        if (r.type === 'end') resolve();
      }
    });
  });
}

async function until(what: string, ok: () => Promise<boolean>, ms = 600_000): Promise<void> {
  for (const end = Date.now() + ms; !(await ok().catch(() => false)); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
  }
}

async function produce(): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, configEntries: [{ name: 'retention.ms', value: '-1' }] }] });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < RECORDS; i += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, RECORDS - i) }, (_, j) => ({ key: `user${(i + j) % 1000}`, value: JSON.stringify({ MS: (i + j) % 300 }) }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function measure(count: number): Promise<{ joinMs: number; ms: number }> {
  const serviceId = `bench-${run}-${count}`;
  const servers = await Promise.all(Array.from({ length: count }, () => startServer(serviceId)));
  try {
    const t0 = performance.now();
    await sql(
      servers[0]!.port,
      `SET 'auto.offset.reset' = 'earliest';
      CREATE STREAM CLICKS (USER STRING KEY, MS INT) WITH (kafka_topic='${topic}', value_format='JSON');
      CREATE TABLE PER_USER WITH (kafka_topic='${topic}_per_user_${count}') AS SELECT USER, COUNT(*) AS N, SUM(MS) AS MS FROM CLICKS GROUP BY USER;`,
    );
    const group = `${serviceId}-CTAS_PER_USER_0`;
    // The group settles (every server a member, each task acquired) before the clock starts: a
    // rebalance's cost is the join time, reported apart. Records already read meanwhile count.
    await until('every server joined', async () => (await admin.describeGroups([group])).groups[0]!.members.length === count && (await admin.describeGroups([group])).groups[0]!.state === 'Stable');
    const joined = performance.now();
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = async () => {
      const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return ends.reduce((n, e) => n + Number(c!.partitions.find((p) => p.partition === e.partition)?.offset ?? 0), 0);
    };
    const before = Math.max(0, await committed());
    await until('every offset committed', async () => (await committed()) >= RECORDS);
    const ms = performance.now() - joined;
    // Scale to the whole input: what was committed before the clock started is left out of the rate.
    return { joinMs: joined - t0, ms: (ms * RECORDS) / Math.max(1, RECORDS - before) };
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.on('exit', r)))));
    for (const s of servers) rmSync(s.dir, { recursive: true, force: true });
  }
}

await admin.connect();
await produce();
console.log(`topic ${topic}: ${RECORDS} records, ${PARTITIONS} partitions, 1000 keys; query: per-key COUNT/SUM (changelog, a transaction per task and batch)`);
for (const count of COUNTS) {
  const { joinMs, ms } = await measure(count);
  console.log(
    `${count} server${count > 1 ? 's' : ' '}: ${Math.round(RECORDS / (ms / 1000))
      .toLocaleString('en-US')
      .padStart(8)} records/s (${Math.round(ms)} ms; group settled ${Math.round(joinMs)} ms after the CREATE)`,
  );
}
await admin.disconnect();
