import { describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { CLICKS, raw, start, until } from './helpers.js';

describe('protocol', () => {
  it('runs DDL, ingests rows, answers pull queries and streams a windowed count live', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    expect((await c.execute(CLICKS)).messages).toEqual(['Stream created']);
    const live = c.query('SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY U EMIT CHANGES;');
    expect((await live.columns).map((x) => x.name)).toEqual(['U', 'N']);
    await c.insert('CLICKS', [{ U: 'ada', P: '/', ROWTIME: 1000 }, { U: 'ada', P: '/x', ROWTIME: 2000 }, { U: 'bob', P: '/', ROWTIME: 3000 }]);
    const seen: unknown[][] = [];
    for await (const r of live) {
      seen.push([...r.values, r.window?.start]);
      if (seen.length === 3) live.cancel();
    }
    expect(seen).toEqual([
      ['ada', 1, 0],
      ['ada', 2, 0],
      ['bob', 1, 0],
    ]);
    const pull = await c.execute('SELECT U, P FROM CLICKS WHERE U = \'bob\';');
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
    expect(t.lines.at(-1)).toMatchObject({ type: 'bye', reason: 'request line over 4096 bytes' });
    expect((await bystander.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('CLICKS');
    bystander.close();
  });

  it('refuses a wrong token and serves the right one', async () => {
    const { port } = await start({ token: 's3cret' });
    const bad = await raw(port);
    bad.send('AUTH nope');
    await bad.closed;
    expect(bad.lines.map((l) => l.type)).toEqual(['welcome', 'bye']);
    expect(bad.lines[1]).toMatchObject({ reason: 'authentication failed' });
    const anon = await raw(port);
    anon.send('q SHOW STREAMS;');
    await anon.closed;
    expect(anon.lines.at(-1)).toMatchObject({ type: 'bye', reason: expect.stringMatching(/authentication required/) });
    const good = await EddyClient.connect('127.0.0.1', port, { token: 's3cret' });
    expect((await good.execute('SHOW STREAMS;')).columns?.[0]?.name).toBe('Name');
    good.close();
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
    await admin.insert('CLICKS', Array.from({ length: 20 }, (_, i) => ({ U: `u${i}`, P: '/' })));
    await done;
    expect(counts.every((n) => n === 20)).toBe(true);
    for (const c of [admin, ...clients]) c.close();
  }, 60_000);

  it('disconnects a client that stops reading, with a reason, while others keep receiving', async () => {
    const { port, server } = await start({ limits: { maxBufferedBytes: 256 * 1024 } });
    const admin = await EddyClient.connect('127.0.0.1', port);
    await admin.execute(CLICKS);
    const slow = await raw(port);
    slow.send('q SELECT U, P FROM CLICKS EMIT CHANGES;');
    await until(() => slow.lines.some((l) => l.type === 'header'));
    slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's
    const fast = await EddyClient.connect('127.0.0.1', port);
    const q = fast.query('SELECT U FROM CLICKS EMIT CHANGES;');
    await q.columns;
    let got = 0;
    const total = 4000;
    const reading = (async () => {
      for await (const _ of q) if (++got === total) q.cancel();
    })();
    const page = 'p'.repeat(2000);
    for (let i = 0; i < total; i += 200) {
      await admin.insert('CLICKS', Array.from({ length: 200 }, (_, k) => ({ U: `u${i + k}`, P: page })));
    }
    await reading;
    expect(got).toBe(total);
    slow.socket.resume();
    await slow.closed;
    // The goodbye cannot reach a client that is not reading; the server records why.
    expect(server.disconnects.map((d) => d.reason)).toEqual([expect.stringMatching(/client is not reading: more than 262144 bytes/)]);
    admin.close();
    fast.close();
  }, 60_000);
});
