// The PostgreSQL sink against a real server (postgres-server.ts starts a throw-away cluster), read
// back with psql; and the crash test of every exactly-once sink: a child process SIGKILLed at
// random points while it sinks into files (JSON lines, CSV, Parquet), a SQLite file and PostgreSQL leaves each target equal
// to an uninterrupted run's — no partial file, no lost or doubled row.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { killLiveWorkers, startWarmWorker } from '../killable-worker.js';
import { GROUPS, INPUT_ROWS, openScenario, setUpScenario } from './fixtures/sink-scenario.js';
import { bundledScript } from '../bundled-script.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';
import { parquetTestable, readFiles, readSqlite } from './read-targets.js';

const dirs: string[] = [];
let pg: PostgresServer | undefined;
let worker = '';
beforeAll(async () => {
  pg = await startPostgres();
  worker = await bundledScript(join(__dirname, 'fixtures', 'sink-worker.ts'));
});
afterAll(() => {
  killLiveWorkers();
  pg?.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-pgsink-'));
  dirs.push(d);
  return d;
}

describe('postgres sink', () => {
  it('upserts a table by key, deletes on tombstones, appends a stream, with its position in _eddy_offsets', async (ctx) => {
    if (!pg) return ctx.skip();
    const e = Eddy.open({ autoStart: false, batch: { maxRecords: 3 } });
    const conn = `sink='postgres', host='${pg.host}', port=${pg.port}, user='eddy', database='postgres'`;
    e.execute(`CREATE STREAM S (ID INT KEY, K STRING, V DOUBLE, D DECIMAL(8,2), TS TIMESTAMP, TAGS ARRAY<STRING>) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE TABLE T WITH (${conn}, table='t1') AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY K HAVING COUNT(*) < 3;
      CREATE STREAM A WITH (${conn}) AS SELECT ID, K, D, TS, TAGS FROM S;`);
    e.insert('S', [
      { ID: 1, K: 'a', V: 1, D: '1.50', TS: 0, TAGS: ['x'] },
      { ID: 2, K: 'b', V: 2, D: null, TS: 1_700_000_000_123, TAGS: null },
      { ID: 3, K: 'a', V: 3, D: '-0.25', TS: 86_400_000, TAGS: [] },
      { ID: 4, K: 'c', V: 4, D: '999999.99', TS: 5, TAGS: ['y', 'z'] },
      { ID: 5, K: 'a', V: 5, D: '0', TS: 6, TAGS: null },
    ]);
    await e.flushSinks();
    // 'a' reached three rows: HAVING turned its row into a tombstone, which deleted it.
    expect(pg.psql('SELECT k, n, total FROM t1 ORDER BY k')).toBe('b|1|2\nc|1|4\n');
    expect(pg.psql('SELECT id, k, d, ts, tags FROM a ORDER BY id')).toBe(
      [
        '1|a|1.50|1970-01-01 00:00:00|["x"]',
        '2|b||2023-11-14 22:13:20.123|',
        '3|a|-0.25|1970-01-02 00:00:00|[]',
        '4|c|999999.99|1970-01-01 00:00:00.005|["y", "z"]',
        '5|a|0.00|1970-01-01 00:00:00.006|',
        '',
      ].join('\n'),
    );
    expect(pg.psql("SELECT query_id, batch FROM _eddy_offsets WHERE query_id IN ('CTAS_T_0', 'CSAS_A_1') ORDER BY query_id")).toBe('CSAS_A_1|2\nCTAS_T_0|2\n');
    const sinks = e.execute('SHOW SINKS;')[0]!;
    expect(sinks.kind === 'rows' && sinks.rows.map((r) => [r[0], r[4], r[5], r[6], r[7]])).toEqual([
      ['T', 2, 2, 0, null],
      ['A', 2, 2, 0, null],
    ]);
    e.close();
  });

  it('keeps its place while the server refuses, logs why, and delivers once it can', async (ctx) => {
    if (!pg) return ctx.skip();
    pg.psql('CREATE TABLE strict (id integer PRIMARY KEY, v text NOT NULL)');
    const e = Eddy.open({ autoStart: false });
    e.execute(`CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM X WITH (sink='postgres', host='${pg.host}', port=${pg.port}, user='eddy', database='postgres', table='strict') AS SELECT * FROM S;`);
    e.insert('S', [
      { ID: 1, V: null },
      { ID: 2, V: 'b' },
    ]);
    await expect(e.flushSinks(1_500)).rejects.toThrow(/null value in column "v"/);
    expect(e.processingLog().some((l) => /sink postgres .*strict: delivery failed/.test(l.reason))).toBe(true);
    expect(pg.psql('SELECT count(*) FROM strict')).toBe('0\n');
    pg.psql('ALTER TABLE strict ALTER COLUMN v DROP NOT NULL');
    await e.flushSinks();
    expect(pg.psql('SELECT id, v FROM strict ORDER BY id')).toBe('1|\n2|b\n');
    e.close();
  });
});

describe('exactly-once sinks under SIGKILL', () => {
  // 30 kills in every run (CI's too), over every sink at once: files (JSON lines, CSV, Parquet),
  // SQLite and PostgreSQL. Each worker starts warm, loading while the one before it runs, so a kill
  // costs about the time the worker lived rather than a process start; EDDY_SINK_KILLS for more.
  const KILLS = Number(process.env.EDDY_SINK_KILLS ?? 30);

  it(
    `leaves files, SQLite and PostgreSQL equal to an uninterrupted run after ${KILLS} kills`,
    async () => {
      const ref = tempDir();
      const crashed = tempDir();
      for (const d of [ref, crashed]) mkdirSync(join(d, 'out'));
      const targets = (d: string, suffix: string) => ({ dir: join(d, 'out'), suffix, ...(pg ? { pg: { host: pg.host, port: pg.port } } : {}) });
      setUpScenario(join(ref, 'data'), targets(ref, '_ref'));
      setUpScenario(join(crashed, 'data'), targets(crashed, '_crash'));
      // The uninterrupted run, in this process; its length bounds where the kills may fall.
      const started = performance.now();
      const e = openScenario(join(ref, 'data'));
      await e.flushSinks(60_000);
      e.close();
      const window = performance.now() - started;
      // The crashed run: kill at random points after start until it gets to the end. A run makes at
      // most as much progress as the time it lived, so kills drawn from window / KILLS all land while
      // work remains (a fixed 0–400 ms let a fast run finish the whole input before the kills were
      // spent, and every run after that had nothing left to interrupt).
      let kills = 0;
      let runs = 0;
      const testStarted = performance.now();
      let next = startWarmWorker(worker, [join(crashed, 'data')]);
      try {
        for (;;) {
          runs++;
          const killAt = kills < KILLS ? Math.floor(Math.random() * (window / KILLS)) : undefined;
          const w = await next;
          // The next one loads while this one runs; it opens the directory only when its turn comes.
          next = startWarmWorker(worker, [join(crashed, 'data')]);
          const r = await w.run(killAt);
          if (r.outcome === 'killed') kills++;
          else if (kills >= KILLS) break;
          expect(runs).toBeLessThan(KILLS * 3);
        }
      } finally {
        (await next).discard();
      }
      console.log(`sink kill test: ${kills} kills in ${runs} runs, ${Math.round((performance.now() - testStarted) / 1000)} s (the uninterrupted run: ${Math.round(window)} ms)`);
      expect(kills).toBeGreaterThanOrEqual(KILLS);

      for (const kind of ['json', 'csv', ...(parquetTestable() ? ['parquet'] : [])]) {
        const want = readFiles(join(ref, 'out', kind));
        const got = readFiles(join(crashed, 'out', kind));
        expect(got.hidden).toEqual([]); // no temporary left behind…
        expect(got.files).toEqual(got.manifest); // …every file committed…
        expect(got.files).toEqual(want.files); // …the same files…
        expect(got.rows).toEqual(want.rows); // …holding the same rows, none twice
      }
      const json = readFiles(join(crashed, 'out', 'json'));
      expect(new Set(json.rows.map((r) => r.ID)).size).toBe(INPUT_ROWS);
      expect(json.rows.length).toBe(INPUT_ROWS);
      if (parquetTestable()) {
        const parquet = readFiles(join(crashed, 'out', 'parquet'));
        expect(parquet.rows.length).toBe(INPUT_ROWS);
        expect(new Set(parquet.rows.map((r) => r.ID)).size).toBe(INPUT_ROWS);
        expect(parquet.rows.find((r) => r.ID === '49')).toMatchObject({ BIG: '49000000000000000', D: '12.25' }); // exact past 2^53
      }
      const sq = readSqlite(join(crashed, 'out', 'target.db'));
      expect(sq.counts).toEqual(readSqlite(join(ref, 'out', 'target.db')).counts);
      expect(sq.counts!.length).toBe(GROUPS);
      expect(sq.counts!.reduce((n, r) => n + (r[1] as number), 0)).toBe(INPUT_ROWS);
      if (pg) {
        for (const t of ['counts', 'rows']) expect(pg.psql(`SELECT * FROM ${t}_crash ORDER BY 1, 2`)).toBe(pg.psql(`SELECT * FROM ${t}_ref ORDER BY 1, 2`));
        expect(pg.psql('SELECT count(*), count(DISTINCT id) FROM rows_crash')).toBe(`${INPUT_ROWS}|${INPUT_ROWS}\n`);
      }
    },
    Math.max(300_000, KILLS * 10_000),
  );
});
