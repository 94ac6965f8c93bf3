// What the console costs the batch loop: one persistent aggregate over a generated Nexmark bid
// stream, run to the end of its input in three set-ups, alternated --runs times, each in a fresh
// server with its own data directory and the CLI's default batch settings (100 ms trigger, 10,000
// records, 250 ms budget): no HTTP port at all ("off"), the HTTP port (console, /metrics) open
// with nobody on it ("idle port"), and --pollers (default 10) clients making exactly the requests
// an open console page makes (console-bench-pollers.ts), or with --browser that many real console
// pages in headless Chromium (console-bench-pages.ts). The clients run in a child process, so
// this process's CPU time is the server's (and this loop's check of the query's progress every
// 20 ms, the same in every set-up): reported per input record, which hardly depends on what else
// the machine runs, beside rows/s of wall time, which does.
// Then the CPU time an idle server spends on the same clients (idleCpu, below).
// Run: node --import tsx bench/console-bench.ts [--rows 1000000] [--runs 3] [--pollers 10] [--browser]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EddyServer } from '../src/server/server.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 1_000_000);
const RUNS = arg('runs', 3);
const POLLERS = arg('pollers', 10);
const BROWSER = process.argv.includes('--browser');
const WHO = BROWSER ? 'console pages' : 'pollers';

interface PollReport {
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuMsPerSec: number;
}

/** The clients, in a child process: HTTP pollers, or with --browser real console pages. */
function start(base: string, n: number): { ready: Promise<void>; stop: () => Promise<PollReport> } {
  const script = BROWSER ? 'console-bench-pages.ts' : 'console-bench-pollers.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), base, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const report = new Promise<PollReport>((resolve) => lines.on('line', (l) => (l === 'ready' ? ready() : resolve(JSON.parse(l) as PollReport))));
  return {
    ready: readyP,
    stop: () => {
      child.stdin.end();
      return report;
    },
  };
}

type Setup = 'off' | 'idle port' | 'clients';

