// A client that sends a line that never ends, over the line protocol and over HTTP's
// /inserts-stream: it gets an error in its protocol's shape and is disconnected once the line
// passes the cap (1 MiB by default), while a client connected at the same time is answered
// promptly. And the text of a line whose UTF-8 character is split between two reads stays whole.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { CLICKS, raw, sleep, spawnServer, start, until } from './helpers.js';
import { curl, hasCurl } from './http/http-helpers.js';

const MIB = 1024 * 1024;
/** What the hostile client streams: five times the default cap, in 64 KiB writes. */
const FLOOD_BYTES = 5 * MIB;
const PIECE = Buffer.alloc(64 * 1024, 'x');

/** Writes `FLOOD_BYTES` of `PIECE`s as fast as the socket takes them (each through `write`: an HTTP chunk, say); stops when it closes. */
async function flood(socket: Socket, write: (piece: Buffer) => boolean = (b) => socket.write(b)): Promise<number> {
  let sent = 0;
  while (sent < FLOOD_BYTES && !socket.destroyed && socket.writable) {
    const more = write(PIECE);
    sent += PIECE.length;
    if (!more) await new Promise<void>((r) => (socket.once('drain', r), socket.once('close', r)));
  }
  return sent;
}

/** Runs `run` every 20 ms until `stop`, returning the slowest answer's time in ms. */
async function worstLatency(run: () => Promise<unknown>, stop: Promise<unknown>): Promise<{ worst: number; answers: number }> {
  let done = false;
  void stop.then(() => (done = true));
  let worst = 0;
  let answers = 0;
  while (!done) {
    const t = performance.now();
    await run();
    worst = Math.max(worst, performance.now() - t);
    answers++;
    await sleep(20);
  }
  return { worst, answers };
}

describe('line protocol: an endless line', () => {
  it('gets an error and a goodbye and is disconnected at the cap; a client beside it is answered promptly', async () => {
    const { port, server } = await start();
    const other = await EddyClient.connect('127.0.0.1', port);
    await other.execute(CLICKS);
    const hostile = await raw(port);
    hostile.socket.on('error', () => {}); // writes after the server hung up
    const flooding = flood(hostile.socket);
    const { worst, answers } = await worstLatency(() => other.execute('SHOW STREAMS;'), hostile.closed);
    await hostile.closed;
    await flooding;
    expect(hostile.lines).toEqual([
      expect.objectContaining({ type: 'welcome' }),
      { type: 'error', message: `request line over ${MIB} bytes` },
      { type: 'bye', reason: `request line over ${MIB} bytes` },
    ]);
    expect(server.disconnects.map((d) => d.reason)).toEqual([`request line over ${MIB} bytes`]);
    // The other client was answered all along (generous bound: the machine is shared).
    expect(answers).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1000);
    expect((await other.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('CLICKS');
    other.close();
  }, 60_000);

  it('eddy server --max-line: takes a line of exactly the cap, refuses one byte more', async () => {
    const cap = 4096;
    const proc = await spawnServer(['--max-line', String(cap)]);
    const t = await raw(proc.port);
    const head = 'q SHOW STREAMS; -- ';
    t.socket.write(`${head}${'y'.repeat(cap - head.length)}\r\n`);
    await until(() => t.lines.some((l) => l.id === 'q' && l.type === 'end'));
    t.socket.write(`${head}${'y'.repeat(cap - head.length + 1)}`);
    await t.closed;
    expect(t.lines.slice(-2)).toEqual([
      { type: 'error', message: `request line over ${cap} bytes` },
      { type: 'bye', reason: `request line over ${cap} bytes` },
    ]);
    await until(() => new RegExp(`disconnected .*: request line over ${cap} bytes`).test(proc.output()));
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 30_000);

  it('keeps a UTF-8 character whole when its bytes come in two reads', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(CLICKS);
    const t = await raw(port);
    const bytes = Buffer.from("i INSERT INTO CLICKS (U, P) VALUES ('é€😀', '/');\n", 'utf8');
    const cut = bytes.indexOf(Buffer.from('€')) + 1; // inside the euro sign
    t.socket.write(bytes.subarray(0, cut));
    await sleep(50); // two reads on the server, not one
    t.socket.write(bytes.subarray(cut));
    await until(() => t.lines.some((l) => l.id === 'i' && l.type === 'end'));
    let rows: unknown[][] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++, await sleep(20)) rows = (await c.execute('SELECT U FROM CLICKS;')).rows;
    expect(rows).toEqual([['é€😀']]);
    c.close();
    t.socket.end();
  });
});

/** A raw HTTP/1.1 request with a chunked body, as a streaming client sends it. */
interface RawHttp {
  readonly socket: Socket;
  /** Everything the server sent back. */
  text(): string;
  chunk(body: Buffer | string): boolean;
  readonly closed: Promise<void>;
}

