// The file source: read a bounded chunk per poll, following the file as it grows, is truncated
// and is rotated, resuming after a restart where it stopped; killed with SIGKILL at random moments
// in a real child process, it still appends every line exactly once.
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../../src/runtime/connectors/datagen.js';
import { Eddy } from '../../src/runtime/engine.js';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';
import { topic } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'eddy-file-source-'));
afterAll(() => {
  killLiveWorkers();
  rmSync(root, { recursive: true, force: true });
});

const line = (id: number) => `{"ID": ${id}, "ITEM": "item-${id}"}\n`;
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => line(from + i)).join('');

function open(dataDir: string): Eddy {
  return Eddy.open({ dataDir, autoStart: false, batch: { maxRecords: 3 }, properties: { 'auto.offset.reset': 'earliest' } });
}

/** IDs in the stream's topic, in order. */
function ids(eddy: Eddy, source = 'ORDERS'): number[] {
  return topic(eddy, eddy.state.catalog.get(source)!.topic!).map((r) => (r.value as { ID: number }).ID);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('file source', () => {
  it('follows growth, a partial last line, truncation and rotation, and resumes after a restart', () => {
    const dir = mkdtempSync(join(root, 'tail-'));
    const path = join(dir, 'orders.jsonl');
    writeFileSync(path, lines(0, 50));
    let eddy = open(join(dir, 'data'));
    // 100-byte polls: a poll takes three lines or so, so 50 lines take many cycles.
    eddy.execute(`CREATE STREAM ORDERS (ID INT, ITEM STRING) WITH (source='file', path='${path}', kafka_topic='orders', value_format='JSON', poll_bytes=100);`);
    eddy.execute('CREATE STREAM EVEN AS SELECT * FROM ORDERS WHERE ID % 2 = 0;');
    expect(ids(eddy)).toEqual([]); // nothing is read until a cycle runs
    eddy.step();
    expect(ids(eddy).length).toBeGreaterThan(0);
    expect(ids(eddy).length).toBeLessThan(10);
    eddy.runUntilIdle();
    expect(ids(eddy)).toEqual(range(0, 50));

    appendFileSync(path, `${lines(50, 55)}{"ID": 55, "IT`);
    eddy.runUntilIdle();
    expect(ids(eddy)).toEqual(range(0, 55)); // the partial line waits
    appendFileSync(path, 'EM": "item-55"}\n');
    eddy.runUntilIdle();
    expect(ids(eddy)).toEqual(range(0, 56));

    // Restart: the committed position is where reading resumes.
    eddy.close();
    appendFileSync(path, lines(56, 60));
    eddy = open(join(dir, 'data'));
    eddy.runUntilIdle();
    expect(ids(eddy)).toEqual(range(0, 60));

    // Rotation: lines written to the old file before the rename are read first, then the new file.
    appendFileSync(path, `${lines(60, 62)}{"ID": 62, "ITEM": "no newline"}`);
    renameSync(path, `${path}.1`);
    writeFileSync(path, lines(100, 103));
    eddy.runUntilIdle();
    expect(ids(eddy)).toEqual([...range(0, 63), ...range(100, 103)]);

    // Rotated while Eddy was down: the new file is read from its start.
    eddy.close();
    renameSync(path, `${path}.2`);
    writeFileSync(path, lines(200, 202));
    eddy = open(join(dir, 'data'));
    eddy.runUntilIdle();
    expect(ids(eddy)).toEqual([...range(0, 63), ...range(100, 103), ...range(200, 202)]);

    // Truncated in place: read again from the start.
    writeFileSync(path, lines(300, 301));
    eddy.runUntilIdle();
    const all = [...range(0, 63), ...range(100, 103), ...range(200, 202), 300];
    expect(ids(eddy)).toEqual(all);
    expect(ids(eddy, 'EVEN')).toEqual(all.filter((i) => i % 2 === 0));
    eddy.close();
  });

  it('appends every line exactly once across SIGKILLs of a real process', async () => {
    const records = 20_000;
    const prepare = (): { dir: string; path: string } => {
      const dir = mkdtempSync(join(root, 'eo-'));
      const path = join(dir, 'orders.jsonl');
      writeFileSync(path, lines(0, records));
      const eddy = open(join(dir, 'data'));
      // 4 KiB polls: ~90 lines per chunk, so a run commits some two hundred chunks.
      eddy.execute(`CREATE STREAM ORDERS (ID INT, ITEM STRING) WITH (source='file', path='${path}', kafka_topic='orders', value_format='JSON', poll_bytes=4096);`);
      eddy.execute('CREATE STREAM EVEN AS SELECT * FROM ORDERS WHERE ID % 2 = 0;');
      eddy.close();
      return { dir, path };
    };
    const worker = join(__dirname, 'fixtures', 'file-ingest-worker.ts');
    const clean = prepare();
    const cleanRun = await runKillableWorker(worker, [join(clean.dir, 'data')], undefined);
    expect(cleanRun.outcome).toBe('done');
    const cleanMs = Number(/DONE (\d+)/.exec(cleanRun.stdout)?.[1] ?? 0);
    const crashy = prepare();
    const seed = Number(process.env.EDDY_EO_SEED ?? Date.now() % 100_000);
    const rnd = prng(seed);
    const window = Math.max(20, cleanMs / 8);
    let kills = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      const r = await runKillableWorker(worker, [join(crashy.dir, 'data')], kills < 5 ? Math.floor(rnd() * window) : undefined);
      if (r.outcome === 'done') break;
      kills++;
    }
    console.log(`file source exactly-once: ${kills} SIGKILLs (seed ${seed}, clean run ${cleanMs} ms)`);
    expect(kills).toBeGreaterThanOrEqual(3);
    const read = (dir: string) => {
      const eddy = open(join(dir, 'data'));
      const out = { orders: ids(eddy), even: ids(eddy, 'EVEN') };
      eddy.close();
      return out;
    };
    const a = read(clean.dir);
    const b = read(crashy.dir);
    expect(a.orders).toEqual(range(0, records));
    expect(b.orders).toEqual(a.orders);
    expect(b.even).toEqual(a.even);
  }, 600_000); // each tsx worker start costs seconds under load
});
