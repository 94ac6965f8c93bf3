// The socket source: a stream that connects, as a client, to a server that sends lines (what
// Spark's socket stream reads, e.g. from `nc -lk 9999`), observed end to end over the protocol.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { start, until } from './helpers.js';

const feeds: Server[] = [];
afterEach(async () => {
  for (const f of feeds.splice(0)) await new Promise((r) => f.close(r));
});

/** A line server like `nc -lk`: hands each connecting client to `onClient`. */
async function lineServer(onClient: (s: Socket) => void): Promise<number> {
  const f = createServer((s) => {
    s.on('error', () => {});
    onClient(s);
  });
  feeds.push(f);
  await new Promise<void>((r) => f.listen(0, '127.0.0.1', r));
  return (f.address() as AddressInfo).port;
}

async function collect(c: EddyClient, sql: string, n: number): Promise<unknown[][]> {
  const q = c.query(sql);
  const out: unknown[][] = [];
  for await (const r of q) {
    out.push(r.values);
    if (out.length === n) break;
  }
  return out;
}

describe('socket source', () => {
  it("reads JSON lines from host:port; bad lines go to the processing log and the stream goes on", async () => {
    const feedPort = await lineServer((s) => {
      s.write('{"ID": 1, "ITEM": "apple"}\n{"ID": 2, "ITEM": "pear"}\r\nnot json\n{"ID": 3, "IT');
      setTimeout(() => s.write('EM": "fig"}\n'), 50);
    });
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(`CREATE STREAM ORDERS (ID INT KEY, ITEM STRING) WITH (source='socket', host='127.0.0.1', port=${feedPort}, kafka_topic='orders', value_format='JSON');`);
    expect(await collect(c, 'SELECT ID, ITEM FROM ORDERS EMIT CHANGES;', 3)).toEqual([
      [1, 'apple'],
      [2, 'pear'],
      [3, 'fig'],
    ]);
    const log = await c.execute('SELECT MESSAGE FROM KSQL_PROCESSING_LOG;').catch(() => undefined);
    if (log) expect(log.rows.some((r) => /socket connector for ORDERS: line 3/.test(String(r[0])))).toBe(true);
    c.close();
  });

  it('reads DELIMITED lines and reconnects when the sender hangs up', async () => {
    let connections = 0;
    const feedPort = await lineServer((s) => {
      connections++;
      if (connections === 1) s.end('1,apple\n2,pear\n');
      else s.write('3,fig\n');
    });
    const { port, server } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(`CREATE STREAM ORDERS (ID INT KEY, ITEM STRING) WITH (source='socket', host='127.0.0.1', port=${feedPort}, kafka_topic='orders', value_format='DELIMITED');`);
    expect(await collect(c, 'SELECT ID, ITEM FROM ORDERS EMIT CHANGES;', 3)).toEqual([
      [1, 'apple'],
      [2, 'pear'],
      [3, 'fig'],
    ]);
    expect(connections).toBe(2);
    expect(server.eddy.readTopic('orders')).toHaveLength(3);
    c.close();
  });

  it('waits for a sender that is not up yet, and refuses a definition without a port', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await expect(c.execute("CREATE STREAM NOPORT (V STRING) WITH (source='socket', kafka_topic='np', value_format='JSON');")).rejects.toThrow(/needs port/);
    // Find a free port, then start the sender on it only after the stream exists.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const feedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await c.execute(`CREATE STREAM LATE_FEED (V STRING) WITH (source='socket', host='127.0.0.1', port=${feedPort}, kafka_topic='late', value_format='JSON');`);
    const f = createServer((s) => s.write('{"V": "hello"}\n'));
    feeds.push(f);
    await new Promise<void>((r) => f.listen(feedPort, '127.0.0.1', r));
    expect(await collect(c, 'SELECT V FROM LATE_FEED EMIT CHANGES;', 1)).toEqual([['hello']]);
    c.close();
  });
});
