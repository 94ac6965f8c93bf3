// The PostgreSQL wire protocol driven by the `pg` npm driver (node-postgres): SCRAM with the
// token, the extended protocol with $n parameters (a quote in a string stays data), named
// prepared statements run twice, the driver's own parsers reading Eddy's text formats, errors
// with SQLSTATE and position, several statements in one simple query, and a CancelRequest that
// stops a push query while the same connection goes on.

import { connect } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { EddyServer } from '../../src/server/server.js';
import { start, until } from './helpers.js';

const clients: pg.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => {});
});

async function client(server: EddyServer, password?: string): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.pgAddress!.port, user: 'eddy', database: 'eddy', ...(password !== undefined ? { password } : {}) });
  c.on('error', () => {});
  clients.push(c);
  await c.connect();
  return c;
}

const ORDERS =
  "CREATE STREAM ORDERS (ID INT KEY, NAME STRING, AMOUNT DOUBLE, PRICE DECIMAL(10,2), N BIGINT, PAID BOOLEAN, AT TIMESTAMP, TAGS ARRAY<STRING>, RAW BYTES) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";

/** A CancelRequest as psql sends it on Ctrl-C: a new connection carrying the BackendKeyData. */
function sendCancel(port: number, pid: number, secret: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0);
      b.writeInt32BE(80877102, 4);
      b.writeInt32BE(pid, 8);
      b.writeInt32BE(secret, 12);
      s.end(b);
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

