// A crash at any step of TERMINATE, DROP or CREATE OR REPLACE leaves the catalog either before or
// after the statement, and restarts never re-run its destructive steps: a real child process runs
// the statement and SIGKILLs itself at each step it reaches (EDDY_FAULT), a restart finishes the
// work (running the statement again if it had not committed) and the outputs, after more input
// and more restarts, must equal an uninterrupted run's — 0 lost, 0 doubled.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScript } from '../bundled-script.js';
import { CASES, insertInputs, openAt, setUp, type DdlCase, type OffsetReset } from './fixtures/ddl-scenario.js';

const WORKER = join(__dirname, 'fixtures', 'ddl-worker.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-ddl-fault-'));
  dirs.push(d);
  return d;
}

/** The DDL in a child process (asynchronously: the test worker must keep answering vitest). */
async function runDdl(dir: string, c: DdlCase, reset: OffsetReset, env: Record<string, string>): Promise<{ killed: boolean; points: string[] }> {
  const worker = await bundledScript(WORKER);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, dir, c.name, reset], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && !out.includes('DONE')) reject(new Error(`worker failed (${code} ${signal}): ${err}`));
      else resolve({ killed: signal === 'SIGKILL', points: [...err.matchAll(/^FAULT-POINT (\S+)$/gm)].map((m) => m[1]!) });
    });
  });
}

/** A turn of the event loop, so that vitest hears from this worker between long synchronous steps. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Restart (re-running the DDL if it had not committed), feed more input across two more restarts, and read every output. */
function finish(dir: string, c: DdlCase, reset: OffsetReset) {
  let eddy = openAt(dir, reset);
  if (!c.tookEffect(eddy)) eddy.execute(c.ddl);
  insertInputs(eddy, 10, 5);
  eddy.runUntilIdle();
  eddy.close();
  for (const from of [15, 17]) {
    eddy = openAt(dir, reset);
    insertInputs(eddy, from, 2);
    eddy.runUntilIdle();
    eddy.close();
  }
  eddy = openAt(dir, reset);
  eddy.runUntilIdle();
  const read = (t: string) => eddy.readTopic(t).map((r) => `${r.key?.toString('hex')}=${r.value?.toString()}`);
  const table = eddy.state.catalog.get('COUNTS') ? eddy.execute('SELECT * FROM COUNTS;')[0] : undefined;
  const out = { copied: read('COPIED'), counts: read('COUNTS'), table: table?.kind === 'rows' ? table.rows : null, queries: [...eddy.state.queries.keys()] };
  eddy.close();
  return out;
}

// Every statement with earliest; the in-place upgrades with latest too (where a wipe loses the aggregate).
const RUNS = [...CASES.map((c) => [c.name, 'earliest', c] as const), ...CASES.filter((c) => c.name.startsWith('CREATE OR REPLACE')).map((c) => [c.name, 'latest', c] as const)];

describe('a crash inside a DDL statement', () => {
  it.each(RUNS)(
    '%s (auto.offset.reset=%s): killed at each of its steps, the outputs equal an uninterrupted run',
    async (_, reset, c) => {
      const base = tempDir();
      setUp(base, reset);
      const clean = tempDir();
      cpSync(base, clean, { recursive: true });
      const { killed, points } = await runDdl(clean, c, reset, { EDDY_FAULT_TRACE: '1' });
      await turn();
      expect(killed).toBe(false);
      expect(points).toContain('ddl.before-commit');
      if (c.name !== 'CREATE OR REPLACE STREAM' && c.name !== 'CREATE OR REPLACE TABLE') expect(points).toContain('terminate.offsets-deleted');
      const expected = finish(clean, c, reset);
      // Sanity of the uninterrupted run itself: every input counted once.
      if (c.name !== 'DROP TABLE') expect((expected.table ?? []).length).toBe(3);
      if (c.name.startsWith('CREATE OR REPLACE')) expect(expected.copied.length).toBe(19);

      const seen = new Map<string, number>();
      const faults = points.map((p) => {
        const n = (seen.get(p) ?? 0) + 1;
        seen.set(p, n);
        return `${p}#${n}`;
      });
      // Two children at a time: each is mostly start-up.
      for (let i = 0; i < faults.length; i += 2) {
        const pair = faults.slice(i, i + 2).map((fault) => {
          const dir = tempDir();
          cpSync(base, dir, { recursive: true });
          return { fault, dir, run: runDdl(dir, c, reset, { EDDY_FAULT: fault }) };
        });
        for (const { fault, dir, run } of pair) {
          expect((await run).killed, `killed at ${fault}`).toBe(true);
          await turn();
          expect(finish(dir, c, reset), `killed at ${fault}`).toEqual(expected);
        }
      }
    },
    900_000,
  );
});
