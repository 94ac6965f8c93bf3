// Bounded memory and fair turns for the server, against a real `eddy server` process: clients
// that never read cannot make it hold more than the caps (per client and over all clients), an
// idle client is let go, a client flooding requests cannot delay another's reply, and a pull
// query's rows stream out instead of being built in memory. Peak RSS is the kernel's VmHWM.

import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { sleep, spawnServer, type ServerProcess } from '../server/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'eddy-memory-'));
const procs: ServerProcess[] = [];
const sockets: Socket[] = [];
const clients: EddyClient[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.close();
  for (const p of procs.splice(0)) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
});

const MiB = 1024 * 1024;

/** Resident set size now and at its peak, from /proc. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

async function boot(name: string, args: string[] = []): Promise<{ proc: ServerProcess; client: EddyClient }> {
  const proc = await spawnServer(['--data', join(dir, name), ...args]);
  procs.push(proc);
  const client = await EddyClient.connect('127.0.0.1', proc.port);
  clients.push(client);
  return { proc, client };
}

/** A stream S of `n` rows of about `width` bytes each. */
async function fill(c: EddyClient, n: number, width: number): Promise<void> {
  await c.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
  const per = Math.max(1, Math.floor((512 * 1024) / (width + 30)));
  for (let at = 0; at < n; at += per)
    await c.insert(
      'S',
      Array.from({ length: Math.min(per, n - at) }, (_, i) => ({ ID: at + i, V: 'v'.repeat(width) })),
    );
}

/** A raw socket that sends lines and never reads what comes back. */
function deaf(port: number, lines: string[]): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.pause(); // never read: what the server writes piles up on its side
      s.write(lines.map((l) => `${l}\n`).join(''));
      resolve(s);
    });
    s.on('error', () => {});
    sockets.push(s);
  });
}

