// A throw-away PostgreSQL cluster for the sink tests: Debian's postgresql binaries (initdb into a
// temporary directory, pg_ctl start on a free loopback port with its socket in that directory),
// run as the `postgres` user when the tests run as root (PostgreSQL refuses root). A watchdog
// stops it if the test process dies without stopping it. Without the binaries the tests skip
// with a loud message — except under CI=true, where that fails (.ci/run installs postgresql).

import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../kafka/broker-setup.js';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Run SQL through psql (an independent reader); returns its unaligned, tuples-only output. */
  psql(sql: string): string;
  stop(): void;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : undefined;
}

function skip(reason: string): undefined {
  const msg = `\n${'!'.repeat(78)}\n!! PostgreSQL sink tests SKIPPED: ${reason} (apt-get install -y postgresql).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
  return undefined;
}

export async function startPostgres(): Promise<PostgresServer | undefined> {
  const bin = binDir();
  if (!bin) return skip('the postgresql binaries are not installed');
  if (spawnSync('sh', ['-c', 'command -v psql']).status !== 0) return skip('psql is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pg-'));
  let ids: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0) return skip('running as root and there is no postgres user to run the server as');
    ids = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    spawnSync('chown', [`${ids.uid}:${ids.gid}`, dir]);
    chmodSync(dir, 0o755);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  // Not execFileSync: initdb takes a minute under load, and a vitest worker blocked that long
  // misses its runner's replies ("Timeout calling onTaskUpdate") and fails the whole run.
  const run = (cmd: string, args: string[]) => promisify(execFile)(join(bin, cmd), args, { ...(ids ?? {}), timeout: 120_000 });
  const stop = (): void => {
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore', ...(ids ?? {}) });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('initdb', ['-D', data, '-A', 'trust', '-U', 'eddy', '--no-sync', '-E', 'UTF8']);
    // fsync off: the tests crash Eddy, not the server, and a synced commit costs the shared disk.
    await run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`, 'start']);
  } catch (e) {
    stop();
    const err = e as { stderr?: string; message: string };
    throw new Error(`PostgreSQL did not start: ${err.stderr || err.message}`);
  }
  // Stops the cluster if this process goes away without calling stop() (a killed test run).
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null && [ -d '${data}' ]; do sleep 1; done; [ -d '${data}' ] && ${ids ? `su postgres -s /bin/sh -c "${join(bin, 'pg_ctl')} -D '${data}' -m immediate stop"` : `'${join(bin, 'pg_ctl')}' -D '${data}' -m immediate stop`}; rm -rf '${dir}'`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  const env = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'eddy', PGDATABASE: 'postgres' };
  return {
    host: '127.0.0.1',
    port,
    user: 'eddy',
    database: 'postgres',
    psql: (sql) => execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { env, encoding: 'utf8' }),
    stop: () => {
      stop();
      watchdog.kill();
    },
  };
}
