// Network clients are confined: over a real `eddy server` process, statements that read the
// server's files or connect out are refused unless the server was started with an allowance, and
// then only inside it (no `..`, no symlink escape). Local use is unchanged.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { EddyClient } from '../../src/server/client.js';
import { cliScript } from '../bundled-script.js';
import { sleep, spawnServer, until, type ServerProcess } from '../server/helpers.js';

let base: string;
let allowed: string;
let secret: string;
const procs: ServerProcess[] = [];
const clients: EddyClient[] = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'eddy-confine-'));
  allowed = join(base, 'allowed');
  mkdirSync(allowed);
  secret = join(base, 'secret.json');
  writeFileSync(secret, '{"ID":1,"V":"top secret"}\n');
  writeFileSync(join(allowed, 'rows.json'), '{"ID":1,"V":"ok"}\n{"ID":2,"V":"fine"}\n');
  writeFileSync(join(allowed, 'script.sql'), "CREATE STREAM FROM_SCRIPT (V STRING) WITH (kafka_topic='fs', value_format='JSON', partitions=1);\n");
  symlinkSync(secret, join(allowed, 'link.json'));
  symlinkSync(base, join(allowed, 'up'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of procs.splice(0)) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
});

async function server(args: string[] = []): Promise<EddyClient> {
  const p = await spawnServer(args);
  procs.push(p);
  const c = await EddyClient.connect('127.0.0.1', p.port);
  clients.push(c);
  await c.execute('CREATE TABLE T (ID INT PRIMARY KEY, V STRING);');
  return c;
}

async function refusal(c: EddyClient, sql: string): Promise<string> {
  const err = await c.execute(sql).then(
    () => undefined,
    (e: Error) => e.message,
  );
  if (err === undefined) throw new Error(`not refused: ${sql}`);
  return err;
}

const rowsOf = async (c: EddyClient, sql: string) => (await c.execute(sql)).rows;

