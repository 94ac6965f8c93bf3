// Windowed aggregation state is kept only while a window can still change: once stream time
// passes window end + grace, the window leaves memory and SQLite, and its late records are dropped.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { insert, topic } from './helpers.js';

let eddy: Eddy | undefined;
const dirs: string[] = [];
afterEach(() => {
  eddy?.close();
  eddy = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CLICKS = "CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";
const HOPPING = 'CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY U;';

function open(dir: string): Eddy {
  return Eddy.open({ dataDir: dir, autoStart: false, batch: { maxRecords: 1 }, properties: { 'auto.offset.reset': 'earliest' } });
}
const click = (e: Eddy, u: string, ts: number) => insert(e, 'CLICKS', 'U, P', `'${u}', '/'`, ts);
/** The window starts that the query's persisted aggregation state still holds. */
const persistedWindows = (e: Eddy): number[] =>
  (e.state.db.prepare("SELECT v FROM state WHERE store LIKE '%wagg'").all() as { v: string }[]).map((r) => (JSON.parse(r.v) as { w: { start: number } }).w.start).sort((a, b) => a - b);
const counts = (e: Eddy) => topic(e, 'C').map((r) => [r.key, r.window?.start, r.value === null ? null : (r.value as { N: number }).N]);

describe('windowed aggregation state retention', () => {
  it('drops a window from SQLite once it closes, and its late records are not counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-retention-'));
    dirs.push(dir);
    eddy = open(dir);
    eddy.execute(CLICKS);
    eddy.execute(HOPPING);
    click(eddy, 'a', 1000); // window [0,10000) only: starts clamp at 0
    click(eddy, 'b', 6000); // [0,10000) and [5000,15000)
    expect(persistedWindows(eddy)).toEqual([0, 0, 5000]);
    click(eddy, 'a', 12000); // closes [0,10000): stream time ≥ end + 0 grace
    expect(persistedWindows(eddy)).toEqual([5000, 5000, 10000]);
    click(eddy, 'a', 3000); // late for [0,10000): dropped, nothing emitted
    expect(counts(eddy)).toEqual([
      ['a', 0, 1],
      ['b', 0, 1],
      ['b', 5000, 1],
      ['a', 5000, 1],
      ['a', 10000, 1],
    ]);
    expect(eddy.state.queries.get('CTAS_C_0')!.task.metrics.snapshot().lateDropped).toBe(1);
  });

  it('open windows survive a restart and keep counting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-retention-'));
    dirs.push(dir);
    eddy = open(dir);
    eddy.execute(CLICKS);
    eddy.execute(HOPPING);
    click(eddy, 'a', 6000);
    eddy.close();
    eddy = open(dir);
    click(eddy, 'a', 7000);
    expect(counts(eddy)).toEqual([
      ['a', 0, 1],
      ['a', 5000, 1],
      ['a', 0, 2],
      ['a', 5000, 2],
    ]);
  });

  it('windowed state an older Eddy kept in the plain aggregation store is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-retention-'));
    dirs.push(dir);
    eddy = open(dir);
    eddy.execute(CLICKS);
    eddy.execute(HOPPING);
    click(eddy, 'a', 6000);
    // Rewrite the state as it used to be stored: store 'agg', key '<group key>@<window start>'.
    const db = eddy.state.db;
    const old = db.prepare("SELECT owner, store, k, v FROM state WHERE store LIKE '%wagg'").all() as { owner: string; store: string; k: string; v: string }[];
    db.prepare("DELETE FROM state WHERE store LIKE '%wagg'").run();
    for (const r of old) {
      const [start, key] = [r.k.slice(0, r.k.indexOf('/')), r.k.slice(r.k.indexOf('/') + 1)];
      db.prepare('INSERT INTO state(owner, store, k, v) VALUES (?, ?, ?, ?)').run(r.owner, r.store.replace(/wagg$/, 'agg'), `${key}@${start}`, r.v);
    }
    eddy.close();
    eddy = open(dir);
    click(eddy, 'a', 7000);
    expect(counts(eddy).slice(2)).toEqual([
      ['a', 0, 2],
      ['a', 5000, 2],
    ]);
    expect(persistedWindows(eddy)).toEqual([0, 5000]);
    expect(eddy.state.db.prepare("SELECT COUNT(*) AS n FROM state WHERE store LIKE '%/agg'").get()).toEqual({ n: 0 });
  });
});
