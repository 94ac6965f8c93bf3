// The PostgreSQL wire protocol driven by psql (Debian's postgresql-client): statements with -c,
// types and errors as psql shows them, \dt, a push query with a LIMIT that gets its rows as they
// are inserted, Ctrl-C (psql's CancelRequest) stopping a push query while the session goes on,
// and SCRAM with the server token. Without psql the suite skips loudly; under CI=true it fails.

import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { EddyServer } from '../../src/server/server.js';
import { sleep, spawnServer, start, until, type ServerProcess } from './helpers.js';
import { spawnPsql } from './pgwire-clients.js';

const hasPsql = spawnSync('sh', ['-c', 'command -v psql']).status === 0;
if (!hasPsql) {
  const msg = `\n${'!'.repeat(78)}\n!! pgwire psql tests SKIPPED: psql is not installed (apt-get install -y postgresql-client).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const psql = spawnPsql;
const c = (...statements: string[]): string[] => statements.flatMap((s) => ['-c', s]);

const ORDERS =
  "CREATE STREAM ORDERS (ID INT KEY, NAME STRING, AMOUNT DOUBLE, PRICE DECIMAL(10,2), PAID BOOLEAN, AT TIMESTAMP, DAY DATE, TAGS ARRAY<STRING>, RAW BYTES) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";
const ORDER_1 =
  "INSERT INTO ORDERS (ID, NAME, AMOUNT, PRICE, PAID, AT, DAY, TAGS, RAW) VALUES (1, 'ada', 1.5, 12.50, true, '2026-12-01T10:20:30.120', '2026-12-01', ARRAY['x','y'], TO_BYTES('ff00', 'hex'));";

const children: ServerProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

describe.skipIf(!hasPsql)('pgwire with psql', () => {
  it('`eddy server --pg-port` serves psql; SIGTERM ends the session with FATAL and the server exits 0', async () => {
    const s = await spawnServer(['--pg-port', '0', '--token', 'tk']);
    children.push(s);
    await until(() => /postgresql protocol on 127\.0\.0\.1:\d+/.test(s.output()));
    const port = Number(/postgresql protocol on 127\.0\.0\.1:(\d+)/.exec(s.output())![1]);
    const r = await psql(port, ['-A', '-t', ...c('SHOW server_version;')], { PGPASSWORD: 'tk' }).done;
    expect(r.stdout).toMatch(/^15\.0 \(Eddy /);
    const live = psql(port, ['-A', '-t', ...c('SELECT ID FROM PROCESSING_LOG EMIT CHANGES;')], { PGPASSWORD: 'tk' });
    // psql connects and starts the query in milliseconds; a second leaves room on a loaded machine.
    await sleep(1000);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect((await live.done).stderr).toContain('FATAL:  terminating connection due to administrator command');
  }, 30_000);

  it('runs statements, shows typed rows, errors with their position, \\dt and the version', async () => {
    const { server } = await start({ pgPort: 0 });
    const port = server.pgAddress!.port;
    const r = await psql(port, [
      ...c(
        ORDERS,
        ORDER_1,
        "SET 'auto.offset.reset'='earliest';",
        'SELECT ID, NAME, AMOUNT, PRICE, PAID, AT, DAY, TAGS, RAW FROM ORDERS EMIT CHANGES LIMIT 1;',
        'SELECT version();',
        'SHOW server_version;',
        'SELEC 1;',
        '\\dt',
        '\\d orders',
      ),
    ]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE STREAM');
    expect(r.stdout).toContain('INSERT 0 1');
    expect(r.stderr).toContain('NOTICE:  Stream created');
    // psql's aligned table: the values in PostgreSQL's text formats.
    expect(r.stdout).toMatch(/ id \| name \| amount \| price \| paid \|\s+at\s+\|\s+day\s+\|\s+tags\s+\|\s+raw\s*\n/i);
    expect(r.stdout).toMatch(/ 1 \| ada\s+\|\s+1\.5 \| 12\.50 \| t\s+\| 2026-12-01 10:20:30\.12 \| 2026-12-01 \| \["x","y"\] \| \\xff00\n/);
    expect(r.stdout).toContain('(1 row)');
    expect(r.stdout).toContain('PostgreSQL 15.0 (Eddy');
    expect(r.stderr).toMatch(/ERROR:  Syntax Error\nUnknown statement 'SELEC'\nDid you mean 'SELECT'\?\nLINE 1: SELEC 1;\n\s+\^/);
    // PostgreSQL has no kind for a stream: \dt lists it as a table (\dt+ describes it as an Eddy stream).
    expect(r.stdout).toMatch(/Schema \| +Name +\| +Type +\| Owner[\s\S]*public +\| ORDERS +\| table +\| eddy/);
    // \d name: psql's three catalog queries (and its footers' probes, answered with no rows).
    expect(r.stdout).toMatch(/Table "public\.ORDERS"\n Column \| +Type +\| Collation \| Nullable \| Default *\n/);
    expect(r.stdout).toMatch(/ ID +\| INTEGER +\| +\| +\| KEY\n NAME +\| STRING +\|/);
    expect(r.stdout).toMatch(/ TAGS +\| ARRAY<STRING> +\|/);
  }, 30_000);

  it('streams a push query as rows are inserted; Ctrl-C (CancelRequest) stops an endless one', async () => {
    const { server } = await start({ pgPort: 0 });
    const port = server.pgAddress!.port;
    server.eddy.execute(ORDERS);
    const live = psql(port, ['-A', '-t', ...c('SELECT ID, NAME FROM ORDERS EMIT CHANGES LIMIT 2;')]);
    await until(() => pushQueries(server) > 0);
    server.eddy.execute("INSERT INTO ORDERS (ID, NAME) VALUES (7, 'grace'); INSERT INTO ORDERS (ID, NAME) VALUES (8, 'linus');");
    const r = await live.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('7|grace\n8|linus\n');

    // COPY (…) TO STDOUT: psql prints each row as it arrives, before the query has ended (the
    // suite's server reads from the earliest offset, so 7 and 8 come first).
    const copy = psql(port, ['-A', '-t', ...c('COPY (SELECT ID, NAME FROM ORDERS EMIT CHANGES LIMIT 4) TO STDOUT')], {}, true);
    await until(() => pushQueries(server) > 0);
    server.eddy.execute("INSERT INTO ORDERS (ID, NAME) VALUES (9, 'tab\there');");
    await until(() => copy.stdout() === '7\tgrace\n8\tlinus\n9\ttab\\there\n');
    expect(pushQueries(server)).toBe(1);
    server.eddy.execute('INSERT INTO ORDERS (ID, NAME) VALUES (10, NULL);');
    const cr = await copy.done;
    expect(cr.code).toBe(0);
    expect(cr.stdout).toBe('7\tgrace\n8\tlinus\n9\ttab\\there\n10\t\\N\n');

    // No LIMIT: it runs until psql's SIGINT handler sends a CancelRequest on a new connection.
    // (psql running -c scripts exits after a Ctrl-C; that the session itself goes on is the pg
    // driver suite's test, which sends a CancelRequest and then queries on the same connection.)
    const endless = psql(port, ['-A', '-t', ...c('SELECT ID FROM ORDERS EMIT CHANGES;')]);
    await until(() => pushQueries(server) > 0);
    endless.interrupt();
    const e = await endless.done;
    expect(e.stderr).toContain('Cancel request sent');
    expect(e.stderr).toContain('ERROR:  canceling statement due to user request');
    expect(pushQueries(server)).toBe(0);
  }, 30_000);

  it('asks for the token by SCRAM-SHA-256 when the server has one', async () => {
    const { server } = await start({ pgPort: 0, token: 's3cret' });
    const port = server.pgAddress!.port;
    const ok = await psql(port, ['-A', '-t', ...c('SELECT version();')], { PGPASSWORD: 's3cret' }).done;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Eddy');
    const bad = await psql(port, ['-w', ...c('SELECT version();')], { PGPASSWORD: 'wrong' }).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('password authentication failed for user "eddy"');
    const none = await psql(port, ['-w', ...c('SELECT version();')]).done;
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no password supplied|password authentication failed/);
  }, 30_000);
});

function pushQueries(server: EddyServer): number {
  return server.eddy.state.pushQueries.size;
}
