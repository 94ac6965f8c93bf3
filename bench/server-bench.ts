// Push-query delivery over TCP to 1, 10 and 100 clients, in two runs each:
//   flat out  rows inserted as fast as the server acknowledges them: rows per second delivered;
//   paced     a steady --rate (rows/s to every client) well below that, so latency is not
//             queueing behind a backlog.
// Latencies per row (p50, p99):
//   batch→client  from the micro-batch that produced the row committing, to the row's arrival
//                 at a client (the server's own cost of fanning out: framing, writes, the wire);
//   insert→client from the insert request being sent, which adds the wait for the next trigger.
// The server (and the inserting client) run in this process; the subscribers run in a child
// process (server-bench-clients.ts), so both sides get their own event loop.
// Run: node --import tsx bench/server-bench.ts [--rows 20000] [--rate 1000] [--interval 10] [--clients N (only N)]
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
const RATE = arg('rate', 100);
const PACED_SECONDS = 5;
const CHUNK = 500;
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
function subscribers(port: number, clients: number, rows: number, sampleEvery: number): { ready: Promise<void>; report: Promise<ClientReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'server-bench-clients.ts'), String(port), String(clients), String(rows), String(sampleEvery)], {
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

/** How rows go in: `chunk` rows per insert, the next one `everyMs` after the last began (0: at once). */
interface Pace {
  readonly rows: number;
  /** Latency is measured on every `sampleEvery`-th row. */
  readonly sampleEvery: number;
  readonly chunk: number;
  readonly everyMs: number;
}

async function run(clients: number, pace: Pace): Promise<Result> {
  const { rows } = pace;
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
      if (id % pace.sampleEvery === 0) committedAt.set(id, now());
    }
  })();
  const subs = subscribers(port, clients, rows, pace.sampleEvery);
  await subs.ready;
  const admin = await EddyClient.connect('127.0.0.1', port);
  const started = now();
  for (let i = 0; i < rows; i += pace.chunk) {
    const sent = now();
    await admin.insert(
      'EVENTS',
      Array.from({ length: Math.min(pace.chunk, rows - i) }, (_, k) => ({ ID: i + k, SENT: sent, PAYLOAD: 'x'.repeat(64) })),
    );
    const wait = sent + pace.everyMs - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const report = await subs.report;
  if (report.counts.some((n) => n !== rows)) throw new Error(`a client missed rows: ${report.counts.join(',')}`);
  const batch = report.arrivals.map(([id, , at]) => at - committedAt.get(id)!);
  const insert = report.arrivals.map(([, sent, at]) => at - sent);
  const secs = (report.lastAt - started) / 1000;
  observer.close();
  admin.close();
  await server.close();
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    clients,
    rowsPerSec: (rows * clients) / secs,
    perClient: rows / secs,
    batchP50: r1(pct(batch, 50)),
    batchP99: r1(pct(batch, 99)),
    insertP50: r1(pct(insert, 50)),
    insertP99: r1(pct(insert, 99)),
  };
}

const only = arg('clients', 0);
const counts = only ? [only] : [1, 10, 100];
const flat: Result[] = [];
const paced: Result[] = [];
for (const n of counts) flat.push(await run(n, { rows: ROWS, sampleEvery: 10, chunk: CHUNK, everyMs: 0 }));
for (const n of counts) paced.push(await run(n, { rows: RATE * PACED_SECONDS, sampleEvery: 1, chunk: Math.max(1, RATE / 20), everyMs: 50 }));
const row = (r: Result) => `${r.batchP50} / ${r.batchP99} | ${r.insertP50} / ${r.insertP99}`;
console.log(`push delivery, rows of ~100 bytes, trigger ${INTERVAL} ms (node --import tsx bench/server-bench.ts --rows ${ROWS} --rate ${RATE} --interval ${INTERVAL})`);
console.log(`flat out: ${ROWS} rows inserted in chunks of ${CHUNK} as fast as acknowledged; paced: ${RATE} rows/s for ${PACED_SECONDS} s`);
console.log(
  '| clients | flat out: rows/s delivered (all clients) | rows/s per client | flat out: batch→client p50 / p99 (ms) | insert→client p50 / p99 | paced: batch→client p50 / p99 (ms) | insert→client p50 / p99 |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
flat.forEach((r, i) => console.log(`| ${r.clients} | ${Math.round(r.rowsPerSec).toLocaleString('en-US')} | ${Math.round(r.perClient).toLocaleString('en-US')} | ${row(r)} | ${row(paced[i]!)} |`));
