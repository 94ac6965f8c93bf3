// The client side of bench/pgwire-bench.ts, in its own process so that the clients' parsing does
// not steal the server's event loop: N concurrent clients over one protocol, each running one
// kind of statement in a closed loop (the next once the last has answered) for a fixed time,
// reporting how many it ran and each one's latency as one JSON line on stdout.
// Run by pgwire-bench.ts: node --import tsx bench/pgwire-bench-clients.ts PROTOCOL(pg|line) WORKLOAD(pull|insert) PORT CLIENTS SECONDS
import pg from 'pg';
import { EddyClient } from '../src/server/client.js';

const [protocol, workload] = process.argv.slice(2, 4) as ['pg' | 'line', 'pull' | 'insert'];
const [port, clients, seconds] = process.argv.slice(4).map(Number) as [number, number, number];
const KEYS = 1000;

interface Runner {
  run(i: number): Promise<unknown>;
  close(): Promise<void> | void;
}

async function open(c: number): Promise<Runner> {
  // Inserts carry ids no other client uses, so every row is its own.
  const id = (i: number) => c * 10_000_000 + i;
  if (protocol === 'pg') {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
    await client.connect();
    // Named statements: parsed once per connection, then Bind/Execute (what a driver's prepared statement does).
    return {
      run: (i) =>
        workload === 'pull'
          ? client.query({ name: 'pull', text: 'SELECT NAME FROM KV WHERE ID = $1', values: [i % KEYS] })
          : client.query({ name: 'ins', text: 'INSERT INTO EVENTS (ID, V) VALUES ($1, $2)', values: [id(i), 'x'.repeat(64)] }),
      close: () => client.end(),
    };
  }
  const client = await EddyClient.connect('127.0.0.1', port);
  return {
    run: (i) => client.execute(workload === 'pull' ? `SELECT NAME FROM KV WHERE ID = ${i % KEYS};` : `INSERT INTO EVENTS (ID, V) VALUES (${id(i)}, '${'x'.repeat(64)}');`),
    close: () => client.close(),
  };
}

const runners = await Promise.all(Array.from({ length: clients }, (_, c) => open(c)));
const latencies: number[] = [];
const end = performance.now() + seconds * 1000;
const started = performance.now();
const counts = await Promise.all(
  runners.map(async (r) => {
    let n = 0;
    while (performance.now() < end) {
      const t = performance.now();
      await r.run(n);
      latencies.push(performance.now() - t);
      n++;
    }
    return n;
  }),
);
const elapsed = (performance.now() - started) / 1000;
await Promise.all(runners.map((r) => r.close()));
process.stdout.write(`${JSON.stringify({ counts, elapsed, latencies })}\n`);
