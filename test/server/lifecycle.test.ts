// Real `eddy server` processes: SIGTERM finishes, commits, tells clients and exits 0; a restart
// over the same data directory resumes every persistent query with no loss and no duplicate,
// after a clean stop and after SIGKILL alike.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { CLICKS, raw, sleep, spawnServer, type ServerProcess } from './helpers.js';

const dirs: string[] = [];
const children: ServerProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function server(dir: string, ...args: string[]): Promise<ServerProcess> {
  const s = await spawnServer(['--data', dir, ...args]);
  children.push(s);
  return s;
}

const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ U: `u${(from + i) % 7}`, P: `p${from + i}` }));

/** Polls a pull query until it returns `n` rows (the persistent query has caught up). */
async function pullUntil(c: EddyClient, sql: string, n: number): Promise<unknown[][]> {
  let got: unknown[][] = [];
  for (let i = 0; i < 200; i++) {
    got = (await c.execute(sql)).rows;
    if (got.length >= n) return got;
    await sleep(50);
  }
  return got;
}

async function setUp(port: number, token?: string): Promise<EddyClient> {
  const c = await EddyClient.connect('127.0.0.1', port, token ? { token } : {});
  await c.execute("SET 'auto.offset.reset' = 'earliest';");
  await c.execute(CLICKS);
  await c.execute('CREATE STREAM COPIED AS SELECT U, P FROM CLICKS;');
  await c.execute('CREATE TABLE PER_USER AS SELECT U, COUNT(*) AS N FROM CLICKS GROUP BY U;');
  return c;
}

describe('lifecycle (real server processes)', () => {
  // One data directory through three processes (each start costs seconds on a busy machine):
  // SIGTERM, a restart that resumes, SIGKILL mid-ingest, a restart that produces each row once.
  it('SIGTERM ends push queries with reason shutdown, says goodbye, exits 0; restarts resume with no loss or duplicate, after SIGKILL too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-server-'));
    dirs.push(dir);
    // Also the CLI's own options: loopback by default, and a token that must come first.
    let srv = await server(dir, '--token', 'tok');
    expect(srv.host).toBe('127.0.0.1');
    const intruder = await raw(srv.port);
    intruder.send('AUTH wrong');
    await intruder.closed;
    expect(intruder.lines.at(-1)).toMatchObject({ type: 'bye', reason: 'authentication failed' });
    await expect(EddyClient.connect('127.0.0.1', srv.port)).rejects.toThrow(/requires a token/);

    let c = await setUp(srv.port, 'tok');
    const live = c.query('SELECT P FROM COPIED EMIT CHANGES;');
    await live.columns;
    await c.insert('CLICKS', rows(0, 50));
    let seen = 0;
    const reading = (async () => {
      for await (const _ of live) seen++;
    })();
    while (seen < 50) await sleep(10);
    // The signal arrives with rows not yet batched: they must be processed after the restart.
    await c.insert('CLICKS', rows(50, 100));
    const closed = c.closed();
    srv.child.kill('SIGTERM');
    expect(await srv.exited).toBe(0);
    await reading;
    expect(await live.end).toBe('shutdown');
    expect(await closed).toMatch(/shutting down \(SIGTERM\)/);

    srv = await server(dir, '--token', 'tok');
    c = await EddyClient.connect('127.0.0.1', srv.port, { token: 'tok' });
    expect((await c.execute('SHOW QUERIES;')).rows.map((r) => r[0]).sort()).toEqual(['CSAS_COPIED_0', 'CTAS_PER_USER_1']);
    await c.insert('CLICKS', rows(100, 150));
    const copied = await pullUntil(c, 'SELECT P FROM COPIED;', 150);
    expect(copied.map((r) => r[0])).toEqual(rows(0, 150).map((r) => r.P));
    await sleep(200);
    const counts = (await c.execute('SELECT U, N FROM PER_USER;')).rows;
    expect(counts.reduce((s, r) => s + Number(r[1]), 0)).toBe(150);

    // Now killed outright while rows stream in.
    let sent = 150;
    const ingest = (async () => {
      try {
        for (; sent < 100_000; sent += 20) await c.insert('CLICKS', rows(sent, sent + 20));
      } catch {
        // the server died under us
      }
    })();
    while (sent < 550) await sleep(5);
    srv.child.kill('SIGKILL');
    await ingest;
    await srv.exited;

    srv = await server(dir, '--token', 'tok');
    c = await EddyClient.connect('127.0.0.1', srv.port, { token: 'tok' });
    const input = (await c.execute('SELECT P FROM CLICKS;')).rows.map((r) => r[0]);
    expect(input.length).toBeGreaterThanOrEqual(550);
    expect(input.slice(0, 150)).toEqual(rows(0, 150).map((r) => r.P));
    const copiedAfterKill = await pullUntil(c, 'SELECT P FROM COPIED;', input.length);
    expect(copiedAfterKill.map((r) => r[0])).toEqual(input);
    await sleep(200);
    const countsAfterKill = (await c.execute('SELECT U, N FROM PER_USER;')).rows;
    expect(countsAfterKill.reduce((s, r) => s + Number(r[1]), 0)).toBe(input.length);
    c.close();
    srv.child.kill('SIGTERM');
    expect(await srv.exited).toBe(0);
  }, 90_000);
});
