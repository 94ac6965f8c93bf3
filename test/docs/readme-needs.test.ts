// The README blocks marked `<!-- needs: server -->` and `<!-- needs: postgres -->` run as written,
// as real processes: an `eddy server` on TCP and on PostgreSQL's protocol, the shell connected to
// it, and the PostgreSQL-sink walk-through against a throw-away PostgreSQL cluster. Three things
// are changed, and only these: the fixed ports (7878, 5433) become free ones, so a test never
// collides with whatever else listens here; libpq's and node-postgres' PGPORT points at the
// throw-away cluster (the block names no port: it means the default one); and the walk-through's
// `sleep 10` lasts until the sinks hold every click, as a loaded machine needs longer. The `needs: kafka` block is run by
// test/kafka/docs-kafka.test.ts, in the Kafka project.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliScript } from '../bundled-script.js';
import { freePort } from '../kafka/broker-setup.js';
import { startPostgres, type PostgresServer } from '../sinks/postgres-server.js';
import { readmeBlocks, ROOT, type CodeBlock } from './readme-blocks.js';

const work = mkdtempSync(join(tmpdir(), 'eddy-readme-needs-'));
const cli = await cliScript();
writeFileSync(join(work, 'eddy'), `#!/bin/sh\nexec "${process.execPath}" ${cli} "$@"\n`);
chmodSync(join(work, 'eddy'), 0o755);

const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
const marked = (need: string): CodeBlock => {
  const b = readmeBlocks().find((x) => lines[x.line - 2] === `<!-- needs: ${need} -->`);
  if (!b) throw new Error(`README.md has no block marked needs: ${need}`);
  return b;
};

let pg: PostgresServer | undefined;
// Each script runs in its own process group, so whatever it left in the background (a server of
// a script that failed half-way) goes with the group.
const groups: number[] = [];
afterAll(() => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pg?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sh(script: string, cwd: string, env: Record<string, string> = {}, timeoutMs = 120_000, shell = 'sh'): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(shell, ['-c', script], { cwd, env: { ...process.env, ...env, PATH: `${work}:${process.env['PATH'] ?? ''}` }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) groups.push(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(timed out after ${timeoutMs} ms)`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A command line of a block without its trailing `# comment`. */
const command = (line: string) => line.replace(/\s+# .*$/, '').trim();

describe('README.md: blocks that need a server or PostgreSQL, run as written', { timeout: 240_000 }, () => {
  it('needs: server — eddy server on TCP and PostgreSQL ports, the shell and psql connected to it', async () => {
    const block = marked('server');
    const cmds = block.code
      .split('\n')
      .filter((l) => l.trim())
      .map(command);
    expect(cmds).toEqual([
      'eddy server --port 7878 --data ./eddy-data',
      'eddy shell --connect 127.0.0.1:7878 [--token T]',
      'eddy server --pg-port 5433',
      'eddy server --pg-port 5433 --tls-cert server.pem --tls-key server.key',
    ]);
    const dir = mkdtempSync(join(work, 'server-'));
    const [tcp, pgPort, other, tlsPort, other2] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    // The servers run in the background for the length of the script; `[--token T]` is the
    // optional part of the synopsis, left out. The second server takes the default TCP port in the
    // README; here a free one, as two servers cannot share it.
    const script = [
      `${cmds[0]!.replace('7878', String(tcp))} > tcp.log 2>&1 & a=$!`,
      `${cmds[2]!.replace('5433', String(pgPort))} --port ${other} --data ./pg-data > pg.log 2>&1 & b=$!`,
      `for i in $(seq 100); do grep -q listening tcp.log && grep -q 'postgresql protocol' pg.log && break; sleep 0.1; done`,
      `echo "CREATE STREAM S (K INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1); SHOW STREAMS;" | ${cmds[1]!.replace('7878', String(tcp)).replace(' [--token T]', '')}`,
      `psql -X -h 127.0.0.1 -p ${pgPort} -A -t -c 'SELECT 1 + 1 AS two'`,
      // The TLS line, with a certificate made here (the README leaves where it comes from to you).
      `openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.pem -days 1 -subj /CN=127.0.0.1 2>/dev/null`,
      `${cmds[3]!.replace('5433', String(tlsPort))} --port ${other2} --data ./tls-data > tls.log 2>&1 & c=$!`,
      `for i in $(seq 100); do grep -q 'postgresql protocol' tls.log && break; sleep 0.1; done`,
      `psql -X "host=127.0.0.1 port=${tlsPort} sslmode=require" -A -t -c 'SELECT 2 + 1 AS three'`,
      'kill $a $b $c',
    ].join('\n');
    const r = await sh(script, dir);
    expect(r.code, `${r.stdout}\n${r.stderr}\n${readdirSync(dir).join(' ')}`).toBe(0);
    expect(r.stdout).toContain('Stream created');
    expect(r.stdout).toMatch(/│ S\s+│ s\s+│/);
    expect(r.stdout).toMatch(/^2$/m);
    expect(r.stdout).toMatch(/^3$/m);
  });

  it('needs: postgres — the sink walk-through: a datagen aggregate upserted into PostgreSQL, files written, psql reads it back', async () => {
    pg = await startPostgres();
    if (!pg) return;
    // The block connects as `postgres`, the role a Debian cluster has; the throw-away one was
    // made with `eddy`, so it gets a `postgres` role too.
    pg.psql('CREATE ROLE postgres SUPERUSER LOGIN');
    const block = marked('postgres');
    expect(block.code).toContain("sink='postgres'");
    expect(block.code).toContain('kill %1');
    const dir = mkdtempSync(join(work, 'pg-walk-'));
    const port = await freePort();
    // bash, as a reader types it: `kill %1` names the block's background server by its job number,
    // which POSIX sh without job control does not keep.
    // The block's `sleep 10` is a reader's pause for the 5,000 clicks (5 s at 1,000/s); a loaded
    // machine needs longer, so here the pause lasts until both sinks hold every click (at most 90 s).
    expect(block.code).toContain('sleep 10 && ');
    const settled =
      'for i in $(seq 180); do [ "$(psql -h 127.0.0.1 -U postgres -Atc \'SELECT coalesce(sum(views), 0) FROM page_views\' 2>/dev/null)" = 5000 ] && [ "$(cat clicks-out/*/*.json* 2>/dev/null | wc -l)" = 5000 ] && break; sleep 0.5; done; ';
    const r = await sh(block.code.replaceAll('7878', String(port)).replace('sleep 10 && ', settled), dir, { PGPORT: String(pg.port) }, 150_000, 'bash');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr).not.toMatch(/ERROR/);
    // SHOW SINKS lists both sinks; psql prints the five busiest pages.
    expect(r.stdout).toMatch(/PAGE_VIEWS/);
    expect(r.stdout).toMatch(/CLICK_FILES/);
    expect(r.stdout).toMatch(/\(5 rows\)/);
    // Every generated click was counted exactly once, and every click landed in a file.
    expect(pg.psql('SELECT sum(views) FROM page_views').trim()).toBe('5000');
    const files = spawnSync('sh', ['-c', 'cat clicks-out/*/*.json* 2>/dev/null | wc -l'], { cwd: dir, encoding: 'utf8' });
    expect(Number(files.stdout.trim())).toBe(5000);
  });
});
