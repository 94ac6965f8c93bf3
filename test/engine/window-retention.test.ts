// Windowed aggregation state is live only while a window can still change: once stream time
// passes window end + grace, the window leaves memory and its late records are dropped. Under a
// CTAS the state is kept in the table's pull-store rows (which keep every window, as a pull query
// shows them); a restart brings back only the windows still open.

import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { PullStore } from '../../src/runtime/pull-store.js';
import { insert, perTest, topic } from './helpers.js';

const scratch = perTest('retention');
let eddy: Eddy | undefined;

const CLICKS = "CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";
const HOPPING = 'CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY U;';

function open(dir: string): Eddy {
  return Eddy.open({ dataDir: dir, autoStart: false, batch: { maxRecords: 1 }, properties: { 'auto.offset.reset': 'earliest' } });
}
const click = (e: Eddy, u: string, ts: number) => insert(e, 'CLICKS', 'U, P', `'${u}', '/'`, ts);
/** The window starts of the query's persisted aggregation state (in the pull store's rows). */
const persistedWindows = (e: Eddy): number[] => (e.state.db.prepare('SELECT wstart FROM materialized WHERE st IS NOT NULL').pluck().all() as number[]).sort((a, b) => a - b);
/** The window starts a restart of the query would load (windows still open). */
const openWindows = (e: Eddy, streamTime: number): number[] =>
  new PullStore(e.state.db, e.state.catalog.get('C')!, 'CTAS_C_0')
    .load(0, streamTime)
    .map(([, w]) => w.start)
    .sort((a, b) => a - b);
const wagg = (e: Eddy) => e.state.db.prepare("SELECT COUNT(*) AS n FROM state WHERE store LIKE '%agg'").get();
const counts = (e: Eddy) => topic(e, 'C').map((r) => [r.key, r.window?.start, r.value === null ? null : (r.value as { N: number }).N]);

describe('windowed aggregation state retention', () => {
  it('stops counting a window once it closes; its state stays in its pull-store row', () => {
    const dir = scratch.dir();
    eddy = scratch.use(open(dir));
    eddy.execute(CLICKS);
    eddy.execute(HOPPING);
    click(eddy, 'a', 1000); // window [0,10000) only: starts clamp at 0
    click(eddy, 'b', 6000); // [0,10000) and [5000,15000)
    expect(persistedWindows(eddy)).toEqual([0, 0, 5000]);
    click(eddy, 'a', 12000); // closes [0,10000): stream time ≥ end + 0 grace
    expect(persistedWindows(eddy)).toEqual([0, 0, 5000, 5000, 10000]);
    expect(openWindows(eddy, 12000)).toEqual([5000, 5000, 10000]);
    expect(wagg(eddy)).toEqual({ n: 0 }); // no second copy in the state table
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
    const dir = scratch.dir();
    eddy = scratch.use(open(dir));
    eddy.execute(CLICKS);
    eddy.execute(HOPPING);
    click(eddy, 'a', 6000);
    eddy.close();
    eddy = scratch.use(open(dir));
    click(eddy, 'a', 7000);
    expect(counts(eddy)).toEqual([
      ['a', 0, 1],
      ['a', 5000, 1],
      ['a', 0, 2],
      ['a', 5000, 2],
    ]);
    click(eddy, 'b', 10000); // closes [0,10000)
    eddy.close();
    eddy = scratch.use(open(dir));
    click(eddy, 'a', 9000); // late for [0,10000) after the restart too
    click(eddy, 'a', 11000);
    expect(counts(eddy).slice(4)).toEqual([
      ['b', 5000, 1],
      ['b', 10000, 1],
      ['a', 5000, 3],
      ['a', 5000, 4],
      ['a', 10000, 1],
    ]);
    const pulled = eddy.execute("SELECT U, WINDOWSTART, N FROM C WHERE U = 'a';")[0] as unknown as { rows: [string, number, number][] };
    expect([...pulled.rows].sort((x, y) => x[1] - y[1])).toEqual([
      ['a', 0, 2],
      ['a', 5000, 4],
      ['a', 10000, 1],
    ]);
  });

  /**
   * Count one click, rewrite its window state the way an older Eddy stored it (`store`, key from
   * `keyOf`), restart, count another: the old state must be taken over, and no copy left behind.
   */
  const takesOverOldState = (store: string, keyOf: (windowStart: number) => string) => {
    const dir = scratch.dir();
    eddy = scratch.use(open(dir));
    eddy.execute(CLICKS);
    eddy.execute(HOPPING);
    click(eddy, 'a', 6000);
    const db = eddy.state.db;
    for (const r of db.prepare('SELECT st, wstart, wend FROM materialized WHERE st IS NOT NULL').all() as { st: string; wstart: number; wend: number }[]) {
      const v = JSON.stringify({ ...(JSON.parse(r.st) as object), w: { start: r.wstart, end: r.wend } });
      db.prepare('INSERT INTO state(owner, store, k, v) VALUES (?, ?, ?, ?)').run('CTAS_C_0', store, keyOf(r.wstart), v);
    }
    db.prepare('UPDATE materialized SET st = NULL, st_owner = NULL').run();
    eddy.close();
    eddy = scratch.use(open(dir));
    click(eddy, 'a', 7000);
    expect(counts(eddy).slice(2)).toEqual([
      ['a', 0, 2],
      ['a', 5000, 2],
    ]);
    expect(persistedWindows(eddy)).toEqual([0, 5000]);
    expect(wagg(eddy)).toEqual({ n: 0 });
  };

  it('windowed state an older Eddy kept in the plain aggregation store is taken over', () => {
    // As it used to be stored: store 'agg', key '<group key>@<window start>'.
    takesOverOldState('Aggregate1/agg', (w) => `s1:a@${w}`);
  });

  it("windowed state in the state table (as the previous release kept it) moves to the pull store's rows", () => {
    takesOverOldState('Aggregate1/wagg', (w) => `${w}/s1:a`);
  });

  it('a group that HAVING hides keeps its state in a hidden row; TERMINATE removes what only the state kept', () => {
    const dir = scratch.dir();
    eddy = scratch.use(open(dir));
    eddy.execute(CLICKS);
    eddy.execute('CREATE TABLE H AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY U HAVING COUNT(*) > 1;');
    const pull = (e: Eddy) => (e.execute('SELECT U, WINDOWSTART, N FROM H;')[0] as unknown as { rows: unknown[][] }).rows;
    click(eddy, 'a', 1000);
    click(eddy, 'b', 2000);
    expect(pull(eddy)).toEqual([]);
    eddy.close();
    eddy = scratch.use(open(dir));
    click(eddy, 'a', 3000); // the hidden row's state came back: 2 now
    expect(pull(eddy)).toEqual([['a', 0, 2]]);
    const rows = () => eddy!.state.db.prepare("SELECT k, st IS NOT NULL AS st FROM materialized WHERE source = 'H' ORDER BY k").raw().all();
    expect(rows()).toEqual([
      ['s1:an0;n10000;', 1],
      ['s1:bn0;n10000;', 1],
    ]);
    eddy.execute('TERMINATE CTAS_H_0;');
    expect(rows()).toEqual([['s1:an0;n10000;', 0]]);
    expect(pull(eddy)).toEqual([['a', 0, 2]]);
  });
});
