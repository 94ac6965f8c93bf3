// The subscriber side of bench/server-bench.ts, in its own process so that parsing replies does
// not steal the server's event loop: opens N connections, each holding the same push query, and
// reports when each sampled row arrived (wall clock, sub-millisecond) as one JSON line on stdout.
// Run by server-bench.ts: node --import tsx bench/server-bench-clients.ts PORT CLIENTS ROWS SAMPLE_EVERY
import { EddyClient } from '../src/server/client.js';

const [port, clients, rows, sampleEvery] = process.argv.slice(2).map(Number) as [number, number, number, number];
const now = () => performance.timeOrigin + performance.now();

const subs = await Promise.all(Array.from({ length: clients }, () => EddyClient.connect('127.0.0.1', port)));
const queries = subs.map((c) => c.query(`SELECT ID, SENT, PAYLOAD FROM EVENTS EMIT CHANGES LIMIT ${rows};`));
await Promise.all(queries.map((q) => q.columns));
process.stdout.write('ready\n');

/** [row id, its insert's send time, its arrival] for every `sampleEvery`-th row, on every client. */
const arrivals: [number, number, number][] = [];
const counts = await Promise.all(
  queries.map(async (q) => {
    let n = 0;
    for await (const r of q) {
      n++;
      const id = Number(r.values[0]);
      if (id % sampleEvery === 0) arrivals.push([id, Number(r.values[1]), now()]);
    }
    return n;
  }),
);
const lastAt = now();
for (const c of subs) c.close();
process.stdout.write(`${JSON.stringify({ counts, arrivals, lastAt })}\n`);
