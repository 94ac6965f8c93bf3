// The subscriber side of bench/protocol-bench.ts, in its own process: opens N connections over one
// protocol, each holding the same push query (`… EMIT CHANGES LIMIT rows`), and when every one has
// all its rows prints one JSON line: the rows each got and when the last arrived (wall clock).
//   line    EddyClient (the line protocol)
//   pgwire  node-postgres, a simple Query whose DataRows are counted as they arrive (pg.Query's 'row' events)
//   rest    fetch() POST /query-stream over HTTP/1.1, ksqlDB's delimited format (a header line, then one JSON array per row)
// Run by protocol-bench.ts: node --import tsx bench/protocol-bench-clients.ts PROTOCOL PORT CLIENTS ROWS
import pg from 'pg';
import { EddyClient } from '../src/server/client.js';

const [protocol, portText, clientsText, rowsText] = process.argv.slice(2) as [string, string, string, string];
const [port, clients, rows] = [portText, clientsText, rowsText].map(Number) as [number, number, number];
const SQL = `SELECT ID, PAYLOAD FROM EVENTS EMIT CHANGES LIMIT ${rows};`;
const now = () => performance.timeOrigin + performance.now();

async function line(): Promise<number> {
  const c = await EddyClient.connect('127.0.0.1', port);
  let n = 0;
  for await (const _ of c.query(SQL)) n++;
  c.close();
  return n;
}

async function pgwire(): Promise<number> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    const q = c.query(new pg.Query(SQL));
    q.on('row', () => n++);
    q.on('end', () => resolve());
    q.on('error', reject);
  });
  await c.end();
  return n;
}

async function rest(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1', accept: 'application/vnd.ksqlapi.delimited.v1' },
    body: JSON.stringify({ sql: SQL, properties: {} }),
  });
  if (!res.ok || !res.body) throw new Error(`/query-stream: ${res.status} ${await res.text()}`);
  let lines = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body) for (const ch of decoder.decode(chunk as Uint8Array, { stream: true })) if (ch === '\n') lines++;
  return lines - 1; // the header line
}

const open = { line, pgwire, rest }[protocol as 'line' | 'pgwire' | 'rest'];
if (!open) throw new Error(`unknown protocol ${protocol}`);
const counts = await Promise.all(Array.from({ length: clients }, () => open()));
process.stdout.write(`${JSON.stringify({ counts, lastAt: now() })}\n`);
