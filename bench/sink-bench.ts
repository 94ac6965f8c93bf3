// Rows per second into each external sink, beside a hand-written bulk writer for the same target
// in the same run. Eddy's figure is the whole query: decode the JSON input, project, stage the
// batch in the outbox, commit, deliver (sink='discard' shows what the query costs without a sink).
// The hand-written writer gets the rows already in memory and writes them in the same 10,000-row
// chunks, each as durable as Eddy's delivery (a file written and fsynced; one transaction).
//   node --import tsx bench/sink-bench.ts [--rows 100000] [--pg 127.0.0.1:5432]   (PGUSER/PGDATABASE as for psql)
import Database from 'better-sqlite3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Eddy } from '../src/engine-api.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const ROWS = Number(arg('rows', '100000'));
const CHUNK = 10_000;
const PG = arg('pg', '');
const [pgHost, pgPort] = PG ? PG.split(':') : [];
const dir = mkdtempSync(join(tmpdir(), 'eddy-sink-bench-'));
const rows = Array.from({ length: ROWS }, (_, i) => ({ ID: i, K: `k${i % 97}`, V: i % 1000, NOTE: `note ${i}` }));

async function eddyRun(name: string, withClause: string): Promise<number> {
  const e = Eddy.open({ autoStart: false, batch: { maxRecords: CHUNK } });
  e.execute(`CREATE STREAM S (ID INT KEY, K STRING, V INT, NOTE STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);`);
  e.execute(`CREATE STREAM ${name} WITH (${withClause}) AS SELECT * FROM S;`);
  e.insert('S', rows); // after the query starts (it reads from the latest offset)
  const t = performance.now();
  await e.flushSinks(600_000);
  if (withClause.includes('discard')) e.runUntilIdle();
  const s = (performance.now() - t) / 1000;
  e.close();
  return ROWS / s;
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return ROWS / ((performance.now() - t) / 1000);
}

function writeFileDurably(path: string, text: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  if (typeof text === 'string') writeSync(fd, text);
  else writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
}

const results: [string, number, number | undefined][] = [];
const discard = await eddyRun('D', "sink='discard'");
results.push(['discard (the query alone)', discard, undefined]);

results.push([
  'file, JSON lines',
  await eddyRun('J', `sink='file', path='${dir}/j', format='JSON'`),
  timed(() => {
    for (let i = 0; i < ROWS; i += CHUNK)
      writeFileDurably(
        join(dir, `hand-${i}.jsonl`),
        rows
          .slice(i, i + CHUNK)
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n',
      );
  }),
]);
results.push([
  'file, CSV',
  await eddyRun('C', `sink='file', path='${dir}/c', format='CSV'`),
  timed(() => {
    for (let i = 0; i < ROWS; i += CHUNK)
      writeFileDurably(
        join(dir, `hand-${i}.csv`),
        'ID,K,V,NOTE\n' +
          rows
            .slice(i, i + CHUNK)
            .map((r) => `${r.ID},${r.K},${r.V},${r.NOTE}`)
            .join('\n') +
          '\n',
      );
  }),
]);
results.push([
  'file, Parquet',
  await eddyRun('PQ', `sink='file', path='${dir}/pq', format='PARQUET'`),
  timed(() => {
    // The same library, columns typed as Eddy types them (INT32, UTF8 strings), optional as Eddy's are.
    for (let i = 0; i < ROWS; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const columnData = [
        { name: 'ID', data: chunk.map((r) => r.ID), type: 'INT32' as const },
        { name: 'K', data: chunk.map((r) => r.K), type: 'STRING' as const },
        { name: 'V', data: chunk.map((r) => r.V), type: 'INT32' as const },
        { name: 'NOTE', data: chunk.map((r) => r.NOTE), type: 'STRING' as const },
      ];
      writeFileDurably(join(dir, `hand-${i}.parquet`), new Uint8Array(parquetWriteBuffer({ columnData })));
    }
  }),
]);
results.push([
  'sqlite (append)',
  await eddyRun('Q', `sink='sqlite', path='${dir}/eddy.db', table='rows'`),
  timed(() => {
    const db = new Database(join(dir, 'hand.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE rows (id INTEGER, k TEXT, v INTEGER, note TEXT)');
    const ins = db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?)');
    for (let i = 0; i < ROWS; i += CHUNK) db.transaction(() => rows.slice(i, i + CHUNK).forEach((r) => ins.run(r.ID, r.K, r.V, r.NOTE)))();
    db.close();
  }),
]);
if (PG) {
  const eddy = await eddyRun('P', `sink='postgres', host='${pgHost}', port=${pgPort}, table='bench_eddy'`);
  const c = new pg.Client({ host: pgHost, port: Number(pgPort) });
  await c.connect();
  await c.query('DROP TABLE IF EXISTS bench_hand; CREATE TABLE bench_hand (id integer, k text, v integer, note text)');
  const t = performance.now();
  for (let i = 0; i < ROWS; i += CHUNK) {
    await c.query('BEGIN');
    for (let j = i; j < Math.min(ROWS, i + CHUNK); j += 5000) {
      const part = rows.slice(j, Math.min(j + 5000, i + CHUNK));
      await c.query(
        `INSERT INTO bench_hand VALUES ${part.map((_, n) => `($${n * 4 + 1}, $${n * 4 + 2}, $${n * 4 + 3}, $${n * 4 + 4})`).join(', ')}`,
        part.flatMap((r) => [r.ID, r.K, r.V, r.NOTE]),
      );
    }
    await c.query('COMMIT');
  }
  const hand = ROWS / ((performance.now() - t) / 1000);
  await c.query('DROP TABLE IF EXISTS bench_hand; DROP TABLE IF EXISTS bench_eddy; DELETE FROM _eddy_offsets');
  await c.end();
  results.push(['postgres (append)', eddy, hand]);
}
rmSync(dir, { recursive: true, force: true });

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`${ROWS} rows of (ID INT KEY, K STRING, V INT, NOTE STRING), batches of ${CHUNK}`);
console.log('| sink | Eddy rows/s | hand-written rows/s | Eddy / hand |');
console.log('|---|---:|---:|---:|');
for (const [name, eddy, hand] of results) console.log(`| ${name} | ${fmt(eddy)} | ${hand === undefined ? '—' : fmt(hand)} | ${hand === undefined ? '—' : (eddy / hand).toFixed(2)} |`);
