// Push-query delivery over TCP: rows per second delivered to 1, 10 and 100 clients, and
// latencies per row (p50, p99):
//   batch→client  from the micro-batch that produced the row committing, to the row's arrival
//                 at a client (the server's own cost of fanning out: framing, writes, the wire);
//   insert→client from the insert request being sent, which adds the wait for the next trigger.
// The server (and the inserting client) run in this process; the subscribers run in a child
// process (server-bench-clients.ts), so both sides get their own event loop.
// Run: node --import tsx bench/server-bench.ts [--rows 20000] [--interval 10] [--clients N (only N)]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { EddyClient } from '../src/server/client.js';
import { EddyServer } from '../src/server/server.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 20_000);
const INTERVAL = arg('interval', 10);
const CHUNK = 500;
const SAMPLE_EVERY = 10;
const now = () => performance.timeOrigin + performance.now();

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

interface ClientReport {
  readonly counts: number[];
  readonly arrivals: [number, number, number][];
  readonly lastAt: number;
}

/** Starts the subscriber process; resolves `ready` once every push query is running. */
function subscribers(port: number, clients: number): { ready: Promise<void>; report: Promise<ClientReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'server-bench-clients.ts'), String(port), String(clients), String(ROWS), String(SAMPLE_EVERY)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const report = new Promise<ClientReport>((resolve, reject) => {
    lines.on('line', (l) => (l === 'ready' ? ready() : resolve(JSON.parse(l) as ClientReport)));
    child.on('exit', (code) => reject(new Error(`subscriber process exited with ${code}`)));
  });
  return { ready: readyP, report };
}

interface Result {
  readonly clients: number;
  readonly rowsPerSec: number;
  readonly perClient: number;
  readonly batchP50: number;
  readonly batchP99: number;
  readonly insertP50: number;
  readonly insertP99: number;
}

async function run(clients: number): Promise<Result> {
  const server = new EddyServer({ port: 0, engine: { batch: { intervalMs: INTERVAL, maxRecords: 5000 } } });
  const { port } = await server.listen();
  server.eddy.execute("CREATE STREAM EVENTS (ID BIGINT KEY, SENT DOUBLE, PAYLOAD STRING) WITH (kafka_topic='events', value_format='JSON');");
  // When each row's batch committed: an in-process push query is handed its rows inside the
  // batch cycle, and this loop runs in the microtasks right after it, before any socket write.
  const committedAt = new Map<number, number>();
  const observer = server.eddy.query('SELECT ID FROM EVENTS EMIT CHANGES;');
  void (async () => {
    for await (const r of observer) {
      const id = Number(r.values[0]);
      if (id % SAMPLE_EVERY === 0) committedAt.set(id, now());
    }
  })();
  const subs = subscribers(port, clients);
  await subs.ready;
  const admin = await EddyClient.connect('127.0.0.1', port);
  const started = now();
  for (let i = 0; i < ROWS; i += CHUNK) {
    const sent = now();
    await admin.insert('EVENTS', Array.from({ length: Math.min(CHUNK, ROWS - i) }, (_, k) => ({ ID: i + k, SENT: sent, PAYLOAD: 'x'.repeat(64) })));
  }
  const report = await subs.report;
  if (report.counts.some((n) => n !== ROWS)) throw new Error(`a client missed rows: ${report.counts.join(',')}`);
  const batch = report.arrivals.map(([id, , at]) => at - committedAt.get(id)!);
  const insert = report.arrivals.map(([, sent, at]) => at - sent);
  const secs = (report.lastAt - started) / 1000;
  observer.close();
  admin.close();
  await server.close();
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    clients,
    rowsPerSec: (ROWS * clients) / secs,
    perClient: ROWS / secs,
    batchP50: r1(pct(batch, 50)),
    batchP99: r1(pct(batch, 99)),
    insertP50: r1(pct(insert, 50)),
    insertP99: r1(pct(insert, 99)),
  };
}

const results: Result[] = [];
const only = arg('clients', 0);
for (const n of only ? [only] : [1, 10, 100]) results.push(await run(n));
console.log(`push delivery, ${ROWS} rows of ~100 bytes per client, trigger ${INTERVAL} ms (node --import tsx bench/server-bench.ts --rows ${ROWS} --interval ${INTERVAL})`);
console.log('| clients | rows/s delivered (all clients) | rows/s per client | batch→client p50 / p99 (ms) | insert→client p50 / p99 (ms) |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.clients} | ${Math.round(r.rowsPerSec).toLocaleString('en-US')} | ${Math.round(r.perClient).toLocaleString('en-US')} | ${r.batchP50} / ${r.batchP99} | ${r.insertP50} / ${r.insertP99} |`);
}
