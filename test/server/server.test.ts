import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
// The client as the package exports it.
import { EddyClient } from '../../src/index.js';
import { CLICKS, raw, sleep, start, until } from './helpers.js';

describe('protocol', () => {
  it('runs DDL, ingests rows, answers pull queries and streams a windowed count live', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    expect((await c.execute(CLICKS)).messages).toEqual(['Stream created']);
    const live = c.query('SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY U EMIT CHANGES;');
    expect((await live.columns).map((x) => x.name)).toEqual(['U', 'N']);
    await c.insert('CLICKS', [
      { U: 'ada', P: '/', ROWTIME: 1000 },
      { U: 'ada', P: '/x', ROWTIME: 2000 },
      { U: 'bob', P: '/', ROWTIME: 3000 },
    ]);
    const seen: unknown[][] = [];
    for await (const r of live) {
      seen.push([...r.values, r.window?.start]);
      if (seen.length === 2) live.cancel();
    }
    // The three rows arrive in one batch: each group's change once, with the batch's count.
    expect(seen).toEqual([
      ['ada', 2, 0],
      ['bob', 1, 0],
    ]);
    const pull = await c.execute("SELECT U, P FROM CLICKS WHERE U = 'bob';");
    expect(pull.rows).toEqual([['bob', '/']]);
    await expect(c.execute('SELECT * FRM CLICKS;')).rejects.toMatchObject({ line: 1, column: 10 });
    c.close();
  });

  it('speaks the text shorthand, as typed into nc, and runs several queries on one connection', async () => {
    const { port } = await start();
    const t = await raw(port);
    t.send(`d1 ${CLICKS}`);
    t.send('q1 SELECT U FROM CLICKS EMIT CHANGES;');
    t.send('q2 SELECT P FROM CLICKS EMIT CHANGES LIMIT 1;');
    t.send("i1 INSERT INTO CLICKS (U, P) VALUES ('ada', '/home');");
    await until(() => t.lines.some((l) => l.id === 'q2' && l.type === 'end'));
    await until(() => t.lines.some((l) => l.id === 'q1' && l.type === 'row'));
    t.send('q1 CANCEL');
    await until(() => t.lines.some((l) => l.id === 'q1' && l.type === 'end'));
    expect(t.lines[0]).toMatchObject({ type: 'welcome', auth: 'none' });
    expect(t.lines.filter((l) => l.id === 'q1').map((l) => l.type)).toEqual(['header', 'row', 'end']);
    expect(t.lines.find((l) => l.id === 'q1' && l.type === 'end')).toMatchObject({ reason: 'cancelled' });
    expect(t.lines.filter((l) => l.id === 'q2').map((l) => [l.type, l.values ?? l.reason ?? null])).toEqual([
      ['header', null],
      ['row', ['/home']],
      ['end', 'limit'],
    ]);
    t.socket.end();
  });

  it('answers malformed lines with an error and keeps the connection; cuts off oversized lines', async () => {
    const { port } = await start({ limits: { maxLineBytes: 4096 } });
    const bystander = await EddyClient.connect('127.0.0.1', port);
    await bystander.execute(CLICKS);
    const t = await raw(port);
    t.send('{"id": 1, "sql": ');
    t.send('{"sql": "SHOW STREAMS;"}');
    t.send('justoneword');
    t.send('ok SHOW STREAMS;');
    await until(() => t.lines.some((l) => l.id === 'ok' && l.type === 'end'));
    expect(t.lines.filter((l) => l.type === 'error').map((l) => String(l.message))).toEqual([
      expect.stringMatching(/malformed JSON/),
      expect.stringMatching(/needs an "id"/),
      expect.stringMatching(/expected `<id> <SQL>`/),
    ]);
    t.send(`big SELECT '${'x'.repeat(10_000)}' FROM CLICKS;`);
    await t.closed;
    expect(t.lines.slice(-2)).toEqual([
      { type: 'error', message: 'request line over 4096 bytes' },
      { type: 'bye', reason: 'request line over 4096 bytes' },
    ]);
    // A line that never ends is cut off too, without waiting for its newline.
    const endless = await raw(port);
    endless.socket.write('x'.repeat(10_000));
    await endless.closed;
    expect(endless.lines.map((l) => l.type)).toEqual(['welcome', 'error', 'bye']);
    expect((await bystander.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('CLICKS');
    bystander.close();
  });

  it('refuses a wrong token and serves the right one', async () => {
    const { port } = await start({ token: 's3cret', limits: { authTimeoutMs: 1000 } });
    const bad = await raw(port);
    bad.send('AUTH nope');
    await bad.closed;
    expect(bad.lines.map((l) => l.type)).toEqual(['welcome', 'bye']);
    expect(bad.lines[1]).toMatchObject({ reason: 'authentication failed' });
    const anon = await raw(port);
    anon.send('q SHOW STREAMS;');
    await anon.closed;
    expect(anon.lines.at(-1)).toMatchObject({ type: 'bye', reason: expect.stringMatching(/authentication required/) });
    const silent = await raw(port);
    await silent.closed;
    expect(silent.lines.at(-1)).toMatchObject({ type: 'bye', reason: 'authentication required within 1000 ms' });
    const good = await EddyClient.connect('127.0.0.1', port, { token: 's3cret' });
    expect((await good.execute('SHOW STREAMS;')).columns?.[0]?.name).toBe('Name');
    good.close();
  });
});

describe('PRINT', () => {
  it('follows a topic as a push: only records that arrive after it starts, formats said first, until cancelled', async () => {
    const { port } = await start();
    const t = await raw(port);
    t.send(`d1 ${CLICKS}`);
    t.send("i1 INSERT INTO CLICKS (U, P) VALUES ('old', '/before');");
    await until(() => t.lines.some((l) => l.id === 'i1' && l.type === 'message'));
    t.send('p1 PRINT clicks;');
    await until(() => t.lines.some((l) => l.id === 'p1' && l.type === 'header'));
    t.send("i2 INSERT INTO CLICKS (U, P) VALUES ('ada', '/after');");
    await until(() => t.lines.some((l) => l.id === 'p1' && l.type === 'row'));
    await sleep(100);
    t.send('p1 CANCEL');
    await until(() => t.lines.some((l) => l.id === 'p1' && l.type === 'end'));
    const p1 = t.lines.filter((l) => l.id === 'p1');
    expect(p1.map((l) => l.type)).toEqual(['header', 'title', 'row', 'end']);
    expect(p1[1]).toMatchObject({ title: 'Key format: KAFKA_STRING · Value format: JSON or KAFKA_STRING' });
    expect(p1[2]).toMatchObject({ values: [expect.stringMatching(/^\d{4}-/), 0, 1, 'ada', '{"P":"/after"}'] });
    expect(p1[3]).toMatchObject({ reason: 'cancelled' });
    t.socket.end();
  });
});

describe('temporal values', () => {
  it("sends DATE, TIME and TIMESTAMP as ksqlDB's REST API writes them, nested too, and takes them back on insert", async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute("CREATE STREAM EV (K STRING KEY, D DATE, T TIME, TS TIMESTAMP, A ARRAY<TIMESTAMP>, S STRUCT<AT TIME>, N BIGINT) WITH (kafka_topic='ev', value_format='JSON', partitions=1);");
    const live = c.query('SELECT K, D, T, TS, A, S, N FROM EV EMIT CHANGES LIMIT 2;');
    await live.columns;
    await c.execute("INSERT INTO EV (K, D, T, TS, A, S, N) VALUES ('sql', '2026-12-01', '10:20:30.123', '2026-12-01T10:20:30.004', ARRAY['1970-01-01T00:00:00.001'], STRUCT(AT := '10:20:00'), 7);");
    await c.insert('EV', [{ K: 'wire', D: '2026-12-02', T: '23:59:59', TS: '2026-12-02T00:00:00.000', N: 8 }]);
    const pushed: unknown[][] = [];
    for await (const r of live) pushed.push(r.values);
    // ksqlDB drops a TIME's milliseconds on the wire and writes a time on the minute as HH:mm (Java's LocalTime).
    const sqlRow = ['sql', '2026-12-01', '10:20:30', '2026-12-01T10:20:30.004', ['1970-01-01T00:00:00.001'], { AT: '10:20' }, 7];
    expect(pushed).toEqual([sqlRow, ['wire', '2026-12-02', '23:59:59', '2026-12-02T00:00:00.000', null, null, 8]]);
    expect((await c.execute("SELECT K, D, T, TS, A, S, N FROM EV WHERE K = 'sql';")).rows).toEqual([sqlRow]);
    c.close();
  });
});

