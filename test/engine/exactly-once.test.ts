// Exactly-once inside Eddy: a persistent windowed query runs in a real child process that is
// killed with SIGKILL at random moments and restarted; its outputs must equal an uninterrupted run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { prng } from '../../src/runtime/connectors/datagen.js';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';

const WORKER = join(__dirname, 'fixtures', 'eo-worker.ts');
const dirs: string[] = [];
afterAll(() => {
  killLiveWorkers();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function prepare(records: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-eo-'));
  dirs.push(dir);
  const eddy = Eddy.open({ dataDir: dir, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
  eddy.execute(`
    SET 'auto.offset.reset' = 'earliest';
    CREATE STREAM READINGS (SENSOR STRING KEY, V INT) WITH (kafka_topic='readings', value_format='JSON', partitions=2);
    CREATE TABLE PER_MINUTE AS SELECT SENSOR, COUNT(*) AS N, SUM(V) AS TOTAL FROM READINGS WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 30 SECONDS) GROUP BY SENSOR;
    CREATE STREAM HIGH AS SELECT SENSOR, V FROM READINGS WHERE V > 80;
  `);
  const rnd = prng(7);
  const rows = [];
  for (let i = 0; i < records; i++) {
    const ts = i * 250 - Math.floor(rnd() * 20_000); // out of order, some late
    rows.push({ SENSOR: `s${Math.floor(rnd() * 5)}`, V: Math.floor(rnd() * 100), ROWTIME: Math.max(0, ts) });
  }
  eddy.insert('READINGS', rows);
  eddy.close();
  return dir;
}

async function runWorker(dir: string, killAfterMs: number | undefined): Promise<{ outcome: 'done' | 'killed'; ms: number }> {
  const run = await runKillableWorker(WORKER, [dir], killAfterMs);
  return { outcome: run.outcome, ms: Number(/DONE (\d+)/.exec(run.stdout)?.[1] ?? 0) };
}

function snapshot(dir: string) {
  const eddy = Eddy.open({ dataDir: dir, autoStart: false });
  const read = (t: string) => eddy.readTopic(t).map((r) => [r.partition, r.key?.toString('hex'), r.value?.toString(), r.timestamp, r.window?.start, r.window?.end]);
  const result = {
    perMinute: read('PER_MINUTE'),
    high: read('HIGH'),
    table: eddy.state.db.prepare("SELECT k, cols, ts FROM materialized WHERE source = 'PER_MINUTE' ORDER BY k").all(),
  };
  eddy.close();
  return result;
}

describe('exactly-once across SIGKILL', () => {
  it('output table and sink stream equal an uninterrupted run', async () => {
    const records = 20_000;
    const cleanDir = prepare(records);
    const cleanRun = await runWorker(cleanDir, undefined);
    expect(cleanRun.outcome).toBe('done');
    const crashy = prepare(records);
    const seed = Number(process.env.EDDY_EO_SEED ?? Date.now() % 100_000);
    const rnd = prng(seed);
    // A dozen kills at random points, each within the first fifteenth of the clean run's time, so
    // that a dozen fit before the work is done (every killed run commits some progress).
    const window = Math.max(20, cleanRun.ms / 15);
    let kills = 0;
    for (let attempt = 0; attempt < 60; attempt++) {
      const r = await runWorker(crashy, kills < 12 ? Math.floor(rnd() * window) : undefined);
      if (r.outcome === 'done') break;
      kills++;
    }
    console.log(`exactly-once: ${kills} SIGKILLs (seed ${seed}, clean run ${cleanRun.ms} ms)`);
    const a = snapshot(cleanDir);
    const b = snapshot(crashy);
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(a.perMinute.length).toBeGreaterThan(records / 2);
    expect(b.high).toEqual(a.high);
    // Batches are cut from committed offsets alone, so even the per-batch changes of the
    // aggregation (one per group and window per batch) equal the uninterrupted run's.
    expect(b.perMinute).toEqual(a.perMinute);
    expect(b.table).toEqual(a.table);
  }, 420_000); // ~40 s on a quiet 2-core machine; each tsx worker start costs seconds under load
});
