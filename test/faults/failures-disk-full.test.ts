// Disk full in a real process: the batch fails with SQLITE_FULL, rolls back, the query goes to
// ERROR and the process stays up; once there is space again the query resumes — in the same
// process, or after a kill while the disk was full — with every record once (0 lost, 0 doubled).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScript } from '../bundled-script.js';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';

const WORKER = join(import.meta.dirname, 'failures-disk-full.worker.ts');
const TOTAL = 2000;
const dirs: string[] = [];
afterAll(() => {
  killLiveWorkers();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-full-'));
  dirs.push(d);
  return join(d, 'data');
}

function lines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The sink of an uninterrupted run: every input id once, in order. */
const uninterrupted = Array.from({ length: TOTAL }, (_, i) => i);

/** The worker in 'ioerr' mode: on LIMIT its file-size limit drops to a few bytes (writes fail with EFBIG), on LIFT it is lifted. */
async function runWithFileSizeLimit(dir: string): Promise<string> {
  const worker = await bundledScript(WORKER);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, dir, 'ioerr'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    let out = '';
    let err = '';
    const limit = (soft: string) => spawnSync('prlimit', ['--pid', String(child.pid), `--fsize=${soft}:unlimited`]).status === 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const [ask, soft] of [
        ['LIMIT\n', '4096'],
        ['LIFT\n', 'unlimited'],
      ] as const) {
        if (d.includes(ask)) {
          if (!limit(soft)) reject(new Error('prlimit failed'));
          child.stdin.write('go\n');
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (out.includes('DONE')) resolve(out);
      else reject(new Error(`worker exited with ${code ?? signal}: ${err}`));
    });
  });
}

describe('a full disk', () => {
  it('fails the batch, puts the query in ERROR without crashing, and resumes once space is freed', async () => {
    const run = await runKillableWorker(WORKER, [dataDir(), 'recover'], undefined);
    expect(run.outcome).toBe('done');
    const [error, still, final] = lines(run.stdout) as [
      { error: { status: string; lastError: string }; logged: string[] },
      { stillError: { status: string }; lag: number },
      { ids: number[]; status: string; log: string[] },
    ];
    expect(error.error).toEqual({ status: 'ERROR', lastError: 'database or disk is full' });
    // Reported while the disk is full: held in memory, shown by the processing log.
    expect(error.logged.some((r) => /batch failed and rolled back.*database or disk is full/.test(r))).toBe(true);
    expect(still.stillError.status).toBe('ERROR');
    expect(still.lag).toBe(TOTAL / 2);
    expect(final.ids).toEqual(uninterrupted);
    expect(final.status).toBe('RUNNING');
    // What could not be written at the time reached the processing-log table afterwards.
    expect(final.log.some((r) => /database or disk is full/.test(r))).toBe(true);
    expect(final.log).toContain('the query recovered and runs again');
  }, 120_000);

  it('an I/O error (writes refused by a file-size limit) is contained the same way', async () => {
    const out = await runWithFileSizeLimit(dataDir());
    const [error, still, final] = lines(out) as [{ error: { status: string; lastError: string } }, { stillError: { status: string }; lag: number }, { ids: number[]; status: string; log: string[] }];
    expect(error.error).toEqual({ status: 'ERROR', lastError: 'disk I/O error' });
    expect(still.stillError.status).toBe('ERROR');
    expect(still.lag).toBe(TOTAL / 2);
    expect(final.ids).toEqual(uninterrupted);
    expect(final.status).toBe('RUNNING');
    expect(final.log.some((r) => /disk I\/O error/.test(r))).toBe(true);
  }, 120_000);

  it('a process killed while its disk is full resumes exactly on restart', async () => {
    const dir = dataDir();
    const stalled = await runKillableWorker(WORKER, [dir, 'stall'], 50);
    expect(stalled.outcome).toBe('killed');
    expect((lines(stalled.stdout)[0] as { error: { status: string } }).error.status).toBe('ERROR');
    const resumed = await runKillableWorker(WORKER, [dir, 'resume'], undefined);
    expect(resumed.outcome).toBe('done');
    const final = lines(resumed.stdout)[0] as { ids: number[]; status: string };
    expect(final.ids).toEqual(uninterrupted);
    expect(final.status).toBe('RUNNING');
  }, 120_000);
});