describe('server memory and turns', () => {
  it('300 clients that never read stay under the per-client and server-wide caps (the defaults: 8 MiB, 256 MiB)', async () => {
    const { proc, client } = await boot('deaf');
    await fill(client, 40_000, 400); // a full pull of S is ~17 MB of replies
    const before = rss(proc.child.pid!);
    const port = proc.port;
    const deafs: Socket[] = [];
    for (let i = 0; i < 300; i++) deafs.push(await deaf(port, ['p1 SELECT * FROM S;', 'p2 SELECT * FROM S EMIT CHANGES;']));
    await client.insert(
      'S',
      Array.from({ length: 1000 }, (_, i) => ({ ID: 100_000 + i, V: 'w'.repeat(400) })),
    );
    await sleep(10_000);
    // The server still answers a reading client, promptly.
    const t = performance.now();
    expect((await client.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('S');
    const replyMs = performance.now() - t;
    const after = rss(proc.child.pid!);
    const grew = (after.peak - before.now) / MiB;
    const cut = proc
      .output()
      .split('\n')
      .filter((l) => /^disconnected .*(server-wide cap|client is not reading)/.test(l)).length;
    console.log(
      `300 non-reading clients (${cut} cut off by a cap): RSS ${(before.now / MiB).toFixed(0)} MB before, peak ${(after.peak / MiB).toFixed(0)} MB (+${grew.toFixed(0)} MB), now ${(after.now / MiB).toFixed(0)} MB; a reading client's reply took ${replyMs.toFixed(0)} ms`,
    );
    // Unbounded, 300 clients × (a 17 MB pull + a 0.4 MB push) would be over 5 GB: each pull
    // waits while its client has 2 MiB unread or all clients 128 MiB, the server-wide cap cuts the
    // largest holder past 256 MiB, and unread replies are held as Buffers (1 byte per byte
    // counted). The rest is the V8 heap (pull cursors, reply garbage written in 64 KiB pieces so it
    // dies young). Measured +227..+375 MB in all; the heap part grows with how many of the 300
    // clients the server has accepted within the 10 s (~85-115 on 2 busy cores) and is not capped
    // by design, so the bound leaves room for a machine that accepts more of them. (Each p2 push never
    // starts: its client's pull never ends, and requests run in order.)
    expect(grew).toBeLessThan(600);
    expect(replyMs).toBeLessThan(2000);
    expect(proc.child.exitCode).toBeNull();
  }, 120_000);

  it('past the server-wide cap on unread replies, the client holding the most is cut off', async () => {
    const { proc, client } = await boot('total', ['--max-unread-total', String(4 * MiB)]);
    await fill(client, 10, 400);
    // Push queries: a pull waits for its client (and for the total to fall), a push cannot.
    for (let i = 0; i < 20; i++) await deaf(proc.port, ['p SELECT * FROM S EMIT CHANGES;']);
    await sleep(500);
    for (let at = 0; at < 40_000; at += 1000)
      await client.insert(
        'S',
        Array.from({ length: 1000 }, (_, i) => ({ ID: at + i, V: 'w'.repeat(400) })),
      );
    const end = Date.now() + 30_000;
    while (!/server-wide cap on unread replies reached \(4194304 bytes over all clients\): this client held the most unread/.test(proc.output())) {
      if (Date.now() > end) throw new Error(`no client was cut off: ${proc.output()}`);
      await sleep(100);
    }
    expect((await client.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('S');
  }, 120_000);

  it('disconnects an idle client (no token needed), but not one with a push query running or one that talks', async () => {
    const { proc } = await boot('idle', ['--idle-timeout', '700']);
    const idle = await EddyClient.connect('127.0.0.1', proc.port);
    const pushing = await EddyClient.connect('127.0.0.1', proc.port);
    const talking = await EddyClient.connect('127.0.0.1', proc.port);
    clients.push(idle, pushing, talking);
    await pushing.execute("CREATE STREAM T (V STRING) WITH (kafka_topic='t', value_format='JSON', partitions=1);");
    const q = pushing.query('SELECT * FROM T EMIT CHANGES;');
    const goneIdle = idle.closed();
    for (let i = 0; i < 8; i++) {
      await sleep(250);
      await talking.execute('SHOW STREAMS;');
    }
    expect(await goneIdle).toMatch(/idle for 700 ms/);
    await talking.insert('T', [{ V: 'still here' }]);
    const it = q[Symbol.asyncIterator]();
    expect((await it.next()).value?.values).toEqual(['still here']);
    expect((await talking.execute('SHOW STREAMS;')).rows.length).toBeGreaterThan(0);
  }, 60_000);

  it('a client flooding requests does not delay another client’s reply', async () => {
    const { proc, client } = await boot('flood');
    await client.execute("CREATE STREAM F (V STRING) WITH (kafka_topic='f', value_format='JSON', partitions=1);");
    // 20,000 statements in one write, and never a read.
    const flood = await deaf(
      proc.port,
      Array.from({ length: 20_000 }, (_, i) => `f${i} INSERT INTO F (V) VALUES ('${'x'.repeat(40)}');`),
    );
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      await client.execute('SHOW STREAMS;');
      worst = Math.max(worst, performance.now() - t);
      await sleep(25);
    }
    const done = (await client.execute('SELECT * FROM F;')).rows.length;
    console.log(`flooding client (20,000 INSERTs in one write): the other client's worst reply ${worst.toFixed(0)} ms; ${done} of the inserts had run by the end`);
    expect(worst).toBeLessThan(1000); // 2.7 s before
    expect(done).toBeGreaterThan(0);
    flood.destroy();
  }, 60_000);

  it('a pull over 300,000 rows streams them: memory stays flat while a reader takes every row', async () => {
    const { proc, client } = await boot('pull');
    await fill(client, 300_000, 100);
    await sleep(500);
    const before = rss(proc.child.pid!);
    const reader = connect({ host: '127.0.0.1', port: proc.port });
    sockets.push(reader);
    let rows = 0;
    let tail = '';
    const ended = new Promise<string>((resolve) => {
      reader.setEncoding('utf8');
      reader.on('data', (d: string) => {
        const lines = (tail + d).split('\n');
        tail = lines.pop()!;
        for (const l of lines) {
          if (l.includes('"type":"row"')) rows++;
          else if (l.includes('"type":"end"') || l.includes('"type":"error"')) resolve(l);
        }
      });
    });
    reader.write('big SELECT * FROM S;\n');
    expect(await ended).toMatch(/"reason":"completed"/);
    expect(rows).toBe(300_000);
    const after = rss(proc.child.pid!);
    const grew = (after.peak - before.now) / MiB;
    console.log(`pull of 300,000 rows (~40 MB of replies): RSS ${(before.now / MiB).toFixed(0)} MB before, peak ${(after.peak / MiB).toFixed(0)} MB (+${grew.toFixed(0)} MB)`);
    expect(grew).toBeLessThan(150);
  }, 120_000);
});