function rawHttp(port: number, path: string): Promise<RawHttp> {
  return new Promise((resolve) => {
    let got = '';
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/vnd.ksqlapi.delimited.v1\r\n\r\n`);
      resolve({
        socket,
        text: () => got,
        chunk: (body) => {
          const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
          return socket.write(Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]));
        },
        closed,
      });
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', () => {});
  });
}

async function ksql(http: number, statement: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${http}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: statement }), headers: { 'Content-Type': 'application/vnd.ksql.v1+json' } });
  return { status: res.status, body: await res.text() };
}

describe('HTTP: an endless body or line', () => {
  it('POST /inserts-stream: gets a 400 generic_error and the connection is closed at the cap; a request beside it is answered promptly', async () => {
    const { server } = await start({ httpPort: 0 });
    const http = server.httpAddress!.port;
    expect((await ksql(http, CLICKS)).status).toBe(200);
    const hostile = await rawHttp(http, '/inserts-stream');
    hostile.chunk('{"target":"CLICKS"}\n');
    const flooding = flood(hostile.socket, hostile.chunk);
    const { worst, answers } = await worstLatency(() => ksql(http, 'SHOW STREAMS;'), hostile.closed);
    await hostile.closed;
    await flooding;
    expect(hostile.text()).toMatch(/^HTTP\/1\.1 400 /);
    expect(hostile.text()).toMatch(/connection: close/i);
    const body = hostile.text().slice(hostile.text().indexOf('\r\n\r\n') + 4);
    expect(body).toContain(`{"@type":"generic_error","error_code":40000,"message":"a line over ${MIB} bytes"}`);
    expect(answers).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1000);
    expect((await ksql(http, 'SHOW STREAMS;')).body).toContain('CLICKS');
  }, 60_000);

  it.skipIf(!hasCurl)('POST /inserts-stream over HTTP/2 (curl): a line over the cap gets the 400 on its stream', async () => {
    const { server } = await start({ httpPort: 0 });
    const http = server.httpAddress!.port;
    expect((await ksql(http, CLICKS)).status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'eddy-h2-'));
    const body = join(dir, 'body');
    writeFileSync(body, `{"target":"CLICKS"}\n${'x'.repeat(FLOOD_BYTES)}`);
    try {
      const r = await curl(['--http2-prior-knowledge', '-X', 'POST', '--data-binary', `@${body}`, `http://127.0.0.1:${http}/inserts-stream`]);
      expect(r.headers).toMatch(/^HTTP\/2 400/);
      expect(r.body.trim()).toBe(`{"@type":"generic_error","error_code":40000,"message":"a line over ${MIB} bytes"}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('POST /ksql: a body that never ends gets a 413 at the cap and the connection is closed', async () => {
    const { server } = await start({ httpPort: 0 });
    const http = server.httpAddress!.port;
    const hostile = await rawHttp(http, '/ksql');
    hostile.chunk('{"ksql": "');
    const flooding = flood(hostile.socket, hostile.chunk);
    const { worst, answers } = await worstLatency(() => ksql(http, 'SHOW STREAMS;'), hostile.closed);
    await hostile.closed;
    await flooding;
    expect(hostile.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(hostile.text()).toMatch(/connection: close/i);
    expect(hostile.text()).toContain(`request body over ${MIB} bytes`);
    expect(answers).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1000);
  }, 60_000);

  it('keeps a UTF-8 character whole when it is split between two body chunks', async () => {
    const { server, port } = await start({ httpPort: 0 });
    const http = server.httpAddress!.port;
    expect((await ksql(http, CLICKS)).status).toBe(200);
    const ins = await rawHttp(http, '/inserts-stream');
    ins.chunk('{"target":"CLICKS"}\n');
    const row = Buffer.from('{"U":"é€😀","P":"/"}\n', 'utf8');
    const cut = row.indexOf(Buffer.from('😀')) + 2; // inside the emoji's four bytes
    ins.chunk(row.subarray(0, cut));
    await sleep(50);
    ins.chunk(row.subarray(cut));
    ins.socket.write('0\r\n\r\n');
    await until(() => ins.text().includes('"status":"ok"'));
    const c = await EddyClient.connect('127.0.0.1', port);
    let rows: unknown[][] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++, await sleep(20)) rows = (await c.execute('SELECT U FROM CLICKS;')).rows;
    expect(rows).toEqual([['é€😀']]);
    c.close();
    ins.socket.end();
  });
});

describe('the client: a server that sends an endless line', () => {
  it("is hung up on once the line passes the client's cap, and the pending request fails with why", async () => {
    const peers = new Set<Socket>();
    const hostile = createServer((s) => {
      peers.add(s);
      s.on('error', () => {});
      s.write('{"type":"welcome","server":"eddy","auth":"none"}\n');
      s.once('data', () => void flood(s)); // answers the first request with 5 MiB and no newline
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    try {
      const c = await EddyClient.connect('127.0.0.1', (hostile.address() as AddressInfo).port, { maxLineBytes: MIB });
      await expect(c.execute('SHOW STREAMS;')).rejects.toThrow(`disconnected: the server sent a reply line over ${MIB} bytes`);
      expect(c.isClosed).toBe(true);
    } finally {
      for (const s of peers) s.destroy();
      await new Promise((r) => hostile.close(r));
    }
  });
});

describe('HTTP /inserts-stream: many rows at once', () => {
  it('acks every row in order when the body holds far more rows than it reads ahead (64)', async () => {
    const { server, port } = await start({ httpPort: 0 });
    const http = server.httpAddress!.port;
    expect((await ksql(http, CLICKS)).status).toBe(200);
    const n = 1000;
    const body = ['{"target":"CLICKS"}', ...Array.from({ length: n }, (_, i) => JSON.stringify({ U: `u${i}`, P: '/' }))].join('\n');
    const res = await fetch(`http://127.0.0.1:${http}/inserts-stream`, { method: 'POST', body });
    const acks = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; seq: number });
    expect(acks).toEqual(Array.from({ length: n }, (_, i) => ({ status: 'ok', seq: i })));
    const c = await EddyClient.connect('127.0.0.1', port);
    let count = 0;
    for (let i = 0; i < 200 && count < n; i++, await sleep(20)) count = (await c.execute('SELECT U FROM CLICKS;')).rows.length;
    expect(count).toBe(n);
    c.close();
  }, 30_000);
});