describe('queries that answer once, and queries that end with their client', () => {
  it('answers ad-hoc queries on latest.<stream> once, with the newest micro-batch only', async () => {
    const { port, server } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(CLICKS);
    const latest = async () => (await c.execute('SELECT U, P FROM latest.CLICKS;')).rows;
    await c.insert('CLICKS', [
      { U: 'ada', P: '/a' },
      { U: 'bob', P: '/b' },
    ]);
    // The rows become the newest batch once a micro-batch has run over them.
    let rows: unknown[][] = [];
    for (const end = Date.now() + 10_000; rows.length === 0 && Date.now() < end; ) rows = await latest();
    expect(rows).toEqual([
      ['ada', '/a'],
      ['bob', '/b'],
    ]);
    await c.insert('CLICKS', [{ U: 'cy', P: '/c' }]);
    for (const end = Date.now() + 10_000; rows.length !== 1 && Date.now() < end; ) rows = await latest();
    expect(rows).toEqual([['cy', '/c']]);
    // Answered once: nothing keeps running on the server.
    expect(server.eddy.state.pushQueries.size).toBe(0);
    c.close();
  });

  it("ends a client's push queries on the server when it disconnects; other clients' go on", async () => {
    const { port, server } = await start();
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(CLICKS);
    const other = admin.query('SELECT U FROM CLICKS EMIT CHANGES;');
    await other.columns;
    const t = await raw(port);
    for (const id of ['a', 'b', 'c']) t.send(`${id} SELECT U, P FROM CLICKS EMIT CHANGES;`);
    await until(() => t.lines.filter((l) => l.type === 'header').length === 3);
    expect(server.eddy.state.pushQueries.size).toBe(4);
    t.socket.destroy();
    await until(() => server.eddy.state.pushQueries.size === 1 && server.clientCount === 1);
    await admin.insert('CLICKS', [{ U: 'ada', P: '/' }]);
    for await (const r of other) {
      expect(r.values).toEqual(['ada']);
      break;
    }
    admin.close();
  });
});

