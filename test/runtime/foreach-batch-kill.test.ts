// foreachBatch's bookkeeping under SIGKILL: a real child process (fixtures/foreach-worker.ts) is
// killed at random moments while it feeds a stream and hands OUT's batches to a callback that
// logs them; after the kills, one run to the end. Every batch id the callback ever saw must have
// had the same rows each time it came, the ids must run 0, 1, 2, … without a gap, and the rows
// of the distinct ids, in id order, must be OUT's records exactly once each.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';

const WORKER = join(__dirname, 'fixtures', 'foreach-worker.ts');
const dirs: string[] = [];
afterAll(() => {
  killLiveWorkers();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('foreachBatch under SIGKILL', () => {
  it('replays each interrupted batch with the same id and rows; no id skipped, no row lost or doubled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-foreach-kill-'));
    dirs.push(dir);
    const log = join(dir, 'batches.jsonl');
    writeFileSync(log, '');
    // First a kill inside batch 3's callback (certain), then kills at random moments.
    const outcomes: string[] = [(await runKillableWorker(WORKER, [join(dir, 'data'), log, '3'], undefined)).outcome];
    for (let k = 0; k < 6; k++) outcomes.push((await runKillableWorker(WORKER, [join(dir, 'data'), log], 30 + Math.floor(Math.random() * 220))).outcome);
    const last = await runKillableWorker(WORKER, [join(dir, 'data'), log], undefined);
    expect(last.outcome).toBe('done');
    const seen = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; rows: { ID: number; W: number }[] });
    const byId = new Map<number, string>();
    let replays = 0;
    for (const b of seen) {
      const rows = JSON.stringify(b.rows);
      if (byId.has(b.id)) {
        replays++;
        expect(rows, `batch ${b.id} came back with other rows`).toBe(byId.get(b.id));
      }
      byId.set(b.id, rows);
    }
    const ids = [...byId.keys()].sort((a, b) => a - b);
    expect(ids).toEqual(ids.map((_, i) => i));
    const all = ids.flatMap((id) => JSON.parse(byId.get(id)!) as { ID: number; W: number }[]);
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => ({ ID: i, W: i * 10 })));
    // Say what the kills did (they land at random: some inside a callback, some between batches).
    console.log(`foreachBatch kill test: runs ${outcomes.join(', ')}, done; ${byId.size} batches, ${replays} replayed after a kill`);
    expect(outcomes[0]).toBe('killed');
    expect(replays).toBeGreaterThan(0);
  }, 180_000);
});