describe('a server started without allowances', () => {
  it('refuses COPY, RUN SCRIPT, the file source and the socket source, saying which flag allows them', async () => {
    const c = await server();
    expect(await refusal(c, "COPY T FROM '/etc/passwd' WITH (FORMAT='CSV');")).toMatch(/COPY cannot read or write files over the server: it was started without --allow-files/);
    expect(await refusal(c, `COPY T FROM '${secret}';`)).toMatch(/--allow-files/);
    expect(await refusal(c, "RUN SCRIPT '/etc/passwd';")).toMatch(/RUN SCRIPT cannot read or write files over the server/);
    expect(await refusal(c, `CREATE STREAM F (ID INT KEY, V STRING) WITH (source='file', path='${secret}', kafka_topic='f', value_format='JSON');`)).toMatch(/source='file' cannot read/);
    const feed = await listen();
    const port = (feed.address() as AddressInfo).port;
    expect(await refusal(c, `CREATE STREAM S (V STRING) WITH (source='socket', host='127.0.0.1', port=${port}, kafka_topic='s', value_format='JSON');`)).toMatch(
      new RegExp(`source='socket': connecting to 127.0.0.1:${port} is refused over the server \\(it was started without --allow-connect`),
    );
    // Nothing changed: no rows, no sources, and the feed was never dialled.
    expect(await rowsOf(c, 'SELECT * FROM T;')).toEqual([]);
    const streams = (await c.execute('SHOW STREAMS;')).rows.map((r) => String(r[0]));
    expect(streams).not.toContain('F');
    expect(streams).not.toContain('S');
    await sleep(300);
    expect(feedConnections.get(feed)).toBe(0);
    feed.close();
  });

  it('refuses a non-loopback bind without a token, before it binds', async () => {
    const child = spawn(process.execPath, [await cliScript(), 'server', '--host', '0.0.0.0', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDDY_TOKEN: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(out).toMatch(/binding 0\.0\.0\.0 exposes the server beyond this machine: give it a --token/);
    expect(out).not.toMatch(/listening/);
  });
});

describe('a server started with --allow-files and --allow-connect', () => {
  it('reads inside the directory (relative paths resolve there) and nowhere else', async () => {
    const c = await server(['--allow-files', allowed]);
    expect((await c.execute(`COPY T FROM '${join(allowed, 'rows.json')}';`)).messages.join()).toMatch(/Copied 2 rows/);
    expect((await c.execute("COPY T FROM 'rows.json';")).messages.join()).toMatch(/Copied 2 rows/);
    expect((await c.execute("RUN SCRIPT 'script.sql';")).messages.join()).toMatch(/Ran 1 statement/);
    expect(await refusal(c, `COPY T FROM '${secret}';`)).toMatch(/is outside the directory the server allows \(--allow-files /);
    expect(await refusal(c, "COPY T FROM '../secret.json';")).toMatch(/may not contain '\.\.'/);
    expect(await refusal(c, `COPY T FROM '${allowed}/../secret.json';`)).toMatch(/may not contain '\.\.'/);
    // Symlinks are followed before judging: one to a file outside, one to a directory outside.
    expect(await refusal(c, "COPY T FROM 'link.json';")).toMatch(/is outside the directory/);
    expect(await refusal(c, "COPY T FROM 'up/secret.json';")).toMatch(/is outside the directory/);
    expect(await refusal(c, "RUN SCRIPT '/etc/passwd';")).toMatch(/is outside the directory/);
    expect(await rowsOf(c, 'SELECT * FROM T;')).toEqual(
      expect.arrayContaining([
        [1, 'ok'],
        [2, 'fine'],
      ]),
    );
    expect((await rowsOf(c, 'SELECT * FROM T;')).some((r) => r[1] === 'top secret')).toBe(false);
  });

  it('tails a file inside the directory, and stops reading when it is swapped for a symlink that leads out', async () => {
    const c = await server(['--allow-files', allowed]);
    const feed = join(allowed, 'feed.json');
    writeFileSync(feed, '{"ID":1,"V":"inside"}\n');
    await c.execute("SET 'auto.offset.reset'='earliest';");
    await c.execute("CREATE STREAM F (ID INT KEY, V STRING) WITH (source='file', path='feed.json', kafka_topic='f', value_format='JSON');");
    for (let i = 0; (await rowsOf(c, 'SELECT * FROM F;')).length !== 1; i++) {
      if (i > 200) throw new Error('the file source read nothing');
      await sleep(25);
    }
    rmSync(feed);
    symlinkSync(secret, feed);
    await sleep(800); // four polls
    expect(await rowsOf(c, 'SELECT V FROM F;')).toEqual([['inside']]);
    const log = await rowsOf(c, 'SELECT REASON FROM PROCESSING_LOG;');
    expect(JSON.stringify(log)).toMatch(/outside the directory/);
  });

  it('connects only to the listed host:port', async () => {
    const ok = await listen();
    const other = await listen();
    const okPort = (ok.address() as AddressInfo).port;
    const otherPort = (other.address() as AddressInfo).port;
    const c = await server(['--allow-connect', `127.0.0.1:${okPort}`]);
    await c.execute(`CREATE STREAM S (V STRING) WITH (source='socket', host='127.0.0.1', port=${okPort}, kafka_topic='s', value_format='JSON');`);
    expect(await refusal(c, `CREATE STREAM S2 (V STRING) WITH (source='socket', host='127.0.0.1', port=${otherPort}, kafka_topic='s2', value_format='JSON');`)).toMatch(/allowed: 127\.0\.0\.1:\d+/);
    expect(await refusal(c, `COPY T FROM '${join(allowed, 'rows.json')}';`)).toMatch(/--allow-files/);
    await until(() => feedConnections.get(ok)! > 0);
    await sleep(200);
    expect(feedConnections.get(other)).toBe(0);
    ok.close();
    other.close();
  });
});

describe('local use', () => {
  it('is unchanged: the library reads any file its user can', () => {
    const eddy = Eddy.open({ autoStart: false });
    try {
      eddy.execute('CREATE TABLE T (ID INT PRIMARY KEY, V STRING);');
      expect(eddy.execute(`COPY T FROM '${secret}';`)[0]).toMatchObject({ message: 'Copied 1 row into T.' });
    } finally {
      eddy.close();
    }
  });
});

const feedConnections = new Map<Server, number>();
function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((sock) => {
      feedConnections.set(s, (feedConnections.get(s) ?? 0) + 1);
      sock.on('error', () => {});
      s.once('close', () => sock.destroy());
    });
    feedConnections.set(s, 0);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