describe('sessions', () => {
  it("keeps each client's SET properties to itself, over the server's own", async () => {
    const { port } = await start({ engine: { batch: { intervalMs: 10 } } }); // server default: latest
    const a = await EddyClient.connect('127.0.0.1', port);
    const b = await EddyClient.connect('127.0.0.1', port);
    await a.execute(CLICKS);
    await a.insert('CLICKS', [{ U: 'old', P: '/' }]);
    expect((await a.execute("SET 'auto.offset.reset' = 'earliest';")).messages).toEqual(["Successfully changed local property 'auto.offset.reset' to 'earliest'."]);
    const first = async (c: EddyClient) => {
      for await (const r of c.query('SELECT U FROM CLICKS EMIT CHANGES;')) return r.values[0];
      return undefined;
    };
    const fromA = first(a);
    const fromB = first(b);
    // Let both queries start (B at the end of the log) before the next row goes in.
    await sleep(200);
    await b.insert('CLICKS', [{ U: 'new', P: '/' }]);
    expect(await fromA).toBe('old');
    expect(await fromB).toBe('new');
    await a.execute("UNSET 'auto.offset.reset';");
    const again = first(a);
    await sleep(200);
    await a.insert('CLICKS', [{ U: 'newer', P: '/' }]);
    expect(await again).toBe('newer');
    a.close();
    b.close();
  });
});