describe('pgwire with the pg driver', () => {
  it('authenticates by SCRAM-SHA-256 with the token and refuses a wrong one', async () => {
    const { server } = await start({ pgPort: 0, token: 'tok-123' });
    const c = await client(server, 'tok-123');
    expect((await c.query('SELECT version()')).rows[0].version).toContain('Eddy');
    await expect(client(server, 'nope')).rejects.toThrow(/password authentication failed/);
  });

  it('runs parameterised statements; the driver parses every type', async () => {
    const { server } = await start({ pgPort: 0 });
    const c = await client(server);
    await c.query(ORDERS);
    const insert = 'INSERT INTO ORDERS (ID, NAME, AMOUNT, PRICE, N, PAID, AT, TAGS, RAW) VALUES ($1, $2, $3, $4, $5, $6, $7, ARRAY[$2, $8], $9)';
    const r = await c.query({
      name: 'ins',
      text: insert,
      values: [1, "o'brien'); DROP STREAM ORDERS; --", 2.5, '12.50', '9007199254740993', true, '2026-12-01 10:20:30.120', 'b', Buffer.from([0xff, 0])],
    });
    expect(r.command).toBe('INSERT');
    expect(r.rowCount).toBe(1);
    // The same named statement again, other values (and a NULL).
    await c.query({ name: 'ins', text: insert, values: [2, 'bob', -1, '0.01', -5, false, '2026-12-02 00:00:00', null, null] });
    await c.query("SET 'auto.offset.reset'='earliest'");
    const rows = await c.query('SELECT ID, NAME, AMOUNT, PRICE, N, PAID, AT, TAGS, RAW FROM ORDERS WHERE ID >= $1 EMIT CHANGES LIMIT 2', [1]);
    expect(rows.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['ID', 23],
      ['NAME', 25],
      ['AMOUNT', 701],
      ['PRICE', 1700],
      ['N', 20],
      ['PAID', 16],
      ['AT', 1114],
      ['TAGS', 114],
      ['RAW', 17],
    ]);
    const [a, b] = rows.rows;
    expect(a.ID).toBe(1);
    expect(a.NAME).toBe("o'brien'); DROP STREAM ORDERS; --");
    expect(a.AMOUNT).toBe(2.5);
    expect(a.PRICE).toBe('12.50');
    expect(a.N).toBe('9007199254740993');
    expect(a.PAID).toBe(true);
    // pg reads a timestamp without zone as local time; the server's text is UTC wall-clock time.
    expect(a.AT).toBeInstanceOf(Date);
    expect((a.AT as Date).getMilliseconds()).toBe(120);
    expect(a.TAGS).toEqual(["o'brien'); DROP STREAM ORDERS; --", 'b']);
    expect(Buffer.from(a.RAW as Buffer).toString('hex')).toBe('ff00');
    expect([b.ID, b.AMOUNT, b.PRICE, b.N, b.PAID, b.TAGS, b.RAW]).toEqual([2, -1, '0.01', '-5', false, ['bob', null], null]);
    // A pull query with a parameter; the stream still exists (the quote stayed data).
    const pull = await c.query('SELECT NAME FROM ORDERS WHERE ID = $1', [2]);
    expect(pull.rows).toEqual([{ NAME: 'bob' }]);
    expect(pull.command).toBe('SELECT');
    // `rows: 1`: the driver executes the portal a row at a time (PortalSuspended), pull and push alike.
    const paged = await c.query({ text: 'SELECT ID FROM ORDERS WHERE ID >= $1', values: [0], rows: 1 } as pg.QueryConfig);
    expect(paged.rows.map((x) => x.ID).sort()).toEqual([1, 2]);
    const pagedPush = await c.query({ text: 'SELECT ID FROM ORDERS WHERE ID >= $1 EMIT CHANGES LIMIT 2', values: [0], rows: 1 } as pg.QueryConfig);
    expect(pagedPush.rows.map((x) => x.ID)).toEqual([1, 2]);
  }, 30_000);

  it('reports errors with SQLSTATE and position; runs several statements in one query', async () => {
    const { server } = await start({ pgPort: 0 });
    const c = await client(server);
    const e = (await c.query('SELECT * FROM NOPE_X').catch((x: unknown) => x)) as pg.DatabaseError;
    expect(e).toBeInstanceOf(pg.DatabaseError);
    expect(e.code).toBe('42000');
    expect(e.message).toMatch(/NOPE_X/);
    const s = (await c.query('SELECT 1 FROM\n  ORDERS WHERE').catch((x: unknown) => x)) as pg.DatabaseError;
    expect(s.code).toBe('42601');
    expect(Number(s.position)).toBeGreaterThan(14);
    // Inside COPY ( … ) the position still counts from the start of the client's string.
    const cp = (await c.query('COPY (SELECT NOPE FROM ORDERS) TO STDOUT').catch((x: unknown) => x)) as pg.DatabaseError;
    expect([cp.message, cp.position]).toEqual(['ORDERS does not exist.', '24']);
    const many = (await c.query(`${ORDERS} INSERT INTO ORDERS (ID, NAME) VALUES (5, 'eve'); SELECT ID, NAME FROM ORDERS;`)) as unknown as pg.QueryResult[];
    expect(many.map((r) => r.command)).toEqual(['CREATE', 'INSERT', 'SELECT']);
    expect(many[2]!.rows).toEqual([{ ID: 5, NAME: 'eve' }]);
    // An error in the extended protocol: the rest up to Sync is skipped, then the connection goes on.
    const x = (await c.query('SELECT * FROM NOPE_Y WHERE ID = $1', [1]).catch((y: unknown) => y)) as pg.DatabaseError;
    expect([x.code, x.message]).toEqual(['42000', 'NOPE_Y does not exist.']);
    // The connection is still good after the errors.
    expect((await c.query('SELECT ID FROM ORDERS WHERE ID = $1', [5])).rows).toEqual([{ ID: 5 }]);
  }, 30_000);

  it('a CancelRequest stops a push query; the same connection goes on', async () => {
    const { server } = await start({ pgPort: 0 });
    const c = await client(server);
    await c.query(ORDERS);
    // Rows arrive as DataRows as their batch commits, before the query has ended.
    const seen: number[] = [];
    const q = new pg.Query('SELECT ID FROM ORDERS EMIT CHANGES');
    q.on('row', (row: { ID: number }) => seen.push(row.ID));
    const running = new Promise((resolve) => {
      q.on('error', resolve);
      q.on('end', () => resolve(new Error('ended without a cancel')));
    });
    void c.query(q);
    await until(() => server.eddy.state.pushQueries.size === 1);
    server.eddy.execute("INSERT INTO ORDERS (ID, NAME) VALUES (3, 'x');");
    await until(() => seen.length === 1);
    server.eddy.execute("INSERT INTO ORDERS (ID, NAME) VALUES (4, 'y');");
    await until(() => seen.length === 2);
    expect(seen).toEqual([3, 4]);
    const key = c as unknown as { processID: number; secretKey: number };
    await sendCancel(server.pgAddress!.port, key.processID, key.secretKey);
    const err = (await running) as pg.DatabaseError;
    expect(err.code).toBe('57014');
    expect(err.message).toBe('canceling statement due to user request');
    expect(server.eddy.state.pushQueries.size).toBe(0);
    // A wrong secret cancels nothing.
    const again = c.query('SELECT ID FROM ORDERS WHERE ID = $1 EMIT CHANGES LIMIT 1', [9]);
    await until(() => server.eddy.state.pushQueries.size === 1);
    await sendCancel(server.pgAddress!.port, key.processID, key.secretKey ^ 1);
    server.eddy.execute("INSERT INTO ORDERS (ID, NAME) VALUES (9, 'x');");
    expect((await again).rows).toEqual([{ ID: 9 }]);
    expect((await c.query('SELECT version()')).rowCount).toBe(1);
  }, 30_000);
});
