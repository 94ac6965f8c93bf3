// No statement can take the server down: against a real `eddy server` process, a hostile client
// sends the statements that once aborted or froze it, while a second client keeps asking
// SHOW STREAMS and measures how long its answers take. Every hostile statement must get an answer
// (an error or a result), the process must live, and the other client must never wait long.
// Inside persistent queries the same expressions must not crash-loop across restarts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { sleep, spawnServer, type ServerProcess } from '../server/helpers.js';
import { probe } from './reply-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'eddy-hostile-'));
const procs: ServerProcess[] = [];
const clients: EddyClient[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of procs.splice(0)) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
});

async function boot(data: string, args: string[] = []): Promise<{ proc: ServerProcess; hostile: EddyClient; victim: EddyClient }> {
  const proc = await spawnServer(['--data', data, ...args]);
  procs.push(proc);
  const hostile = await EddyClient.connect('127.0.0.1', proc.port);
  const victim = await EddyClient.connect('127.0.0.1', proc.port);
  clients.push(hostile, victim);
  return { proc, hostile, victim };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.message,
  );

describe('hostile statements over a real socket', () => {
  it('each gets an answer, the server lives, and another client is answered throughout', async () => {
    const { proc, hostile, victim } = await boot(join(dir, 'a'), ['--query-timeout', '1500']);
    await hostile.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    await hostile.execute("SET 'auto.offset.reset'='earliest';");
    for (let b = 0; b < 4; b++)
      await hostile.insert(
        'S',
        Array.from({ length: 5000 }, (_, i) => ({ ID: b * 5000 + i, V: `${'a'.repeat(60)}!` })),
      );
    const watch = probe(victim, 'SHOW STREAMS;', 5);
    const t0 = performance.now();
    try {
      await hostileStatements(hostile);
    } finally {
      const { worstMs, answers } = await watch.stop();
      console.log(`hostile statements: ${(performance.now() - t0).toFixed(0)} ms; the other client got ${answers} answers meanwhile, the slowest after ${worstMs.toFixed(0)} ms`);
      expect(answers).toBeGreaterThan(50);
      expect(worstMs).toBeLessThan(1000); // 45 s and more before; ~140 ms measured with the machine's load at 23
    }
    expect((await victim.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('S');
    expect(proc.child.exitCode).toBeNull();
  }, 60_000);

  it('inside persistent queries they fail per row, and the server neither crashes nor crash-loops across restarts', async () => {
    const data = join(dir, 'b');
    {
      const { hostile } = await boot(data);
      await hostile.execute("SET 'auto.offset.reset'='earliest';");
      await hostile.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
      await hostile.insert(
        'S',
        Array.from({ length: 50 }, (_, i) => ({ ID: i + 1, V: `${'a'.repeat(60)}!` })),
      );
      await hostile.execute('CREATE STREAM BIG AS SELECT ID, GENERATE_SERIES(1, ID * 1000000000) AS G FROM S;');
      await hostile.execute("CREATE STREAM RX AS SELECT ID, REGEXP_EXTRACT('(a+)+$', V) AS X, V LIKE '%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%b' AS L FROM S;");
      await waitFor(async () => (await hostile.execute('SELECT * FROM RX;')).rows.length === 50);
      expect((await hostile.execute('SELECT X, L FROM RX WHERE ID = 7;')).rows).toEqual([[null, false]]);
      expect((await hostile.execute('SELECT G FROM BIG WHERE ID = 7;')).rows).toEqual([[null]]);
      const log = (await hostile.execute('SELECT REASON FROM PROCESSING_LOG;')).rows.map((r) => String(r[0]));
      expect(log.filter((r) => /GENERATE_SERIES would produce \d+ elements; the limit is 1000000 per call/.test(r)).length).toBeGreaterThan(0);
    }
    for (const p of procs.splice(0)) {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    }
    for (const c of clients.splice(0)) c.close();
    // Restarted twice on the same data: the queries come back, take new rows, and the process stays up.
    for (let round = 0; round < 2; round++) {
      const { proc, hostile } = await boot(data);
      await hostile.insert('S', [{ ID: 100 + round, V: 'aaaa!' }]);
      await waitFor(async () => (await hostile.execute(`SELECT * FROM RX WHERE ID = ${100 + round};`)).rows.length === 1);
      const queries = (await hostile.execute('SHOW QUERIES;')).rows.map((r) => JSON.stringify(r));
      expect(queries.join()).toMatch(/BIG/);
      expect(queries.join()).toMatch(/RX/);
      await sleep(1000);
      expect(proc.child.exitCode).toBeNull();
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      procs.splice(0);
      for (const c of clients.splice(0)) c.close();
    }
  }, 120_000);
});

async function waitFor(cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

/** The statements that once aborted or froze the server, each with the answer it must get now. */
async function hostileStatements(hostile: EddyClient): Promise<void> {
  // Once a fatal out-of-memory abort: now a planning error naming the cap.
  expect(await outcome(hostile.execute('SELECT GENERATE_SERIES(1, 1000000000) FROM S LIMIT 1;'))).toMatch(/GENERATE_SERIES would produce 1000000000 elements; the limit is 1000000 per call/);
  // A series that is not constant is checked per row: NULL for that row, not an abort.
  expect((await hostile.execute('SELECT GENERATE_SERIES(1, ID * 1000000000) FROM S WHERE ID = 2;')).rows).toEqual([[null]]);
  // Once 45 s+ of backtracking per row: linear-time matching (RE2) answers at once.
  expect((await hostile.execute("SELECT REGEXP_EXTRACT('(a+)+$', V) FROM S LIMIT 3;")).rows).toEqual([[null], [null], [null]]);
  expect((await hostile.execute("SELECT REGEXP_REPLACE(V, '(a|aa)+$', 'x') FROM S LIMIT 1;")).rows).toEqual([[`${'a'.repeat(60)}!`]]);
  expect((await hostile.execute("SELECT REGEXP_SPLIT_TO_ARRAY(V, '(a*)*b') FROM S LIMIT 1;")).rows).toEqual([[[`${'a'.repeat(60)}!`]]]);
  expect((await hostile.execute(`SELECT ID FROM S WHERE V LIKE '${'%a'.repeat(30)}%b' LIMIT 1;`)).rows).toEqual([]);
  expect((await hostile.execute(`SELECT ID FROM S WHERE V LIKE '${'%a'.repeat(30)}%!' LIMIT 1;`)).rows.length).toBe(1);
  // Syntax RE2 does not have is a clear planning error, not NULL for every row.
  expect(await outcome(hostile.execute("SELECT REGEXP_EXTRACT('(a)\\1', V) FROM S;"))).toMatch(/REGEXP_EXTRACT: invalid or unsupported regular expression '\(a\)\\1'.*no backreferences or lookaround/);
  expect(await outcome(hostile.execute("SELECT REGEXP_EXTRACT('(?=a)', V) FROM S;"))).toMatch(/line 1:8: .*it uses a lookaround group/);
  // Once a freeze (a topic of two billion partitions).
  expect(await outcome(hostile.execute("CREATE STREAM P (V STRING) WITH (kafka_topic='p', value_format='JSON', partitions=2000000000);"))).toMatch(
    /Invalid value for PARTITIONS: 2000000000\. A topic has from 1 to 1000 partitions/,
  );
  expect(await outcome(hostile.execute("CREATE STREAM P0 (V STRING) WITH (kafka_topic='p0', value_format='JSON', partitions=0);"))).toMatch(
    /Failed to guarantee existence of topic p0: Number of partitions must be larger than 0\./,
  );
  // Slow work per row over 20,000 rows: stopped by the time budget, never blocking the others.
  const slow = "SELECT ID FROM S WHERE LPAD(V, 1000000, 'x') LIKE '%y%';";
  const t1 = performance.now();
  expect(await outcome(hostile.execute(slow))).toMatch(/Pull query stopped: it ran past its time budget of 1500 ms after reading \d+ records/);
  expect(performance.now() - t1).toBeLessThan(5000);
  // The same inside a script, after another statement: still sliced, still budgeted.
  expect(await outcome(hostile.execute(`SHOW STREAMS; ${slow}`))).toMatch(/time budget of 1500 ms/);
  // CUBE_EXPLODE of 40 elements would be 2^40 rows.
  expect(await outcome(hostile.execute(`SELECT CUBE_EXPLODE(ARRAY[${Array.from({ length: 40 }, (_, i) => i).join(',')}]) FROM S LIMIT 1;`))).not.toBe('ok');
  expect((await hostile.execute("SELECT LPAD('a', 2000000000, 'b') FROM S LIMIT 1;")).rows).toEqual([[null]]);
}
