// A push query over HTTP whose client stops reading: the server holds at most --max-unread of
// replies for it, then cuts it off (and says why in its log), as it does a line-protocol client,
// while a client beside it keeps getting its rows.

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EddyClient } from '../../../src/server/client.js';
import { CLICKS, start, until } from '../helpers.js';

describe('HTTP push query, client not reading', () => {
  it('is cut off past --max-unread, its connection closed; a reading client beside it gets every row', async () => {
    const { server, port } = await start({ httpPort: 0, limits: { maxBufferedBytes: 256 * 1024 } });
    const http = server.httpAddress!.port;
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(CLICKS);

    const slow = connect({ host: '127.0.0.1', port: http });
    let got = '';
    slow.setEncoding('utf8');
    slow.on('data', (d: string) => (got += d));
    const closed = new Promise<void>((r) => slow.on('close', () => r()));
    slow.on('error', () => {});
    const body = JSON.stringify({ sql: 'SELECT U, P FROM CLICKS EMIT CHANGES;' });
    slow.write(`POST /query-stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await until(() => got.includes('columnNames'));
    slow.pause(); // stops reading: the kernel's buffers fill, then the server's

    const fast = await EddyClient.connect('127.0.0.1', port);
    const q = fast.query('SELECT U FROM CLICKS EMIT CHANGES;');
    await q.columns;
    const total = 8000;
    let seen = 0;
    const reading = (async () => {
      for await (const _ of q) if (++seen === total) q.cancel();
    })();
    const page = 'p'.repeat(2000); // 16 MB of rows in all: far past the kernel's buffers and the cap
    for (let i = 0; i < total; i += 200)
      await admin.insert(
        'CLICKS',
        Array.from({ length: 200 }, (_, k) => ({ U: `u${i + k}`, P: page })),
      );
    await reading;
    expect(seen).toBe(total);

    await until(() => server.disconnects.length > 0);
    expect(server.disconnects).toEqual([
      expect.objectContaining({ client: expect.stringMatching(/^http 127\.0\.0\.1:\d+$/), reason: expect.stringMatching(/client is not reading: more than 262144 bytes/) }),
    ]);
    // Its push query is gone (the reading client's has been cancelled), and so is its session:
    // only the two line clients remain.
    await until(() => server.eddy.state.pushQueries.size === 0 && server.clientCount === 2);
    // What it had not read is all it gets: then the server's end of the connection is closed.
    slow.resume();
    await closed;
    expect(got.length).toBeLessThan(total * page.length);
    admin.close();
    fast.close();
  }, 60_000);
});
