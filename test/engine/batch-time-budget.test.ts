// A cycle's time budget (`batch.maxMs`) cuts a slow batch where the clock ran out and leaves the
// rest to the next cycle. Where a batch ends must not change what a query computes: the same
// input through the same queries, once with whole batches and once cut every millisecond or so,
// writes the same records to every stream sink (0 lost, 0 doubled, same order), the same changes
// of a table without a window (it emits each change), and the same final row per key and window of
// a windowed table (its changelog holds one update per window and batch, so its length depends on
// batching by design — its content not).

import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { topic } from './helpers.js';

const open: Eddy[] = [];
afterEach(() => open.splice(0).forEach((e) => e.close()));

function run(maxMs: number | undefined): { sinks: Record<string, unknown[]>; cycles: number } {
  const eddy = Eddy.open({ autoStart: false, batch: { maxRecords: 10_000, ...(maxMs ? { maxMs } : {}) }, properties: { 'auto.offset.reset': 'earliest' } });
  open.push(eddy);
  eddy.execute(`CREATE STREAM S (ID INT KEY, G STRING, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=2);
    CREATE TABLE T (G STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='t', value_format='JSON', partitions=2);`);
  eddy.insert(
    'T',
    [0, 1, 2].map((g) => ({ G: `g${g}`, NAME: `group ${g}` })),
  );
  eddy.insert(
    'S',
    Array.from({ length: 1_500 }, (_, i) => ({ ID: i, G: `g${i % 3}`, V: i % 7 === 0 ? 'y' : 'n', ROWTIME: 1_000 * i })),
  );
  // The filter is slow on purpose (a 20 kB string per record), so that a 1 ms budget cuts batches.
  eddy.execute(`CREATE STREAM SLOW AS SELECT ID, G, V FROM S WHERE LPAD(V, 20000, 'x') LIKE '%y%';
    CREATE TABLE COUNTS AS SELECT G, COUNT(*) AS N, SUM(ID) AS TOTAL FROM S WHERE LPAD(V, 20000, 'x') LIKE '%x%' GROUP BY G;
    CREATE STREAM JOINED AS SELECT S.ID, S.G, T.NAME FROM S JOIN T ON S.G = T.G WHERE LPAD(S.V, 20000, 'x') LIKE '%n%';
    CREATE TABLE WINDOWED AS SELECT G, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 100 SECONDS) GROUP BY G;`);
  let cycles = 0;
  while (eddy.step() > 0) cycles++;
  const sinks: Record<string, unknown[]> = {};
  for (const name of ['SLOW', 'COUNTS', 'JOINED', 'WINDOWED']) {
    const t = eddy.state.catalog.get(name)!.topic!;
    sinks[name] = topic(eddy, t);
  }
  return { sinks, cycles };
}

describe('a micro-batch cut by its time budget', () => {
  it('leaves every sink as whole batches write it', () => {
    const whole = run(undefined);
    const cut = run(1);
    expect(whole.cycles).toBeLessThanOrEqual(2);
    expect(cut.cycles).toBeGreaterThan(10); // the budget did cut
    expect(whole.sinks.SLOW!.length).toBe(Math.ceil(1_500 / 7));
    for (const name of ['SLOW', 'JOINED', 'COUNTS']) expect(cut.sinks[name], name).toEqual(whole.sinks[name]);
    expect(finalRows(cut.sinks.WINDOWED!)).toEqual(finalRows(whole.sinks.WINDOWED!));
    expect(cut.sinks.WINDOWED!.length).toBeGreaterThan(whole.sinks.WINDOWED!.length); // more batches, more updates
  });
});

/** A table's changelog reduced to its last record per key (and window). */
function finalRows(log: unknown[]): Map<string, unknown> {
  const last = new Map<string, unknown>();
  for (const r of log as { key: unknown; window?: unknown }[]) last.set(JSON.stringify([r.key, r.window]), r);
  return last;
}
