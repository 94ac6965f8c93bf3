// A PostgreSQL client that keeps sending while its push query runs (which it does until
// cancelled, so nothing sent behind it can run): the server keeps reading, so it would notice the
// client leave, and cuts it off with a FATAL error once more than --max-unread waits, instead of
// queuing all it sends; another client is answered meanwhile.

import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { CLICKS, start, until } from './helpers.js';

const MIB = 1024 * 1024;

/** A simple-protocol Query message. */
function query(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const b = Buffer.alloc(5 + text.length);
  b.write('Q', 0, 'latin1');
  b.writeInt32BE(4 + text.length, 1);
  text.copy(b, 5);
  return b;
}

/** A StartupMessage (protocol 3.0) for user eddy, as psql sends it first. */
function startup(): Buffer {
  const params = Buffer.from('user\0eddy\0database\0eddy\0\0', 'latin1');
  const b = Buffer.alloc(8 + params.length);
  b.writeInt32BE(8 + params.length, 0);
  b.writeInt32BE(196608, 4);
  params.copy(b, 8);
  return b;
}

describe('PostgreSQL protocol: a client that sends while its push query runs', () => {
  it('is cut off with a FATAL error past --max-unread of waiting messages; another client is answered', async () => {
    const { server, port } = await start({ pgPort: 0 });
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(CLICKS);
    const flood: Socket = connect({ host: '127.0.0.1', port: server.pgAddress!.port });
    flood.on('error', () => {});
    let got = '';
    flood.on('data', (d: Buffer) => (got += d.toString('latin1')));
    const closed = new Promise<void>((r) => flood.on('close', () => r()));
    await new Promise<void>((r) => flood.once('connect', () => r()));
    flood.write(startup());
    await until(() => got.includes('Z')); // ReadyForQuery
    flood.write(query('SELECT U FROM CLICKS EMIT CHANGES;'));
    await until(() => server.eddy.state.pushQueries.size === 1);
    // 128 MiB of 64 KiB queries behind it: none of them could run before the push query ends.
    const one = query(`SELECT 1; -- ${'x'.repeat(64 * 1024 - 30)}`);
    const total = 128 * MIB;
    const writing = (async () => {
      for (let sent = 0; sent < total && !flood.destroyed; sent += one.length) {
        if (!flood.write(one)) await new Promise<void>((r) => (flood.once('drain', r), flood.once('close', r)));
      }
    })();
    // Beside it, the server answers.
    const c = new pg.Client({ host: '127.0.0.1', port: server.pgAddress!.port, user: 'eddy', database: 'eddy' });
    c.on('error', () => {});
    await c.connect();
    const t = performance.now();
    const res = await c.query('SHOW STREAMS;');
    expect(performance.now() - t).toBeLessThan(1000);
    expect(res.rows.map((r: Record<string, unknown>) => Object.values(r)[0])).toContain('CLICKS');
    await c.end();
    await closed;
    await writing;
    expect(got).toContain('FATAL');
    expect(got).toContain('53400');
    expect(got).toContain(`more than ${8 * MIB} bytes of messages sent while a push query runs`);
    expect(server.eddy.state.pushQueries.size).toBe(0);
    admin.close();
  }, 60_000);
});
