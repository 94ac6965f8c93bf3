// Issue 12's measurement: clients that never read their replies, against a real `eddy server`
// process. N clients (default 300) each start a push query over the line protocol and then stop
// reading (their sockets are paused: the kernel's buffers fill, then the server's); a writer
// inserts rows of --row-bytes at --rate rows/s, which every push query fans out; meanwhile one
// more client sends a statement every --every ms and waits for its reply. Reported: that client's
// reply delays (worst, p99, p50), the server's peak RSS (VmHWM from /proc/<pid>/status, and the
// largest VmRSS sampled), the hostile clients the server disconnected, the server's command line
// and the load average before and after.
// Run: npm run build && node --import tsx bench/unread-clients.ts [--clients 300] [--seconds 60]
//        [--rate 200] [--row-bytes 1024] [--every 100] [-- <extra eddy server flags>]
//      EDDY_BIN=/other/checkout/bin/eddy.js runs that build's server instead.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EddyClient } from '../src/server/client.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const CLIENTS = arg('clients', 300);
const SECONDS = arg('seconds', 60);
const RATE = arg('rate', 200);
const ROW_BYTES = arg('row-bytes', 1024);
const EVERY = arg('every', 100);
const extra = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const kib = (pid: number, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const mib = (k: number) => Math.round(k / 1024);
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'eddy-unread-'));
// EDDY_BIN: another build's bin/eddy.js (to compare a change with the build before it, in one sitting).
const bin = process.env.EDDY_BIN ?? join(import.meta.dirname, '..', 'bin', 'eddy.js');
const args = [bin, 'server', '--port', '0', '--data', join(dir, 'data'), ...extra];
const server = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /listening on [\d.]+:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  server.on('exit', (c) => reject(new Error(`server exited (${c})`)));
});
const pid = server.pid!;
const loadBefore = loadavg();
const rssAtStart = kib(pid, 'VmRSS');

const admin = await EddyClient.connect('127.0.0.1', port);
await admin.execute("CREATE STREAM EVENTS (ID BIGINT KEY, PAYLOAD STRING) WITH (kafka_topic='events', value_format='JSON', partitions=1);");
await admin.execute('CREATE TABLE LAST AS SELECT ID % 10 AS K, COUNT(*) AS N FROM EVENTS GROUP BY ID % 10;');

// The clients that never read: each sends its push query, then pauses its socket.
const hostile: Socket[] = [];
for (let i = 0; i < CLIENTS; i++) {
  const s = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => (s.once('connect', r), s.once('error', j)));
  s.on('error', () => {});
  s.write(`${JSON.stringify({ id: `p${i}`, sql: 'SELECT * FROM EVENTS EMIT CHANGES;' })}\n`);
  s.pause();
  hostile.push(s);
}
/** Push queries the server runs: one per hostile client it still serves. */
const pushQueries = async () => (await admin.execute('SHOW QUERIES;')).rows.filter((r) => r[1] === 'PUSH').length;
await sleep(500);
const servedAtStart = await pushQueries();

let peakRss = kib(pid, 'VmRSS');
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, kib(pid, 'VmRSS'));
  } catch {
    /* the server is gone: the run's end reports it */
  }
}, 200);

// The writer: RATE rows/s in 10 inserts a second.
const payload = 'x'.repeat(ROW_BYTES);
let nextId = 0;
let writing = true;
const writer = (async () => {
  const chunk = Math.max(1, Math.round(RATE / 10));
  while (writing) {
    const t = performance.now();
    await admin.insert(
      'EVENTS',
      Array.from({ length: chunk }, () => ({ ID: nextId++, PAYLOAD: payload })),
    );
    const wait = 100 - (performance.now() - t);
    if (wait > 0) await sleep(wait);
  }
})();

// The measured client: a statement every EVERY ms, its reply awaited.
const probe = await EddyClient.connect('127.0.0.1', port);
const delays: number[] = [];
const end = Date.now() + SECONDS * 1000;
let n = 0;
while (Date.now() < end) {
  const t = performance.now();
  await probe.execute(n++ % 2 ? 'SHOW QUERIES;' : 'SELECT * FROM LAST;');
  delays.push(performance.now() - t);
  await sleep(EVERY);
}
writing = false;
await writer;
const servedAtEnd = await pushQueries();
clearInterval(sampler);
const hwm = kib(pid, 'VmHWM');
const rssAtEnd = kib(pid, 'VmRSS');
const loadAfter = loadavg();

probe.close();
admin.close();
for (const s of hostile) s.destroy();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(dir, { recursive: true, force: true });

const r1 = (x: number) => Math.round(x * 10) / 10;
console.log(
  [
    `command: node ${args.map((a) => (a.startsWith(dir) ? a.replace(dir, '$TMP') : a)).join(' ')}`,
    `${CLIENTS} clients with a push query each, never reading; ${RATE} rows/s of ${ROW_BYTES} bytes for ${SECONDS} s (${nextId} rows); one client sending a statement every ${EVERY} ms`,
    `measured client: ${delays.length} replies, worst ${r1(Math.max(...delays))} ms, p99 ${r1(pct(delays, 99))} ms, p50 ${r1(pct(delays, 50))} ms`,
    `server RSS: ${mib(rssAtStart)} MiB at start, peak ${mib(hwm)} MiB (VmHWM; sampled max ${mib(peakRss)} MiB), ${mib(rssAtEnd)} MiB at the end`,
    `hostile clients served (their push queries running): ${servedAtStart} after connecting, ${servedAtEnd} at the end (the rest were disconnected for not reading)`,
    `load average: ${loadBefore} before, ${loadAfter} after (${(await import('node:os')).cpus().length} cores)`,
  ].join('\n'),
);
