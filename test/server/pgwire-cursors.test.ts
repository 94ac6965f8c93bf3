// DECLARE … CURSOR / FETCH / MOVE / CLOSE inside BEGIN … COMMIT, as real clients use them: psql's
// FETCH_COUNT (its own DECLARE _psql_cursor and FETCH FORWARD n loop) over a pull query and over a
// push query whose batches print as they fill, the statements typed by hand with their errors
// (an unknown cursor, a failed block, DECLARE outside a block, a backward FETCH) and a ROLLBACK
// that warns it undid nothing, a FETCH … WITH (timeout) that returns what has come; and psycopg's
// named (server-side) cursors — DECLARE with bound parameters, Describe of the cursor as a portal,
// fetchone/fetchmany/fetchall, binary FETCH, iteration over a push query.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { EddyServer } from '../../src/server/server.js';
import { start, until } from './helpers.js';
import { psycopgTestable, run, spawnPsql } from './pgwire-clients.js';

const hasPsql = spawnSync('sh', ['-c', 'command -v psql']).status === 0;
if (!hasPsql) {
  const msg = `\n${'!'.repeat(78)}\n!! pgwire cursor tests with psql SKIPPED: psql is not installed (apt-get install -y postgresql-client).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

// Line-buffered (as on a terminal), so each batch shows as psql prints it.
const psql = (port: number, args: string[]) => spawnPsql(port, args, { PGSSLMODE: 'disable' }, true);
const c = (...statements: string[]): string[] => statements.flatMap((s) => ['-c', s]);
const T = "CREATE STREAM T (ID INT KEY, NAME STRING) WITH (kafka_topic='t', value_format='JSON', partitions=1);";
const insert = (server: EddyServer, ...ids: number[]) => server.eddy.execute(ids.map((i) => `INSERT INTO T (ID, NAME) VALUES (${i}, 'n${i}');`).join(' '));
const pushQueries = (server: EddyServer): number => server.eddy.state.pushQueries.size;

describe.skipIf(!hasPsql)('cursors with psql', () => {
  it("\\set FETCH_COUNT: a pull query read through psql's cursor; a push query printed a batch at a time as rows come", async () => {
    const { server } = await start({ pgPort: 0 });
    const port = server.pgAddress!.port;
    server.eddy.execute(T);
    insert(server, 1, 2, 3, 4, 5);
    const pull = await psql(port, ['-A', '-t', ...c('\\set FETCH_COUNT 2', 'SELECT ID, NAME FROM T;', 'SELECT NOPE FROM T;', 'SELECT NAME FROM T WHERE ID = 3;')]).done;
    expect(pull.code).toBe(0);
    expect(pull.stdout.split('\n').filter(Boolean).slice(0, 5).sort()).toEqual(['1|n1', '2|n2', '3|n3', '4|n4', '5|n5']);
    // The error points into psql's DECLARE, at the query's line; psql rolled its block back and went on.
    expect(pull.stderr).toMatch(/ERROR: {2}.*NOPE[\s\S]*LINE 2: SELECT NOPE FROM T/);
    expect(pull.stdout.trim().split('\n').at(-1)).toBe('n3');

    // FETCH FORWARD 2 waits for two rows: the first two print before the third is inserted.
    const live = psql(port, ['-A', '-t', ...c('\\set FETCH_COUNT 2', 'SELECT ID FROM T WHERE ID > 10 EMIT CHANGES LIMIT 3;')]);
    await until(() => pushQueries(server) > 0);
    insert(server, 11);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.stdout()).toBe('');
    insert(server, 12);
    // (psql ends a batch's last line when the next batch begins.)
    await until(() => live.stdout() === '11\n12');
    insert(server, 13);
    const r = await live.done;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('11\n12\n13\n');
    expect(pushQueries(server)).toBe(0);

    // Without a LIMIT the FETCH waits on; Ctrl-C (psql's CancelRequest) stops it.
    const endless = psql(port, ['-A', '-t', ...c('\\set FETCH_COUNT 2', 'SELECT ID FROM T WHERE ID > 20 EMIT CHANGES;')]);
    await until(() => pushQueries(server) > 0);
    // Ctrl-C while a FETCH waits. The push query exists once psql's DECLARE ran, but psql may not
    // have sent its first FETCH yet; a Ctrl-C then finds nothing running on the server (PostgreSQL
    // ignores such a cancel too) and psql just leaves its loop. So: one batch printed, and psql's
    // next FETCH, sent at once, is the one waiting.
    insert(server, 21, 22);
    await until(() => endless.stdout() === '21\n22');
    await new Promise((r) => setTimeout(r, 300));
    endless.interrupt();
    const e = await endless.done;
    expect(e.stderr).toContain('ERROR:  canceling statement due to user request');
    await until(() => pushQueries(server) === 0);
  }, 60_000);

  it("BEGIN, DECLARE, FETCH, MOVE, CLOSE, COMMIT by hand, with PostgreSQL's errors and statuses", async () => {
    const { server } = await start({ pgPort: 0 });
    const port = server.pgAddress!.port;
    server.eddy.execute(T);
    insert(server, 1, 2, 3, 4, 5);
    const r = await psql(port, [
      '-A',
      ...c(
        'DECLARE early CURSOR FOR SELECT ID FROM T;',
        'BEGIN;',
        'DECLARE c NO SCROLL CURSOR FOR SELECT ID, NAME FROM T;',
        'FETCH 2 FROM c;',
        'MOVE FORWARD 1 IN c;',
        'FETCH ALL c;',
        'FETCH NEXT FROM c;',
        'FETCH BACKWARD 1 FROM c;',
        'FETCH 1 FROM c;',
        'ROLLBACK;',
        'FETCH 1 FROM c;',
        'BEGIN; INSERT INTO T (ID, NAME) VALUES (6, \'n6\'); DECLARE "Live" CURSOR FOR SELECT ID FROM T WHERE ID >= 6 EMIT CHANGES; FETCH 5 FROM "Live" WITH (timeout = \'500ms\'); CLOSE "Live"; ROLLBACK;',
      ),
    ]).done;
    expect(r.stderr).toContain('ERROR:  DECLARE CURSOR can only be used in transaction blocks');
    // FETCH 2, MOVE 1, FETCH ALL (the other two), FETCH NEXT at the end: no rows.
    expect(r.stdout).toMatch(/DECLARE CURSOR\nID\|NAME\n\d\|n\d\n\d\|n\d\n\(2 rows\)\nMOVE 1\nID\|NAME\n\d\|n\d\n\d\|n\d\n\(2 rows\)\nID\|NAME\n\(0 rows\)/);
    expect(r.stderr).toContain('ERROR:  cursor can only scan forward');
    expect(r.stderr).toContain('ERROR:  current transaction is aborted, commands ignored until end of transaction block');
    expect(r.stdout).toContain('ROLLBACK');
    expect(r.stderr).toContain('ERROR:  cursor "c" does not exist');
    // One string, cut at its semicolons: the INSERT took effect; the timed FETCH returned the one row there.
    expect(r.stdout).toMatch(/ID\n6\n\(1 row\)\n/);
    expect(r.stderr).toContain("WARNING:  ROLLBACK undid nothing: Eddy's statements are not transactional, and the 1 that ran in this transaction block took effect as each ran");
    expect(pushQueries(server)).toBe(0);
  }, 60_000);
});

const SCRIPT = String.raw`
import json, sys, threading, time
import psycopg

port = int(sys.argv[1])
conn = psycopg.connect(host='127.0.0.1', port=port, user='eddy', dbname='eddy')
out = {}
cur = conn.cursor('by_id')
cur.execute("SELECT ID, NAME FROM T WHERE ID > %s", (1,))
out['description'] = [[d.name, d.type_code] for d in cur.description]
rows = [cur.fetchone()] + cur.fetchmany(2) + cur.fetchall()
out['rows'] = sorted([list(r) for r in rows])
out['status'] = conn.info.transaction_status.name
cur.close()
conn.commit()
out['after_commit'] = conn.info.transaction_status.name

b = conn.cursor('bin', binary=True)
b.execute("SELECT ID, NAME FROM T WHERE ID = %s", (3,))
out['binary'] = [list(r) for r in b.fetchall()]
b.close()

# A push query read through a named cursor, two rows per FETCH: the second FETCH comes back
# short, which ends psycopg's iteration, when the LIMIT has been reached.
live = conn.cursor('live')
live.itersize = 2
live.execute("SELECT ID FROM T WHERE ID >= %s EMIT CHANGES LIMIT 3", (3,))
out['live'] = [r[0] for r in live]
live.close()
conn.commit()

try:
    conn.execute("FETCH 1 FROM nope")
except psycopg.Error as e:
    out['error'] = [e.sqlstate, e.diag.message_primary, conn.info.transaction_status.name]
conn.rollback()
out['after_rollback'] = conn.info.transaction_status.name
print(json.dumps(out))
`;

describe.runIf(psycopgTestable())('cursors with psycopg', () => {
  it('named cursors: DECLARE with parameters, fetchone/fetchmany/fetchall, binary, a push query iterated', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(T);
    insert(server, 1, 2, 3, 4, 5);
    const r = await run('python3', ['-c', SCRIPT, String(server.pgAddress!.port)], 60_000);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.description).toEqual([
      ['ID', 23],
      ['NAME', 25],
    ]);
    expect(out.rows).toEqual([
      [2, 'n2'],
      [3, 'n3'],
      [4, 'n4'],
      [5, 'n5'],
    ]);
    expect(out.status).toBe('INTRANS');
    expect(out.after_commit).toBe('IDLE');
    expect(out.binary).toEqual([[3, 'n3']]);
    expect(out.live).toEqual([3, 4, 5]);
    expect(out.error).toEqual(['34000', 'cursor "nope" does not exist', 'INERROR']);
    expect(out.after_rollback).toBe('IDLE');
    expect(pushQueries(server)).toBe(0);
  }, 90_000);
});