async function run(setup: Setup): Promise<{ rowsPerSec: number; cpuUsPerRow: number; seconds: number; batches: number; poll?: PollReport }> {
  const pollers = setup === 'clients' ? POLLERS : 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-console-bench-'));
  const server = new EddyServer({
    port: 0,
    ...(setup === 'off' ? {} : { httpPort: 0 }),
    engine: { dataDir, batch: { intervalMs: 100, maxRecords: 10_000, maxMs: 250 }, properties: { 'auto.offset.reset': 'earliest' } },
  });
  await server.listen();
  const base = server.httpAddress ? `http://127.0.0.1:${server.httpAddress.port}` : '';
  // Through the engine, not the HTTP API: the "off" set-up has none.
  const ksql = async (sql: string) => void server.eddy.execute(sql);
  await ksql(`CREATE STREAM BIDS (AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT) WITH (source='nexmark', event='bid', max_rows=${ROWS});`);
  const p = pollers ? start(base, pollers) : undefined;
  await p?.ready;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await ksql('CREATE TABLE TOP_BID AS SELECT AUCTION, COUNT(*) AS BIDS, MAX(PRICE) AS TOP FROM BIDS GROUP BY AUCTION;');
  const id = 'CTAS_TOP_BID_0';
  for (;;) {
    const m = server.eddy.progress(id);
    if (m && m.recordsIn > 0 && m.lag === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const m = server.eddy.progress(id)!;
  const poll = await p?.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { rowsPerSec: m.recordsIn / seconds, cpuUsPerRow: (cpu.user + cpu.system) / m.recordsIn, seconds, batches: m.batches, ...(poll ? { poll } : {}) };
}

const SETUPS: readonly Setup[] = ['off', 'idle port', 'clients'];
const results = new Map<Setup, { rows: number[]; cpu: number[] }>(SETUPS.map((x) => [x, { rows: [], cpu: [] }]));
const label = (x: Setup) => (x === 'clients' ? `${POLLERS} ${WHO}` : x === 'off' ? 'no HTTP port' : 'HTTP port, no client');
for (let i = 0; i < RUNS; i++) {
  for (const setup of SETUPS) {
    const r = await run(setup);
    results.get(setup)!.rows.push(r.rowsPerSec);
    results.get(setup)!.cpu.push(r.cpuUsPerRow);
    const poll = r.poll
      ? `; ${WHO}: ${r.poll.requests} requests, ${(r.poll.requests / r.seconds).toFixed(0)}/s, p50 ${r.poll.p50.toFixed(1)} ms, p99 ${r.poll.p99.toFixed(1)} ms, their own CPU ${Number.isNaN(r.poll.cpuMsPerSec) ? 'not measured' : `${r.poll.cpuMsPerSec.toFixed(0)} ms/s`}`
      : '';
    process.stdout.write(
      `run ${i + 1}, ${label(setup)}: ${Math.round(r.rowsPerSec).toLocaleString('en')} rows/s, ${r.cpuUsPerRow.toFixed(2)} µs CPU/row (${r.seconds.toFixed(2)} s, ${r.batches} batches${poll})\n`,
    );
  }
}
// The CPU the server spends answering the pollers, measured on an idle server (its query done,
// no batches): process CPU time over 10 s, without and with the pollers. Unlike rows/s, CPU time
// hardly depends on what else the machine runs.
async function idleCpu(setup: Setup): Promise<number> {
  const pollers = setup === 'clients' ? POLLERS : 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-console-bench-'));
  const server = new EddyServer({ port: 0, ...(setup === 'off' ? {} : { httpPort: 0 }), engine: { dataDir, batch: { intervalMs: 100 }, properties: { 'auto.offset.reset': 'earliest' } } });
  await server.listen();
  const base = server.httpAddress ? `http://127.0.0.1:${server.httpAddress.port}` : '';
  for (const sql of [
    `CREATE STREAM BIDS (AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT) WITH (source='nexmark', event='bid', max_rows=10000);`,
    'CREATE TABLE TOP_BID AS SELECT AUCTION, COUNT(*) AS BIDS, MAX(PRICE) AS TOP FROM BIDS GROUP BY AUCTION;',
  ]) {
    server.eddy.execute(sql);
  }
  while ((server.eddy.progress('CTAS_TOP_BID_0')?.lag ?? 1) > 0 || !server.eddy.progress('CTAS_TOP_BID_0')?.recordsIn) await new Promise((r) => setTimeout(r, 20));
  const p = pollers ? start(base, pollers) : undefined;
  await p?.ready;
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 10_000));
  const c = process.cpuUsage(c0);
  const poll = await p?.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (poll)
    process.stdout.write(
      `idle, ${pollers} ${WHO}: ${(poll.requests / 10).toFixed(0)} requests/s answered, p50 ${poll.p50.toFixed(1)} ms, p99 ${poll.p99.toFixed(1)} ms; their own CPU ${Number.isNaN(poll.cpuMsPerSec) ? 'not measured' : `${poll.cpuMsPerSec.toFixed(0)} ms/s`}\n`,
    );
  return (c.user + c.system) / 1000 / 10;
}
const cpuOff = await idleCpu('off');
const cpuNone = await idleCpu('idle port');
const cpuPollers = await idleCpu('clients');
process.stdout.write(
  `idle server CPU: no HTTP port ${cpuOff.toFixed(1)} ms/s; HTTP port, no client ${cpuNone.toFixed(1)} ms/s; ${POLLERS} ${WHO} ${cpuPollers.toFixed(1)} ms/s (${((cpuPollers - cpuNone) / POLLERS).toFixed(1)} ms/s per console page)\n`,
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = results.get('off')!;
for (const setup of RUNS ? SETUPS : []) {
  const r = results.get(setup)!;
  const [rows, cpu] = [median(r.rows), median(r.cpu)];
  const vs =
    setup === 'off'
      ? ''
      : ` (${(((rows - median(base.rows)) / median(base.rows)) * 100).toFixed(1)}% rows/s, ${(((cpu - median(base.cpu)) / median(base.cpu)) * 100).toFixed(1)}% CPU/row against no HTTP port)`;
  process.stdout.write(`median, ${label(setup)}: ${Math.round(rows).toLocaleString('en')} rows/s, ${cpu.toFixed(2)} µs CPU/row${vs}\n`);
}
