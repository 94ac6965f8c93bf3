// Push-query delivery over TCP: rows per second delivered to 1, 10 and 100 clients, and the
// latency from a row's insert to its arrival at a client (p50, p99), which includes waiting for
// the next micro-batch trigger.
// Run: node --import tsx bench/server-bench.ts [--rows 20000] [--interval 10]
import { EddyClient } from '../src/server/client.js';
import { EddyServer } from '../src/server/server.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 20_000);
const INTERVAL = arg('interval', 10);
const CHUNK = 500;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function run(clients: number): Promise<{ clients: number; rowsPerSec: number; perClient: number; p50: number; p99: number }> {
  const server = new EddyServer({ port: 0, engine: { batch: { intervalMs: INTERVAL, maxRecords: 5000 } } });
  const { port } = await server.listen();
  const admin = await EddyClient.connect('127.0.0.1', port);
  await admin.execute("CREATE STREAM EVENTS (ID BIGINT KEY, SENT BIGINT, PAYLOAD STRING) WITH (kafka_topic='events', value_format='JSON');");
  const subs = await Promise.all(Array.from({ length: clients }, () => EddyClient.connect('127.0.0.1', port)));
  const latencies: number[] = [];
  const queries = subs.map((c) => c.query(`SELECT ID, SENT, PAYLOAD FROM EVENTS EMIT CHANGES LIMIT ${ROWS};`));
  await Promise.all(queries.map((q) => q.columns));
  const started = performance.now();
  const done = Promise.all(
    queries.map(async (q, i) => {
      let n = 0;
      for await (const r of q) {
        n++;
        if (i === 0 && n % 10 === 0) latencies.push(Date.now() - Number(r.values[1]));
      }
      return n;
    }),
  );
  for (let i = 0; i < ROWS; i += CHUNK) {
    const now = Date.now();
    await admin.insert('EVENTS', Array.from({ length: Math.min(CHUNK, ROWS - i) }, (_, k) => ({ ID: i + k, SENT: now, PAYLOAD: 'x'.repeat(64) })));
  }
  const counts = await done;
  const secs = (performance.now() - started) / 1000;
  if (counts.some((n) => n !== ROWS)) throw new Error(`a client missed rows: ${counts.join(',')}`);
  for (const c of [admin, ...subs]) c.close();
  await server.close();
  return { clients, rowsPerSec: (ROWS * clients) / secs, perClient: ROWS / secs, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

const results = [];
for (const n of [1, 10, 100]) results.push(await run(n));
console.log(`push delivery, ${ROWS} rows of ~100 bytes, trigger ${INTERVAL} ms (node --import tsx bench/server-bench.ts --rows ${ROWS} --interval ${INTERVAL})`);
console.log('| clients | rows/s delivered (all clients) | rows/s per client | insert→client p50 (ms) | p99 (ms) |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.clients} | ${Math.round(r.rowsPerSec).toLocaleString('en-US')} | ${Math.round(r.perClient).toLocaleString('en-US')} | ${r.p50} | ${r.p99} |`);
