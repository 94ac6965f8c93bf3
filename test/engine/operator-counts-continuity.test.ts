// The live per-operator counts (the console's plan boxes, /metrics' eddy_operator_records_*) and
// the query's own figures (SHOW QUERIES EXTENDED's Batches and Records In, /metrics'
// eddy_query_*) count the same thing: the committed batches since the query started in this
// process. A batch that fails (a real SQLite error at its commit) is taken back out of the
// operator counts, and the retry's fresh task goes on from the failed task's figures instead of
// starting them at zero, so after a failure and a recovery the source's count is still Records In.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { rows } from './helpers.js';

let eddy: Eddy | undefined;
let dir: string | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ID = 'CSAS_EVENS_0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function feed(e: Eddy, from: number, to: number): void {
  for (let i = from; i < to; i++) e.execute(`INSERT INTO S (ID, V) VALUES (${i}, ${i});`);
}

/** SHOW QUERIES EXTENDED's Batches and Records In, and the view's per-operator counts. */
function figures(e: Eddy) {
  const row = rows(e, 'SHOW QUERIES EXTENDED;').find((r) => r[0] === ID)!;
  const view = e.queries().find((q) => q.id === ID)!;
  const op = (name: string) => view.operators.find((o) => o.operator === name)!;
  return {
    status: row[4],
    batches: row[5],
    recordsIn: row[6],
    errors: row[10],
    sourceIn: op('StreamSource').recordsIn,
    filterOut: op('Filter').recordsOut,
    sinkOut: view.operators[0]!.recordsOut,
    recordsOut: view.progress.recordsOut,
  };
}

it('a failed batch and its retry neither double nor reset the operator counts or the query figures', async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-counts-'));
  const e = (eddy = Eddy.open({
    dataDir: dir,
    autoStart: false,
    batch: { maxRecords: 10 },
    properties: { 'auto.offset.reset': 'earliest', 'ksql.query.retry.backoff.initial.ms': '50', 'ksql.query.retry.backoff.max.ms': '50' },
  }));
  e.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
  e.execute('CREATE STREAM EVENS AS SELECT ID, V FROM S WHERE V % 2 = 0;');
  feed(e, 0, 20);
  e.runUntilIdle();
  const ok = figures(e);
  expect(ok).toMatchObject({ status: 'RUNNING', recordsIn: 20, sourceIn: 20, filterOut: 10, sinkOut: 10, recordsOut: 10 });

  // Every commit of the query's offsets now aborts: its batches roll back.
  const offsets = e.state.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%next_offset%'").pluck().get() as string;
  e.state.db.exec(`CREATE TRIGGER fault BEFORE UPDATE ON "${offsets}" WHEN NEW.owner = '${ID}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
  feed(e, 20, 40);
  e.step();
  const failed = figures(e);
  // The failed batch read ten records through every operator, then rolled back: none counted.
  expect(failed).toMatchObject({ status: 'ERROR', batches: ok.batches, recordsIn: 20, sourceIn: 20, filterOut: 10, sinkOut: 10 });

  // The cause removed: the retry (a fresh task) commits the 20 new records, and counts on.
  e.state.db.exec('DROP TRIGGER fault');
  await sleep(80);
  e.runUntilIdle();
  const after = figures(e);
  expect(after.status).toBe('RUNNING');
  expect(after).toMatchObject({ recordsIn: 40, sourceIn: 40, filterOut: 20, sinkOut: 20, recordsOut: 20 });
  expect(after.batches).toBeGreaterThan(ok.batches as number);
  expect(after.errors).toBe(failed.errors);
});
