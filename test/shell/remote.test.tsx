// eddy shell --connect: the same shell over the TCP protocol, against a real server on loopback.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EddyServer } from '../../src/server/server.js';
import { RemoteBackend } from '../../src/shell/remote-backend.js';
import { ShellError } from '../../src/shell/backend.js';
import { spawnServer, start } from '../server/helpers.js';
import { CLICKS, KEYS, openSession, sleep, tempDir } from './helpers.js';

describe('shell against a server', () => {
  it('runs statements, reports errors with their position, lists names, and follows a push query', async () => {
    const { port } = await start({ token: 'sesame' });
    await expect(RemoteBackend.connect('127.0.0.1', port)).rejects.toThrow(/requires a token/);
    const b = await RemoteBackend.connect('127.0.0.1', port, 'sesame');
    try {
      expect(await b.run(CLICKS)).toEqual({ kind: 'message', message: 'Stream created' });
      const err = await b.run('SELECT NOPE FROM CLICKS;').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ShellError);
      expect(err).toMatchObject({ line: 1, column: 8 });
      const names = await b.names();
      expect(names.sources).toContain('CLICKS');
      expect(names.columns).toEqual(expect.arrayContaining(['USER_ID', 'PAGE', 'MS']));
      expect(names.functions).toContain('COUNT');
      const out = await b.run('SELECT USER_ID, COUNT(*) AS N FROM CLICKS GROUP BY USER_ID EMIT CHANGES;');
      if (out.kind !== 'live') throw new Error(`expected a live query, got ${out.kind}`);
      expect(out.query.columns.map((c) => c.name)).toEqual(['USER_ID', 'N']);
      await b.run("INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('ada', '/', 1);");
      const rows = [];
      for (let i = 0; i < 200 && !rows.length; i++) {
        rows.push(...out.query.take());
        await sleep(20);
      }
      expect(rows[0]?.values).toEqual(['ada', 1]);
      out.query.cancel();
      for (let i = 0; i < 100 && !out.query.ended; i++) await sleep(20);
      expect(out.query.ended).toBe(true);
    } finally {
      await b.close();
    }
  });

  it('drives the interactive shell over the connection', async () => {
    const { port } = await start();
    const backend = await RemoteBackend.connect('127.0.0.1', port);
    const s = openSession({ backend });
    await s.type(CLICKS);
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Stream created'));
    await s.type('SELECT * FROM CLICKS EMIT CHANGES;');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Ctrl-C to cancel'));
    await backend.run("INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('ada', '/x', 7);");
    await s.waitFor((x) => /│ ada +│ \/x +│ +7 │/.test(x));
    await s.key(KEYS.ctrlC);
    await s.waitFor((x) => x.includes('Cancelled: 1 row'));
    // DATE and TIMESTAMP come over the wire as ksqlDB's strings and read as in the embedded shell.
    await backend.run("CREATE STREAM DAYS (D DATE, TS TIMESTAMP) WITH (kafka_topic='days', value_format='JSON', partitions=1);");
    await backend.run("INSERT INTO DAYS (D, TS) VALUES ('2026-12-01', '2026-12-01T10:20:30.123');");
    await s.type('SELECT * FROM DAYS;');
    await s.key(KEYS.enter);
    await s.waitFor((x) => /│ 2026-12-01 +│ 2026-12-01T10:20:30\.123 +│/.test(x));
  });

  it("shows the server's query id for a push query", async () => {
    const { port } = await start();
    const backend = await RemoteBackend.connect('127.0.0.1', port);
    const s = openSession({ backend });
    await s.type(CLICKS);
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Stream created'));
    await s.type('SELECT * FROM CLICKS EMIT CHANGES;');
    await s.key(KEYS.enter);
    const screen = await s.waitFor((x) => x.includes('Ctrl-C to cancel'));
    expect(screen).toMatch(/Push query transient_\w+ running/);
    expect(screen).not.toContain('remote_1');
    await s.key(KEYS.ctrlC);
  });

  it('says the connection is lost when the server goes away, and reconnects when it is back', async () => {
    const first = new EddyServer({ port: 0, engine: { batch: { intervalMs: 10 } } });
    const { port } = await first.listen();
    const backend = await RemoteBackend.connect('127.0.0.1', port);
    const s = openSession({ backend });
    await s.type('SHOW STREAMS;');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('0 rows'));
    await first.close();
    await s.type('SHOW STREAMS;');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes(`ERROR: The connection to the server at 127.0.0.1:${port} is lost and reconnecting failed`) && x.includes('or \\q to leave.'), 5000);
    expect(s.screen().trimEnd().endsWith('eddy>')).toBe(true);
    const second = new EddyServer({ port, engine: { batch: { intervalMs: 10 } } });
    await second.listen();
    try {
      await s.type(CLICKS);
      await s.key(KEYS.enter);
      await s.waitFor((x) => x.includes(`(Reconnected to the server at 127.0.0.1:${port}.)\nStream created`), 5000);
    } finally {
      s.unmount();
      await backend.close();
      await second.close();
    }
  });

  it('gives up waiting for a statement on Ctrl-C and keeps the shell', async () => {
    // A server process of its own: an in-process one would block this test's event loop while it loads.
    // COPY over a server reads only inside the directory the server allows (--allow-files).
    const dir = tempDir();
    const server = await spawnServer(['--allow-files', dir]);
    onTestFinished(() => {
      server.child.kill();
    });
    const { port } = server;
    const file = join(dir, 'big.csv');
    writeFileSync(file, `ID,NAME\n${Array.from({ length: 100_000 }, (_, i) => `${i},name number ${i}`).join('\n')}\n`);
    const backend = await RemoteBackend.connect('127.0.0.1', port);
    const s = openSession({ backend });
    await s.type('CREATE TABLE BIG (ID INT PRIMARY KEY, NAME STRING);');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Table created'));
    await s.type(`COPY BIG FROM '${file}' WITH (format='CSV', header=true);`);
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.trimEnd().endsWith('…'));
    await s.key(KEYS.ctrlC);
    await s.waitFor((x) => x.includes('ERROR: Cancelled while waiting for the server'), 2000);
    expect(s.screen().trimEnd().endsWith('eddy>')).toBe(true);
  });
});
