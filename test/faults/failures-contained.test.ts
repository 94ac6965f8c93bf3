// One query whose batches keep failing (a real SQLite error at its commit: a trigger that aborts
// the write of its offsets) goes to ERROR with its last error, backs off and retries, and never
// stops the other queries — created before or after it — nor push queries, across a restart.
// Once the cause is gone it resumes from its committed offsets: 0 lost, 0 doubled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { rows, topic } from '../engine/helpers.js';

let eddy: Eddy | undefined;
let dir: string | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const BACKOFF = { initial: 300, max: 600 };

function open(dataDir: string): Eddy {
  eddy = Eddy.open({
    dataDir,
    autoStart: false,
    batch: { maxRecords: 10 },
    properties: { 'auto.offset.reset': 'earliest', 'ksql.query.retry.backoff.initial.ms': String(BACKOFF.initial), 'ksql.query.retry.backoff.max.ms': String(BACKOFF.max) },
  });
  return eddy;
}

function feed(e: Eddy, from: number, to: number): void {
  for (let i = from; i < to; i++) e.execute(`INSERT INTO S (ROWTIME, ID, V) VALUES (${i}, ${i}, ${i});`);
}

/** The engine's offsets table, found by its shape (its name is the engine's business). */
function offsetsTable(e: Eddy): string {
  return e.state.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%next_offset%'").pluck().get() as string;
}

function breakQuery(e: Eddy, id: string): void {
  e.state.db.exec(`CREATE TRIGGER fault_${id} BEFORE UPDATE ON "${offsetsTable(e)}" WHEN NEW.owner = '${id}' BEGIN SELECT RAISE(ABORT, 'injected fault in ${id}'); END`);
}

const ids = (e: Eddy, t: string): unknown[] => topic(e, t).map((r) => (r.value as { V: number }).V);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const status = (e: Eddy, id: string): unknown => rows(e, 'SHOW QUERIES;').find((r) => r[0] === id)?.[4];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a query whose batches keep failing', () => {
  it('is in ERROR with its last error, backs off, never stops other queries, and resumes exactly once fixed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eddy-contained-'));
    let e = open(dir);
    e.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    e.execute('CREATE STREAM BEFORE_BAD AS SELECT ID, V FROM S;');
    e.execute('CREATE STREAM BAD AS SELECT ID, V FROM S;');
    breakQuery(e, 'CSAS_BAD_1');
    const push = e.query('SELECT ID, V FROM S EMIT CHANGES;');
    feed(e, 0, 30);
    e.runUntilIdle();

    // The others ran; the broken one is in ERROR, seen everywhere a query's state is shown.
    expect(ids(e, 'BEFORE_BAD')).toEqual(range(0, 30));
    expect(push.drain().map((r) => r.values[1])).toEqual(range(0, 30));
    expect(ids(e, 'BAD')).toEqual([]);
    expect(status(e, 'CSAS_BAD_1')).toBe('ERROR');
    expect(status(e, 'CSAS_BEFORE_BAD_0')).toBe('RUNNING');
    const ext = rows(e, 'SHOW QUERIES EXTENDED;').find((r) => r[0] === 'CSAS_BAD_1')!;
    expect(ext[4]).toBe('ERROR');
    expect(ext.at(-1)).toBe('injected fault in CSAS_BAD_1');
    const described = new Map(rows(e, 'DESCRIBE CSAS_BAD_1 EXTENDED;').map((r) => [r[0], r[1]]));
    expect(described.get('status')).toBe('ERROR');
    expect(described.get('lastError')).toBe('injected fault in CSAS_BAD_1');
    // At least one failure: on a loaded machine the feed may outlast a backoff and see a retry.
    expect(described.get('failures')).toBeGreaterThanOrEqual(1);
    const source = rows(e, 'DESCRIBE S EXTENDED;')
      .filter((r) => r[0] === 'Read by')
      .map((r) => r[1]);
    expect(source).toEqual(['CSAS_BEFORE_BAD_0 (RUNNING)', 'CSAS_BAD_1 (ERROR: injected fault in CSAS_BAD_1)']);
    expect(new Map(rows(e, 'DESCRIBE BAD EXTENDED;').map((r) => [r[0], r[1]])).get('Written by')).toBe('CSAS_BAD_1 (ERROR: injected fault in CSAS_BAD_1)');

    // Within the backoff it is not retried; after it, it is, and each failure doubles the wait up to the maximum.
    const health = () => new Map(rows(e, 'DESCRIBE CSAS_BAD_1;').map((r) => [r[0], r[1]]));
    await sleep(BACKOFF.max + 10);
    e.step(); // a retry that fails again: a full backoff starts now
    expect(health().get('retryInMs')).toBeGreaterThan(BACKOFF.max / 2);
    let cycles = 0;
    const before = health().get('failures');
    // Cycles for half the backoff (600 ms, just started): none of them may retry.
    for (const until = Date.now() + BACKOFF.max / 2; Date.now() < until; cycles++) e.step();
    expect(cycles).toBeGreaterThan(0);
    expect(health().get('failures')).toBe(before);
    for (let i = 0; i < 4; i++) {
      await sleep(BACKOFF.max + 10);
      e.step();
    }
    const waits = e
      .processingLog(100)
      .filter((r) => r.queryId === 'CSAS_BAD_1')
      .map((r) => Number(/retries from its committed offsets in (\d+) ms/.exec(r.reason)?.[1]))
      .reverse();
    expect(waits.slice(0, 2)).toEqual([300, 600]);
    expect(waits.length).toBeGreaterThanOrEqual(5);
    expect(waits.slice(2).every((w) => w === 600)).toBe(true);

    // A query created after the failure runs.
    e.execute('CREATE STREAM AFTER_BAD AS SELECT ID, V FROM S;');
    feed(e, 30, 40);
    e.runUntilIdle();
    expect(ids(e, 'AFTER_BAD')).toEqual(range(0, 40));
    expect(ids(e, 'BEFORE_BAD')).toEqual(range(0, 40));
    push.close();

    // Across a restart (the fault is in the database file): the others still run, push queries too.
    e.close();
    e = open(dir);
    const push2 = e.query('SELECT ID, V FROM S EMIT CHANGES;');
    feed(e, 40, 50);
    e.runUntilIdle();
    expect(status(e, 'CSAS_BAD_1')).toBe('ERROR');
    expect(ids(e, 'BEFORE_BAD')).toEqual(range(0, 50));
    expect(ids(e, 'AFTER_BAD')).toEqual(range(0, 50));
    expect(push2.drain().map((r) => r.values[1])).toEqual(range(0, 50)); // earliest: from the start
    expect(ids(e, 'BAD')).toEqual([]);

    // The cause removed: after its backoff it resumes from its committed offsets, each record once.
    e.state.db.exec('DROP TRIGGER fault_CSAS_BAD_1');
    await sleep(BACKOFF.max + 10);
    e.runUntilIdle();
    expect(status(e, 'CSAS_BAD_1')).toBe('RUNNING');
    expect(ids(e, 'BAD')).toEqual(range(0, 50));
    feed(e, 50, 55);
    e.runUntilIdle();
    expect(ids(e, 'BAD')).toEqual(range(0, 55));
    expect(ids(e, 'BEFORE_BAD')).toEqual(range(0, 55));
  });
});
