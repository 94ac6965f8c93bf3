// A Parquet file sink's batch replayed after a crash: SIGKILLed (EDDY_FAULT, fault-point.ts) after
// the batch's files were renamed into place but before its manifest entry (the commit) was
// written, the restarted process writes the batch again under the same names — exactly one file
// per partition directory, no temporary — and once after the entry but before Eddy's outbox let go
// of the batch, the redelivery is a no-op. pyarrow reads every file back; the result equals an
// uninterrupted run's.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { bundledScript } from '../bundled-script.js';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';
import { parquetTestable, readFiles } from './read-targets.js';

const ROWS = 60;
const BATCH = 10;
const dirs: string[] = [];
let worker = '';
beforeAll(async () => {
  worker = await bundledScript(join(__dirname, 'fixtures', 'file-sink-worker.ts'));
});
afterAll(() => {
  killLiveWorkers();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A data directory with a partitioned Parquet sink and its whole input appended (not yet run). */
function setUp(): { data: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'eddy-parquet-redo-'));
  dirs.push(root);
  const data = join(root, 'data');
  const out = join(root, 'out');
  const e = Eddy.open({ dataDir: data, autoStart: false, batch: { maxRecords: BATCH } });
  e.execute(`CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
    CREATE STREAM P WITH (sink='file', path='${out}', format='PARQUET', partition_column='PART') AS SELECT ID, CAST(V AS BIGINT) * 1000000000000 AS BIG, V % 2 AS PART FROM S;`);
  e.insert(
    'S',
    Array.from({ length: ROWS }, (_, i) => ({ ID: i, V: i, ROWTIME: 1000 + i })),
  );
  e.close();
  return { data, out };
}

const batchFiles = (out: string, batch: number) =>
  readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && f.name.endsWith(`-${String(batch).padStart(10, '0')}.parquet`))
    .map((f) => f.name);

describe.runIf(parquetTestable())('Parquet sink redelivery after a crash', () => {
  it.each([
    ['file-sink.files-written#3', 'between writing batch 3 and committing it', false],
    ['file-sink.committed#3', 'after committing batch 3, before the outbox let it go', true],
  ])(
    'killed at %s (%s): one file per partition, every row once',
    async (fault, _when, committed) => {
      const ref = setUp();
      const r = await runKillableWorker(worker, [ref.data, String(BATCH)], undefined);
      expect(r.outcome).toBe('done');
      const want = readFiles(ref.out, true);
      expect(want.rows).toHaveLength(ROWS);

      const crashed = setUp();
      const killed = await runKillableWorker(worker, [crashed.data, String(BATCH)], undefined, { env: { EDDY_FAULT: fault } });
      expect(killed.outcome).toBe('killed');
      // The crash fell where it was meant to: batch 3's files in place, its manifest entry there or not.
      const manifestEntry = join(crashed.out, '_eddy_manifest', 'CSAS_P_0', '0000000003.json');
      expect(batchFiles(crashed.out, 3).length).toBe(2); // both partitions (PART 0 and 1) written
      expect(existsSync(manifestEntry)).toBe(committed);
      expect(batchFiles(crashed.out, 4)).toEqual([]);

      const resumed = await runKillableWorker(worker, [crashed.data, String(BATCH)], undefined);
      expect(resumed.outcome).toBe('done');
      const got = readFiles(crashed.out, true);
      expect(got.hidden).toEqual([]); // no temporary left behind
      expect(got.files).toEqual(got.manifest); // every file committed, none twice
      expect(got.files).toEqual(want.files);
      expect(batchFiles(crashed.out, 3).length).toBe(2);
      expect(got.rows).toEqual(want.rows); // read back by pyarrow: the same rows, each once
      expect(new Set(got.rows.map((x) => x.ID)).size).toBe(ROWS);
    },
    60_000,
  );
});
