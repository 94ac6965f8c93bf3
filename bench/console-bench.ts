// What open console pages cost the batch loop: one persistent aggregate over a generated Nexmark
// bid stream, run to the end of its input with no console open and with --pollers (default 10)
// HTTP pollers making exactly the requests an open console page makes (console-bench-pollers.ts,
// in a child process so they do not share the server's event loop). Alternates the two, --runs
// times each, each in a fresh server with its own data directory and the CLI's default batch
// settings (100 ms trigger, 10,000 records, 250 ms budget).
// Then the CPU time an idle server spends on the same pollers (idleCpu, below).
// --browser opens that many real console pages in headless Chromium instead (playwright-core; the
// browser's own CPU then competes with the server on the same machine).
// Run: node --import tsx bench/console-bench.ts [--rows 1000000] [--runs 3] [--pollers 10] [--browser]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';
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

function startPollers(base: string, n: number): { ready: Promise<void>; stop: () => Promise<PollReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'console-bench-pollers.ts'), base, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
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

/** --browser: real console pages in headless Chromium in place of the HTTP pollers. */
function startPages(base: string, n: number): { ready: Promise<void>; stop: () => Promise<PollReport> } {
  const times: number[] = [];
  let browser: Browser | undefined;
  const ready = (async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const pages = await Promise.all(Array.from({ length: n }, () => browser!.newPage()));
    for (const page of pages) {
      page.on('requestfinished', (r) => {
        const t = r.timing();
        if (!r.url().includes('/console')) times.push(t.responseEnd);
      });
      await page.goto(`${base}/`);
    }
    await Promise.all(pages.map((page) => page.locator('#conn.ok').waitFor()));
  })();
  return {
    ready,
    stop: async () => {
      await browser?.close();
      const s = [...times].sort((a, b) => a - b);
      const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
      return { requests: s.length, p50: p(0.5), p99: p(0.99), cpuMsPerSec: NaN };
    },
  };
}

const start = (base: string, n: number) => (BROWSER ? startPages(base, n) : startPollers(base, n));

async function run(pollers: number): Promise<{ rowsPerSec: number; seconds: number; batches: number; poll?: PollReport }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-console-bench-'));
  const server = new EddyServer({ port: 0, httpPort: 0, engine: { dataDir, batch: { intervalMs: 100, maxRecords: 10_000, maxMs: 250 }, properties: { 'auto.offset.reset': 'earliest' } } });
  await server.listen();
  const base = `http://127.0.0.1:${server.httpAddress!.port}`;
  const ksql = async (sql: string) => {
    const r = await fetch(`${base}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: sql }) });
    if (!r.ok) throw new Error(await r.text());
  };
  await ksql(`CREATE STREAM BIDS (AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT) WITH (source='nexmark', event='bid', max_rows=${ROWS});`);
  const p = pollers ? start(base, pollers) : undefined;
  await p?.ready;
  const t0 = performance.now();
  await ksql('CREATE TABLE TOP_BID AS SELECT AUCTION, COUNT(*) AS BIDS, MAX(PRICE) AS TOP FROM BIDS GROUP BY AUCTION;');
  const id = 'CTAS_TOP_BID_0';
  for (;;) {
    const m = server.eddy.progress(id);
    if (m && m.recordsIn > 0 && m.lag === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const m = server.eddy.progress(id)!;
  const poll = await p?.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { rowsPerSec: m.recordsIn / seconds, seconds, batches: m.batches, ...(poll ? { poll } : {}) };
}

const results: Record<string, number[]> = { none: [], pollers: [] };
for (let i = 0; i < RUNS; i++) {
  for (const n of [0, POLLERS]) {
    const r = await run(n);
    (n ? results.pollers! : results.none!).push(r.rowsPerSec);
    const poll = r.poll
      ? `; ${WHO}: ${r.poll.requests} requests, ${(r.poll.requests / r.seconds).toFixed(0)}/s, p50 ${r.poll.p50.toFixed(1)} ms, p99 ${r.poll.p99.toFixed(1)} ms, their own CPU ${Number.isNaN(r.poll.cpuMsPerSec) ? 'not measured' : `${r.poll.cpuMsPerSec.toFixed(0)} ms/s`}`
      : '';
    process.stdout.write(`run ${i + 1}, ${n ? `${n} ${WHO}` : 'no console'}: ${Math.round(r.rowsPerSec).toLocaleString('en')} rows/s (${r.seconds.toFixed(2)} s, ${r.batches} batches${poll})\n`);
  }
}
// The CPU the server spends answering the pollers, measured on an idle server (its query done,
// no batches): process CPU time over 10 s, without and with the pollers. Unlike rows/s, CPU time
// hardly depends on what else the machine runs.
async function idleCpu(pollers: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-console-bench-'));
  const server = new EddyServer({ port: 0, httpPort: 0, engine: { dataDir, batch: { intervalMs: 100 }, properties: { 'auto.offset.reset': 'earliest' } } });
  await server.listen();
  const base = `http://127.0.0.1:${server.httpAddress!.port}`;
  for (const sql of [
    `CREATE STREAM BIDS (AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT) WITH (source='nexmark', event='bid', max_rows=10000);`,
    'CREATE TABLE TOP_BID AS SELECT AUCTION, COUNT(*) AS BIDS, MAX(PRICE) AS TOP FROM BIDS GROUP BY AUCTION;',
  ]) {
    await fetch(`${base}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: sql }) });
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
const cpuNone = await idleCpu(0);
const cpuPollers = await idleCpu(POLLERS);
process.stdout.write(
  `idle server CPU: no console ${cpuNone.toFixed(1)} ms/s; ${POLLERS} ${WHO} ${cpuPollers.toFixed(1)} ms/s (${((cpuPollers - cpuNone) / POLLERS).toFixed(1)} ms/s per console page)\n`,
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const a = median(results.none!);
const b = median(results.pollers!);
process.stdout.write(`median: no console ${Math.round(a).toLocaleString('en')} rows/s; ${POLLERS} ${WHO} ${Math.round(b).toLocaleString('en')} rows/s (${(((b - a) / a) * 100).toFixed(1)}%)\n`);
