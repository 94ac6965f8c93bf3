// `eddy --ui`: the shell's embedded engine also serves the web console and the HTTP API on
// 127.0.0.1, the URL (with a fresh token in its fragment) on stderr. A real eddy process in -e
// mode, which keeps the console open after its statements until Ctrl+C (SIGINT).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDDY_BIN, ensureBuilt } from './build.js';
import { tempDir } from './helpers.js';

const SQL =
  "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=2); CREATE TABLE C AS SELECT K, COUNT(*) AS N FROM S GROUP BY K; INSERT INTO S (K, V) VALUES ('a', 1); INSERT INTO S (K, V) VALUES ('b', 2); INSERT INTO S (K, V) VALUES ('a', 3);";

describe('eddy --ui', () => {
  beforeAll(ensureBuilt, 180_000);

  it('serves the console and the API over the embedded engine until interrupted', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [EDDY_BIN, '--data', join(dir, 'data'), '--ui', '0', '-e', SQL], {
      env: { ...process.env, EDDY_HISTORY: join(dir, 'h') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await expect.poll(() => stderr, { timeout: 30_000 }).toContain('the console stays open until Ctrl+C');
      const m = /eddy console: (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))/.exec(stderr);
      expect(m, stderr).not.toBeNull();
      const base = `http://127.0.0.1:${m![2]}`;
      const auth = { Authorization: `Bearer ${m![3]}` };

      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Eddy console</title>');
      // Data wants the token; with it, the shell's engine answers.
      expect((await fetch(`${base}/topics`)).status).toBe(401);
      const topics = (await (await fetch(`${base}/topics`, { headers: auth })).json()) as { topics: { name: string; partitions: number; records: number }[] };
      expect(topics.topics.find((t) => t.name === 's')).toEqual(expect.objectContaining({ partitions: 2, records: 3 }));
      const shown = (await (await fetch(`${base}/ksql`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ ksql: 'SHOW QUERIES;' }) })).json()) as {
        queries: { id: string }[];
      }[];
      expect(shown[0]!.queries.map((q) => q.id)).toEqual(['CTAS_C_0']);
      await expect.poll(async () => ((await (await fetch(`${base}/queries/CTAS_C_0/progress`, { headers: auth })).json()) as { numInputRows: number }).numInputRows, { timeout: 10_000 }).toBe(3);
      expect((await fetch(`${base}/processing-log`, { headers: auth })).status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('refuses --ui with --connect', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [EDDY_BIN, '--connect', '127.0.0.1:1', '--ui', '-e', 'SHOW STREAMS;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).not.toBe(0);
    expect(stderr).toContain('--ui serves the embedded engine');
  });
});
