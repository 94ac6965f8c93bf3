// A chained query reads what the query before it appended one cycle earlier, from the embedded
// log's in-memory tail. It must read exactly what SQLite holds, also after a batch rolled back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { SqliteLog } from '../../src/runtime/log/sqlite-log.js';
import type { ChannelOptions, QueryChannel } from '../../src/runtime/log/topic-log.js';
import { topic } from './helpers.js';

/** The embedded log, able to fail a query's batch right after it staged its output. */
class FlakyLog extends SqliteLog {
  failNext = false;

  override openChannel(owner: string, opts: ChannelOptions): QueryChannel {
    const inner = super.openChannel(owner, opts);
    return {
      ...inner,
      stage: (output, positions) => {
        inner.stage(output, positions);
        if (this.failNext && output?.records.length) {
          this.failNext = false;
          throw new Error('injected failure after staging');
        }
      },
    };
  }
}

let eddy: Eddy | undefined;
afterEach(() => eddy?.close());

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(dataDir?: string): { eddy: Eddy; log: FlakyLog } {
  let log: FlakyLog | undefined;
  eddy = Eddy.open({
    ...(dataDir ? { dataDir } : {}),
    autoStart: false,
    batch: { maxRecords: 100 },
    properties: { 'auto.offset.reset': 'earliest', 'ksql.query.retry.backoff.initial.ms': '0' },
    log: (db) => (log = new FlakyLog(db)),
  });
  return { eddy, log: log! };
}

function start(dataDir?: string): { eddy: Eddy; log: FlakyLog } {
  const { eddy, log } = open(dataDir);
  eddy.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
  eddy.execute('CREATE TABLE COUNTS AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL FROM S WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY K;');
  // Windowed changes read back as a stream, as Nexmark q5 chains its steps.
  eddy.execute("CREATE STREAM COUNT_CHANGES (K STRING KEY, N BIGINT, TOTAL BIGINT) WITH (kafka_topic='COUNTS', value_format='JSON', window_type='TUMBLING', window_size='10 SECONDS');");
  eddy.execute('CREATE STREAM BIG AS SELECT K, WINDOWSTART AS WS, N * 100 AS M FROM COUNT_CHANGES WHERE TOTAL > 0;');
  return { eddy, log };
}

function feed(e: Eddy, from: number, n: number): void {
  for (let i = from; i < from + n; i++) e.execute(`INSERT INTO S (ROWTIME, K, V) VALUES (${i * 100}, 'k${i % 7}', ${i});`);
}

/** Every topic read through the engine's log (tail where it has one) equals a fresh read of SQLite. */
function expectLogMatchesSqlite(e: Eddy): void {
  const db: Database.Database = e.state.db;
  const fresh = new SqliteLog(db);
  for (const t of ['s', 'COUNTS', 'BIG']) {
    const end = fresh.endOffset(t, 0);
    expect(e.state.log.endOffset(t, 0), t).toBe(end);
    for (const from of [0, Math.max(0, end - 5), end]) expect(e.state.log.read(t, 0, from, 10_000), t).toEqual(fresh.read(t, 0, from, 10_000));
  }
}

describe('chained queries over the log tail', () => {
  it('the second query reads the same records as SQLite holds', () => {
    const { eddy: e } = start();
    for (let b = 0; b < 5; b++) {
      feed(e, b * 40, 40);
      e.runUntilIdle();
      expectLogMatchesSqlite(e);
    }
    expect(topic(e, 'BIG').length).toBeGreaterThan(0);
  });

  it('a rolled-back batch leaves no phantom records; the query restarts from its committed state and runs it again', () => {
    const reference = start().eddy;
    feed(reference, 0, 60);
    reference.runUntilIdle();
    feed(reference, 60, 60);
    reference.runUntilIdle();
    const want = { counts: topic(reference, 'COUNTS'), big: topic(reference, 'BIG') };
    reference.close();

    dir = mkdtempSync(join(tmpdir(), 'eddy-tail-'));
    const { eddy: e, log } = start(dir);
    feed(e, 0, 60);
    e.runUntilIdle();
    const committed = { counts: log.endOffset('COUNTS', 0), big: topic(e, 'BIG') };
    feed(e, 60, 60);
    log.failNext = true;
    e.step(); // the failure is contained: the query goes to ERROR, the cycle goes on
    expect(e.processingLog().some((r) => /injected failure after staging/.test(r.reason))).toBe(true);
    expect(log.endOffset('COUNTS', 0)).toBe(committed.counts);
    expect(log.read('COUNTS', 0, committed.counts, 10_000)).toEqual([]);
    expectLogMatchesSqlite(e);
    // The failed query restarted from its committed state: its batch runs again, and the output
    // equals an uninterrupted run's, with no phantom changes flowing on.
    e.runUntilIdle();
    expectLogMatchesSqlite(e);
    expect(topic(e, 'COUNTS')).toEqual(want.counts);
    expect(topic(e, 'BIG')).toEqual(want.big);
    expect(e.processingLog().some((r) => /batch failed and rolled back/.test(r.reason))).toBe(true);
    e.close();

    // And after a restart of the process nothing runs twice.
    const again = open(dir).eddy;
    again.runUntilIdle();
    expectLogMatchesSqlite(again);
    expect(topic(again, 'COUNTS')).toEqual(want.counts);
    expect(topic(again, 'BIG')).toEqual(want.big);
  });
});