describe('shutdown', () => {
  it('ends push queries, says goodbye, and stops within the grace period even if a client never hangs up', async () => {
    const { port, server } = await start();
    await (await EddyClient.connect('127.0.0.1', port)).execute(CLICKS);
    // Like nc: keeps its half of the connection open after the server's goodbye.
    const stubborn = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let got = '';
    stubborn.setEncoding('utf8');
    stubborn.on('data', (d: string) => (got += d));
    const ended = new Promise((r) => stubborn.on('end', r));
    stubborn.write('q SELECT U FROM CLICKS EMIT CHANGES;\n');
    await until(() => got.includes('"header"'));
    const started = Date.now();
    await server.close('maintenance', 300);
    expect(Date.now() - started).toBeLessThan(3000);
    await ended;
    stubborn.destroy();
    expect(
      got
        .trim()
        .split('\n')
        .slice(-2)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { id: 'q', type: 'end', reason: 'shutdown' },
      { type: 'bye', reason: 'maintenance' },
    ]);
  });
});

describe('robustness', () => {
  it('serves 200 clients each holding a push query', async () => {
    const { port, server } = await start();
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(CLICKS);
    const clients = await Promise.all(Array.from({ length: 200 }, () => EddyClient.connect('127.0.0.1', port)));
    const counts = clients.map(() => 0);
    const queries = clients.map((c) => c.query('SELECT U, P FROM CLICKS EMIT CHANGES LIMIT 20;'));
    await Promise.all(queries.map((q) => q.columns));
    expect(server.clientCount).toBe(201);
    const done = Promise.all(
      queries.map(async (q, i) => {
        for await (const _ of q) counts[i]!++;
      }),
    );
    await admin.insert(
      'CLICKS',
      Array.from({ length: 20 }, (_, i) => ({ U: `u${i}`, P: '/' })),
    );
    await done;
    expect(counts.every((n) => n === 20)).toBe(true);
    for (const c of [admin, ...clients]) c.close();
  }, 60_000);

  it('disconnects a client that stops reading, with a reason, while others keep their rate', async () => {
    const { port, server } = await start({ limits: { maxBufferedBytes: 256 * 1024 } });
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(CLICKS);
    const fast = await EddyClient.connect('127.0.0.1', port);
    const total = 4000;
    const page = 'p'.repeat(2000);
    /** Inserts `total` rows and returns how long the fast client took to receive them all. */
    const deliver = async (run: string): Promise<number> => {
      // Queries start at the earliest offset here: each run counts only its own rows.
      const q = fast.query(`SELECT U FROM CLICKS WHERE U LIKE '${run}%' EMIT CHANGES;`);
      await q.columns;
      let got = 0;
      const started = performance.now();
      const reading = (async () => {
        for await (const _ of q) if (++got === total) q.cancel();
      })();
      for (let i = 0; i < total; i += 200) {
        await admin.insert(
          'CLICKS',
          Array.from({ length: 200 }, (_, k) => ({ U: `${run}${i + k}`, P: page })),
        );
      }
      await reading;
      expect(got).toBe(total);
      return performance.now() - started;
    };
    const alone = await deliver('a');

    const slow = await raw(port);
    slow.send('q SELECT U, P FROM CLICKS EMIT CHANGES;');
    await until(() => slow.lines.some((l) => l.type === 'header'));
    slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's
    const besideSlow = await deliver('b');
    slow.socket.resume();
    await slow.closed;
    // The goodbye cannot reach a client that is not reading; the server records why.
    expect(server.disconnects.map((d) => d.reason)).toEqual([expect.stringMatching(/client is not reading: more than 262144 bytes/)]);
    // Replies are never held back for the stalled client: the other one keeps (roughly) its pace.
    // Generous bound, the machine is shared; a server that waited on the slow reader would stall.
    expect(besideSlow).toBeLessThan(3 * alone + 1000);
    admin.close();
    fast.close();
  }, 60_000);
});
