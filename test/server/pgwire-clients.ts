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

export const jdbcTestable = (): boolean => testable('pgJDBC', () => existsSync(PGJDBC_JAR) && spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0, 'bash scripts/ci-deps.sh');

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

/** A psql run against a pgwire port, read as it prints; killed after 20 s. */
export interface Psql {
  readonly done: Promise<Run>;
  readonly stdout: () => string;
  interrupt(): void;
}

/**
 * psql against the pgwire port as user and database `eddy`, in a child process (so it does not
 * block an in-process server's event loop). psql's stdout into a pipe is block-buffered; on a
 * terminal it is line-buffered, which `stdbuf -oL` gives it with `lineBuffered`, so rows show as
 * psql gets them.
 */
export function spawnPsql(port: number, args: readonly string[], env: Record<string, string> = {}, lineBuffered = false): Psql {
  const [cmd, pre] = lineBuffered ? ['stdbuf', ['-oL', 'psql']] : ['psql', []];
  const child = spawn(cmd, [...pre, '-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'eddy', '-d', 'eddy', ...args], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '10', PGSSLMODE: 'prefer', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  // SIGINT to psql itself (stdbuf execs it, so the child is psql).
  return { done, stdout: () => stdout, interrupt: () => child.kill('SIGINT') };
}
