// A slow persistent query must not hold the server: against a real `eddy server` process over real
// TCP, a CSAS whose filter takes milliseconds per record runs through 1,500 records while another
// client asks SHOW QUERIES back to back. With the server's cycle time budget (--batch-max-ms,
// 250 ms by default) every answer comes within half a second; with the budget off (0) the same
// query holds that client for its whole batch. The output is the same either way.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { sleep, spawnServer, type ServerProcess } from '../server/helpers.js';
import { probe } from './reply-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'eddy-slow-'));
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

const RECORDS = 1_500;
const expected = Array.from({ length: RECORDS }, (_, i) => i).filter((i) => i % 7 === 0);

/** Run the slow query on a fresh server; the slowest SHOW QUERIES answer meanwhile, and the query's output. */
async function slowQuery(name: string, args: string[]): Promise<{ worstMs: number; answers: number; ids: number[] }> {
  const proc = await spawnServer(['--data', join(dir, name), ...args]);
  procs.push(proc);
  const [writer, victim, reader] = await Promise.all([0, 1, 2].map(() => EddyClient.connect('127.0.0.1', proc.port)));
  clients.push(writer!, victim!, reader!);
  await writer!.execute("SET 'auto.offset.reset'='earliest';");
  await writer!.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
  await writer!.insert(
    'S',
    Array.from({ length: RECORDS }, (_, i) => ({ ID: i, V: i % 7 === 0 ? 'y' : 'n' })),
  );
  const watch = probe(victim!, 'SHOW QUERIES;', 5);
  // A megabyte of padding per record, scanned by LIKE: 1.5–3 ms a record on this machine.
  await writer!.execute("CREATE STREAM OUT AS SELECT ID, V FROM S WHERE LPAD(V, 1048576, 'x') LIKE '%y%';");
  let ids: number[] = [];
  for (const end = Date.now() + 60_000; ids.length < expected.length && Date.now() < end; await sleep(200)) {
    ids = (await reader!.execute('SELECT ID FROM OUT;')).rows.map((r) => Number(r[0]));
  }
  await sleep(300); // a doubled record would show by now
  ids = (await reader!.execute('SELECT ID FROM OUT;')).rows.map((r) => Number(r[0]));
  return { ...(await watch.stop()), ids };
}

describe('a slow persistent query on a real server', () => {
  it('is cut into time-budgeted batches: other clients are answered meanwhile, and the output is that of whole batches', async () => {
    const budget = await slowQuery('budget', []);
    const whole = await slowQuery('whole', ['--batch-max-ms', '0']);
    console.log(
      `slow query, 250 ms budget: the other client's slowest answer ${budget.worstMs.toFixed(0)} ms (${budget.answers} answers); without a budget: ${whole.worstMs.toFixed(0)} ms (${whole.answers} answers)`,
    );
    expect(budget.worstMs).toBeLessThan(500);
    expect(whole.worstMs).toBeGreaterThan(1_000); // the failure this guards against: one batch of seconds (2.3 s measured)
    expect(budget.ids).toEqual(expected);
    expect(whole.ids).toEqual(expected);
  }, 90_000);
});
