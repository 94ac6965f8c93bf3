// Statements per second over PostgreSQL's wire protocol (node-postgres, prepared statements)
// against Eddy's own line protocol (EddyClient), from 1, 10 and 100 concurrent clients, each
// in a closed loop for a few seconds:
//   pull    SELECT NAME FROM KV WHERE ID = k   (a key lookup in a static table of 1000 rows)
//   insert  INSERT INTO EVENTS (ID, V) VALUES  (one row into a stream's embedded-log topic)
// Reports statements/s over all clients and the latency p50 / p99 of one statement. The server
// runs in this process, the clients in a child process (pgwire-bench-clients.ts).
// Run: node --import tsx bench/pgwire-bench.ts [--seconds 3] [--clients N (only N)]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { EddyServer } from '../src/server/server.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 3);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

interface Report {
  readonly counts: number[];
  readonly elapsed: number;
  readonly latencies: number[];
}

function clientsRun(protocol: string, workload: string, port: number, clients: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'pgwire-bench-clients.ts'), protocol, workload, String(port), String(clients), String(SECONDS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Report) : reject(new Error(`clients exited with ${code}`))));
  });
}

interface Cell {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
}

async function cell(protocol: 'pg' | 'line', workload: 'pull' | 'insert', clients: number): Promise<Cell> {
  const server = new EddyServer({ port: 0, pgPort: 0, queryTimeoutMs: 0, limits: { idleTimeoutMs: 0 }, engine: { batch: { intervalMs: 10 } } });
  const { port } = await server.listen();
  server.eddy.execute("CREATE TABLE KV (ID INT PRIMARY KEY, NAME STRING); CREATE STREAM EVENTS (ID BIGINT KEY, V STRING) WITH (kafka_topic='events', value_format='JSON');");
  for (let i = 0; i < 1000; i += 100) server.eddy.execute(Array.from({ length: 100 }, (_, k) => `INSERT INTO KV (ID, NAME) VALUES (${i + k}, 'n${i + k}');`).join(' '));
  const r = await clientsRun(protocol, workload, protocol === 'pg' ? server.pgAddress!.port : port, clients);
  await server.close();
  const total = r.counts.reduce((a, b) => a + b, 0);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { rate: total / r.elapsed, p50: r2(pct(r.latencies, 50)), p99: r2(pct(r.latencies, 99)) };
}

const only = arg('clients', 0);
const counts = only ? [only] : [1, 10, 100];
const before = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const lines: string[] = [];
for (const workload of ['pull', 'insert'] as const) {
  for (const n of counts) {
    const pgCell = await cell('pg', workload, n);
    const line = await cell('line', workload, n);
    const f = (c: Cell) => `${Math.round(c.rate).toLocaleString('en-US')} | ${c.p50} / ${c.p99}`;
    lines.push(`| ${workload} | ${n} | ${f(pgCell)} | ${f(line)} |`);
  }
}
const after = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
console.log(`statements over pgwire (node-postgres, prepared) vs the line protocol (EddyClient), ${SECONDS} s per cell (node --import tsx bench/pgwire-bench.ts --seconds ${SECONDS})`);
console.log(`load average (1/5/15 min) before: ${before}; after: ${after}`);
console.log('| workload | clients | pgwire: statements/s | pgwire: p50 / p99 (ms) | line: statements/s | line: p50 / p99 (ms) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const l of lines) console.log(l);
