// Real PostgreSQL client libraries the pgwire suites drive as child processes: psycopg 3 (Python,
// from PyPI) and pgJDBC (Java, from Maven Central). Missing, a suite skips with a warning on a
// developer's machine and fails under CI=true, where .ci/run and scripts/ci-deps.sh install them.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PGJDBC_VERSION = '42.7.4';
export const PGJDBC_JAR = join(__dirname, '..', '..', '.cache', 'pgjdbc', `postgresql-${PGJDBC_VERSION}.jar`);

/** Whether the suite runs: the client is there, or CI insists (and then fails without it). */
function testable(name: string, present: () => boolean, install: string): boolean {
  if (process.env.CI === 'true' || present()) return true;
  console.warn(`SKIPPED: ${name} is not installed (${install}); under CI=true this fails instead`);
  return false;
}

export const psycopgTestable = (): boolean => testable('psycopg 3', () => spawnSync('python3', ['-c', 'import psycopg'], { stdio: 'ignore' }).status === 0, "python3 -m pip install 'psycopg[binary]'");

export const jdbcTestable = (): boolean =>
  testable('pgJDBC', () => existsSync(PGJDBC_JAR) && spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0, 'bash scripts/ci-deps.sh');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client program to its end (or kills it after `timeoutMs`). */
export function run(cmd: string, args: readonly string[], timeoutMs: number, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
