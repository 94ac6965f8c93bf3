// The socket source: a stream that connects, as a client, to a server that sends lines (what
// Spark's socket stream reads, e.g. from `nc -lk 9999`), observed end to end over the protocol.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { start, stopServers, until } from './helpers.js';

interface Feed {
  readonly server: Server;
  /** The connections the feed accepted that are still open. */
  readonly open: Set<Socket>;
  /** How many connections it has accepted in all. */
  accepted: number;
}

const feeds: Feed[] = [];
// vitest runs this hook before the helpers' one, so close the engines here first: net.Server
// close() waits for every accepted connection, and the socket connectors hold those open until
// their engine closes. A connector that leaves its socket open after that fails the test.
afterEach(async () => {
  await stopServers();
  const leaked: number[] = [];
  for (const f of feeds.splice(0)) {
    const closed = new Promise((r) => f.server.close(r));
    const timedOut = await Promise.race([closed.then(() => false), new Promise((r) => setTimeout(r, 2000)).then(() => true)]);
    if (timedOut) {
      leaked.push(f.open.size);
      for (const s of f.open) s.destroy();
      await closed;
    }
  }
  if (leaked.length) throw new Error(`socket connector left ${leaked.join(', ')} connection(s) open after its engine closed`);
});

function track(server: Server, onClient: (s: Socket) => void): Feed {
  const open = new Set<Socket>();
  const feed: Feed = { server, open, accepted: 0 };
  server.on('connection', (s) => {
    feed.accepted++;
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
    onClient(s);
  });
  feeds.push(feed);
  return feed;
}

/** A line server like `nc -lk`: hands each connecting client to `onClient`. */
async function lineServer(onClient: (s: Socket) => void, port = 0): Promise<Feed & { port: number }> {
  const feed = track(createServer(), onClient);
  await new Promise<void>((r) => feed.server.listen(port, '127.0.0.1', r));
  return Object.assign(feed, { port: (feed.server.address() as AddressInfo).port });
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
  it('reads JSON lines from host:port; bad lines go to the processing log and the stream goes on', async () => {
    const { port: feedPort } = await lineServer((s) => {
      s.write('{"ID": 1, "ITEM": "apple"}\n{"ID": 2, "ITEM": "pear"}\r\nnot json\n{"ID": 3, "IT');
      setTimeout(() => s.write('EM": "fig"}\n'), 50);
    });
    const { port } = await start({ access: { connect: ['127.0.0.1:*'] } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(`CREATE STREAM ORDERS (ID INT KEY, ITEM STRING) WITH (source='socket', host='127.0.0.1', port=${feedPort}, kafka_topic='orders', value_format='JSON');`);
    expect(await collect(c, 'SELECT ID, ITEM FROM ORDERS EMIT CHANGES;', 3)).toEqual([
      [1, 'apple'],
      [2, 'pear'],
      [3, 'fig'],
    ]);
    const log = await c.execute('SELECT REASON FROM PROCESSING_LOG;');
    expect(log.rows.some((r) => /socket connector for ORDERS: line 3/.test(String(r[0])))).toBe(true);
    c.close();
  });

  it('skips a line over 16 MiB to its end (a processing-log entry) and reads the next', async () => {
    const { port: feedPort } = await lineServer((s) => {
      void (async () => {
        s.write('{"ID": 1, "ITEM": "before"}\n{"ID": 2, "ITEM": "');
        const piece = Buffer.alloc(1024 * 1024, 'x');
        // 17 MiB of one line, written as the socket takes it.
        for (let i = 0; i < 17; i++) if (!s.write(piece)) await new Promise((r) => s.once('drain', r));
        s.write('"}\n{"ID": 3, "ITEM": "after"}\n');
      })();
    });
    const { port } = await start({ access: { connect: ['127.0.0.1:*'] } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(`CREATE STREAM ORDERS (ID INT KEY, ITEM STRING) WITH (source='socket', host='127.0.0.1', port=${feedPort}, kafka_topic='orders', value_format='JSON');`);
    expect(await collect(c, 'SELECT ID, ITEM FROM ORDERS EMIT CHANGES;', 2)).toEqual([
      [1, 'before'],
      [3, 'after'],
    ]);
    const log = await c.execute('SELECT REASON FROM PROCESSING_LOG;');
    expect(log.rows.map((r) => String(r[0])).filter((r) => /line 2: line over 16777216 bytes; skipped to its end/.test(r))).toHaveLength(1);
    c.close();
  }, 30_000);

  it('reads DELIMITED lines and reconnects when the sender hangs up', async () => {
    let connections = 0;
    const { port: feedPort } = await lineServer((s) => {
      connections++;
      if (connections === 1) s.end('1,apple\n2,pear\n');
      else s.write('3,fig\n');
    });
    const { port, server } = await start({ access: { connect: ['127.0.0.1:*'] } });
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
    const { port } = await start({ access: { connect: ['127.0.0.1:*'] } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await expect(c.execute("CREATE STREAM NOPORT (V STRING) WITH (source='socket', kafka_topic='np', value_format='JSON');")).rejects.toThrow(/needs port/);
    expect((await c.execute('SHOW STREAMS;')).rows.map((r) => r[0])).not.toContain('NOPORT');
    // Find a free port, then start the sender on it only after the stream exists.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const feedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await c.execute(`CREATE STREAM LATE_FEED (V STRING) WITH (source='socket', host='127.0.0.1', port=${feedPort}, kafka_topic='late', value_format='JSON');`);
    await lineServer((s) => s.write('{"V": "hello"}\n'), feedPort);
    expect(await collect(c, 'SELECT V FROM LATE_FEED EMIT CHANGES;', 1)).toEqual([['hello']]);
    c.close();
  });

  it('closes its socket when the stream is dropped, and a replaced definition does not leave the old one open', async () => {
    const feed = await lineServer((s) => s.write('{"V": "x"}\n'));
    const { port } = await start({ access: { connect: ['127.0.0.1:*'] } });
    const c = await EddyClient.connect('127.0.0.1', port);
    const ddl = (topic: string) => `CREATE OR REPLACE STREAM FEED (V STRING) WITH (source='socket', host='127.0.0.1', port=${feed.port}, kafka_topic='${topic}', value_format='JSON');`;
    await c.execute(ddl('feed'));
    await until(() => feed.open.size === 1);
    await c.execute(ddl('feed'));
    await until(() => feed.open.size === 1 && feed.accepted === 2);
    await c.execute('DROP STREAM FEED;');
    await until(() => feed.open.size === 0);
    // Dropped for good: no reconnection after the retry delay.
    await new Promise((r) => setTimeout(r, 700));
    expect(feed.open.size).toBe(0);
    c.close();
  });
});
