// Push-query delivery over each of the server's protocols side by side, in one run: the line
// protocol, PostgreSQL's wire protocol and ksqlDB's REST API (/query-stream), to 1, 10 and 100
// clients. Each cell: a fresh in-process server (all three ports), N subscribers in a child
// process (protocol-bench-clients.ts) holding `SELECT ID, PAYLOAD FROM EVENTS EMIT CHANGES LIMIT
// rows`, then `rows` rows (~80 bytes) inserted in chunks of 500 as fast as the server acknowledges;
// rows/s = rows × clients / (last row at the last client − first insert). Reports the load average
// before and after, since the machine is shared.
// Run: node --import tsx bench/protocol-bench.ts [--rows 5000] [--interval 10] [--clients N (only N)]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EddyClient } from '../src/server/client.js';
import { EddyServer } from '../src/server/server.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 5000);
const INTERVAL = arg('interval', 10);
const CHUNK = 500;
const PROTOCOLS = ['line', 'pgwire', 'rest'] as const;
const now = () => performance.timeOrigin + performance.now();

async function run(protocol: (typeof PROTOCOLS)[number], clients: number): Promise<number> {
  const server = new EddyServer({ port: 0, pgPort: 0, httpPort: 0, engine: { batch: { intervalMs: INTERVAL, maxRecords: 5000 } } });
  const { port } = await server.listen();
  server.eddy.execute("CREATE STREAM EVENTS (ID BIGINT KEY, PAYLOAD STRING) WITH (kafka_topic='events', value_format='JSON');");
  const target = { line: port, pgwire: server.pgAddress!.port, rest: server.httpAddress!.port }[protocol];
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'protocol-bench-clients.ts'), protocol, String(target), String(clients), String(ROWS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const report = new Promise<{ counts: number[]; lastAt: number }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => resolve(JSON.parse(l) as { counts: number[]; lastAt: number }));
    child.on('exit', (code) => code !== 0 && reject(new Error(`${protocol} subscribers exited with ${code}`)));
  });
  // Every subscriber's push query is running before the first row goes in.
  while (server.eddy.queries().filter((q) => q.type === 'PUSH').length < clients) await new Promise((r) => setTimeout(r, 20));
  const admin = await EddyClient.connect('127.0.0.1', port);
  const started = now();
  for (let i = 0; i < ROWS; i += CHUNK) {
    await admin.insert(
      'EVENTS',
      Array.from({ length: Math.min(CHUNK, ROWS - i) }, (_, k) => ({ ID: i + k, PAYLOAD: 'x'.repeat(64) })),
    );
  }
  const r = await report;
  if (r.counts.some((n) => n !== ROWS)) throw new Error(`${protocol}: a client missed rows: ${r.counts.join(',')}`);
  admin.close();
  await server.close();
  return (ROWS * clients) / ((r.lastAt - started) / 1000);
}

const only = arg('clients', 0);
const counts = only ? [only] : [1, 10, 100];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const before = load();
const results = new Map<string, number>();
for (const n of counts) for (const p of PROTOCOLS) results.set(`${p}:${n}`, await run(p, n));
console.log(
  `push delivery, ${ROWS} rows of ~80 bytes, trigger ${INTERVAL} ms (node --import tsx bench/protocol-bench.ts --rows ${ROWS} --interval ${INTERVAL}); load average before: ${before}, after: ${load()}`,
);
console.log('| clients | line: rows/s delivered | pgwire: rows/s | REST /query-stream: rows/s | pgwire / line | REST / line |');
console.log('|---:|---:|---:|---:|---:|---:|');
const f = (x: number) => Math.round(x).toLocaleString('en-US');
for (const n of counts) {
  const [l, p, r] = PROTOCOLS.map((x) => results.get(`${x}:${n}`)!) as [number, number, number];
  console.log(`| ${n} | ${f(l)} | ${f(p)} | ${f(r)} | ${(p / l).toFixed(2)} | ${(r / l).toFixed(2)} |`);
}
