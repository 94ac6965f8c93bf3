// One process per data directory: a second opener — server, shell or library — is refused with
// the directory and the holder's pid, and the lock of a SIGKILLed holder is taken over (real
// processes, a real data directory).
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from '../../src/runtime/data-dir-lock.js';
import { Eddy } from '../../src/runtime/engine.js';
import { cliScript } from '../bundled-script.js';
import { spawnServer } from '../server/helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `eddy …` as a child process, awaited (the test worker keeps answering vitest meanwhile). */
async function eddyCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cli = await cliScript();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('one process per data directory', () => {
  it('refuses a second server, shell and library, naming the directory and pid; takes over after a SIGKILL', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'eddy-lock-')));
    dirs.push(dir);
    const server = await spawnServer(['--data', dir]);
    const holder = server.child.pid!;
    try {
      let refused: unknown;
      try {
        Eddy.open({ dataDir: dir, autoStart: false }).close();
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as DataDirInUseError).pid).toBe(holder);
      expect((refused as Error).message).toContain(dir);

      const second = await eddyCli(['server', '--port', '0', '--data', dir]);
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`Data directory '${dir}' is in use by another Eddy process (pid ${holder})`);

      const shell = await eddyCli(['shell', '--data', dir, '-e', 'SHOW STREAMS;']);
      expect(shell.status).not.toBe(0);
      expect(shell.stdout + shell.stderr).toContain(`(pid ${holder})`);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }

    // The holder died without closing: its lock went with it.
    const eddy = Eddy.open({ dataDir: dir, autoStart: false });
    try {
      eddy.execute("CREATE STREAM S (V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
      const third = await eddyCli(['shell', '--data', dir, '-e', 'SHOW STREAMS;']);
      expect(third.status).not.toBe(0);
      expect(third.stdout + third.stderr).toContain(`(pid ${process.pid})`);
    } finally {
      eddy.close();
    }
    const after = await eddyCli(['shell', '--data', dir, '-o', 'csv', '-e', 'SHOW STREAMS;']);
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('S');
  }, 120_000);

  it('refuses a second instance in the same process until the first closes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-lock-'));
    dirs.push(dir);
    const first = Eddy.open({ dataDir: dir, autoStart: false });
    expect(() => Eddy.open({ dataDir: dir, autoStart: false })).toThrow(DataDirInUseError);
    first.close();
    Eddy.open({ dataDir: dir, autoStart: false }).close();
  });
});
