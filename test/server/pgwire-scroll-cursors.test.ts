// SCROLL cursors over pgwire, by hand in psql and through psycopg's scrollable named cursors:
// FETCH BACKWARD / PRIOR / FIRST / LAST / ABSOLUTE n / RELATIVE n and MOVE, with PostgreSQL's
// positions (before the first row, after the last), over a pull query and over a push query (which
// has no last row while it runs); a NO SCROLL cursor fetched backward fails as PostgreSQL's does.
// The rows' order is the query's: each expectation is built from the order FETCH ALL returned.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { EddyServer } from '../../src/server/server.js';
import { start } from './helpers.js';
import { psycopgTestable, run, spawnPsql } from './pgwire-clients.js';

const hasPsql = spawnSync('sh', ['-c', 'command -v psql']).status === 0;
if (!hasPsql) {
  const msg = `\n${'!'.repeat(78)}\n!! pgwire scroll-cursor tests with psql SKIPPED: psql is not installed (apt-get install -y postgresql-client).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const T = "CREATE STREAM T (ID INT KEY, NAME STRING) WITH (kafka_topic='t', value_format='JSON', partitions=1);";
const insert = (server: EddyServer, ...ids: number[]) => server.eddy.execute(ids.map((i) => `INSERT INTO T (ID, NAME) VALUES (${i}, 'n${i}');`).join(' '));

/** psql -A -t, each statement's output lines under its own text (psql prints a `-- n` line, `\echo`, before each). */
async function session(port: number, statements: string[]): Promise<{ out: Map<string, string[]>; stderr: string }> {
  const args = statements.flatMap((s, i) => ['-c', `\\echo -- ${i}`, '-c', s]);
  const r = await spawnPsql(port, ['-A', '-t', ...args], { PGSSLMODE: 'disable' }).done;
  const out = new Map<string, string[]>();
  let key = '';
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('-- ')) out.set((key = statements[Number(line.slice(3))]!), []);
    else if (line !== '') out.get(key)?.push(line);
  }
  return { out, stderr: r.stderr };
}

describe.skipIf(!hasPsql)('SCROLL cursors with psql', () => {
  it('goes back and forth over a pull query as PostgreSQL positions a cursor', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(T);
    insert(server, 1, 2, 3, 4, 5);
    const { out, stderr } = await session(server.pgAddress!.port, [
      'BEGIN;',
      'DECLARE s SCROLL CURSOR FOR SELECT ID FROM T;',
      'FETCH FORWARD 2 FROM s;',
      'FETCH PRIOR FROM s;',
      'FETCH ALL FROM s;',
      'FETCH BACKWARD 2 FROM s;',
      'FETCH PRIOR IN s;',
      'FETCH RELATIVE 0 FROM s;',
      'FETCH FIRST FROM s;',
      'FETCH LAST FROM s;',
      'FETCH ABSOLUTE -2 FROM s;',
      'FETCH ABSOLUTE 2 FROM s;',
      'FETCH RELATIVE 2 FROM s;',
      'MOVE BACKWARD ALL IN s;',
      'FETCH NEXT FROM s;',
      'FETCH -1 FROM s;',
      'FETCH ABSOLUTE 9 FROM s;',
      'FETCH PRIOR s;',
      'MOVE ABSOLUTE 0 IN s;',
      'FETCH 0 FROM s;',
      'FETCH 2 FROM s;',
      'COMMIT;',
    ]);
    expect(stderr).toBe('');
    const two = out.get('FETCH FORWARD 2 FROM s;')!;
    const rest = out.get('FETCH ALL FROM s;')!;
    const all = [two[0]!, ...rest];
    expect(all.map(Number).sort()).toEqual([1, 2, 3, 4, 5]);
    const at = (n: number) => [all[n - 1]!];
    // After FORWARD 2 it stands on row 2: PRIOR is row 1, and FETCH ALL goes on from there.
    expect(two).toEqual(all.slice(0, 2));
    expect(out.get('FETCH PRIOR FROM s;')).toEqual(at(1));
    // From after the end: BACKWARD 2 is rows 5 and 4 (nearest first), then PRIOR row 3.
    expect(out.get('FETCH BACKWARD 2 FROM s;')).toEqual([all[4], all[3]]);
    expect(out.get('FETCH PRIOR IN s;')).toEqual(at(3));
    expect(out.get('FETCH RELATIVE 0 FROM s;')).toEqual(at(3));
    expect(out.get('FETCH FIRST FROM s;')).toEqual(at(1));
    expect(out.get('FETCH LAST FROM s;')).toEqual(at(5));
    expect(out.get('FETCH ABSOLUTE -2 FROM s;')).toEqual(at(4));
    expect(out.get('FETCH ABSOLUTE 2 FROM s;')).toEqual(at(2));
    expect(out.get('FETCH RELATIVE 2 FROM s;')).toEqual(at(4));
    expect(out.get('MOVE BACKWARD ALL IN s;')).toEqual(['MOVE 3']);
    expect(out.get('FETCH NEXT FROM s;')).toEqual(at(1));
    expect(out.get('FETCH -1 FROM s;')).toEqual([]);
    expect(out.get('FETCH ABSOLUTE 9 FROM s;')).toEqual([]);
    expect(out.get('FETCH PRIOR s;')).toEqual(at(5));
    expect(out.get('MOVE ABSOLUTE 0 IN s;')).toEqual(['MOVE 0']);
    // Before the first row there is no current row; FETCH 2 from there is rows 1 and 2.
    expect(out.get('FETCH 0 FROM s;')).toEqual([]);
    expect(out.get('FETCH 2 FROM s;')).toEqual(all.slice(0, 2));
  }, 60_000);

  it("a NO SCROLL cursor skips forward but fails going back, with PostgreSQL's error and hint", async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(T);
    insert(server, 1, 2, 3, 4, 5);
    const port = server.pgAddress!.port;
    const forward = await session(port, ['BEGIN;', 'DECLARE n NO SCROLL CURSOR FOR SELECT ID FROM T;', 'FETCH ABSOLUTE 3 FROM n;', 'FETCH RELATIVE 2 FROM n;', 'FETCH NEXT FROM n;', 'COMMIT;']);
    expect(forward.stderr).toBe('');
    expect(forward.out.get('FETCH ABSOLUTE 3 FROM n;')).toHaveLength(1);
    expect(forward.out.get('FETCH RELATIVE 2 FROM n;')).toHaveLength(1);
    expect(forward.out.get('FETCH NEXT FROM n;')).toEqual([]);
    for (const back of ['FETCH PRIOR FROM n;', 'FETCH BACKWARD 1 FROM n;', 'FETCH ABSOLUTE 1 FROM n;', 'FETCH LAST FROM n;', 'FETCH 0 FROM n;', 'MOVE -1 IN n;']) {
      const r = await session(port, ['BEGIN;', 'DECLARE n CURSOR FOR SELECT ID FROM T;', 'FETCH 2 FROM n;', back, 'ROLLBACK;']);
      expect(r.stderr).toBe('ERROR:  cursor can only scan forward\nHINT:  Declare it with SCROLL option to enable backward scan.\n');
    }
  }, 60_000);

  it('a SCROLL cursor over a push query goes back over the rows that came, and has no last row', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(T);
    insert(server, 1, 2, 3);
    const { out, stderr } = await session(server.pgAddress!.port, [
      'BEGIN;',
      'DECLARE p SCROLL CURSOR FOR SELECT ID FROM T EMIT CHANGES;',
      'FETCH 3 FROM p;',
      'FETCH BACKWARD 2 FROM p;',
      'FETCH NEXT FROM p;',
      "FETCH 5 FROM p WITH (timeout = '200ms');",
      'FETCH LAST FROM p;',
      'ROLLBACK;',
    ]);
    const first = out.get('FETCH 3 FROM p;')!;
    expect(first.map(Number).sort()).toEqual([1, 2, 3]);
    expect(out.get('FETCH BACKWARD 2 FROM p;')).toEqual([first[1], first[0]]);
    expect(out.get('FETCH NEXT FROM p;')).toEqual([first[1]]);
    // Row 3 again from what it kept, then none more within the timeout.
    expect(out.get("FETCH 5 FROM p WITH (timeout = '200ms');")).toEqual([first[2]]);
    expect(stderr).toContain("ERROR:  a push query's cursor has no last row while the query runs");
    expect(server.eddy.state.pushQueries.size).toBe(0);
  }, 60_000);
});

const SCRIPT = String.raw`
import json, sys
import psycopg

conn = psycopg.connect(host='127.0.0.1', port=int(sys.argv[1]), user='eddy', dbname='eddy')
out = {}
cur = conn.cursor('s', scrollable=True)
cur.execute("SELECT ID FROM T WHERE ID > %s", (0,))
out['all'] = [r[0] for r in cur.fetchall()]
cur.scroll(-3)
out['after_back_3'] = [r[0] for r in cur.fetchmany(2)]
cur.scroll(0, mode='absolute')
out['first'] = cur.fetchone()[0]
cur.scroll(3, mode='absolute')
out['fourth'] = cur.fetchone()[0]
cur.close()
conn.commit()
ns = conn.cursor('n', scrollable=False)
ns.execute("SELECT ID FROM T")
ns.fetchmany(2)
try:
    ns.scroll(-1)
except psycopg.Error as e:
    out['error'] = [e.sqlstate, e.diag.message_primary, e.diag.message_hint]
conn.rollback()
print(json.dumps(out))
`;

describe.runIf(psycopgTestable())('SCROLL cursors with psycopg', () => {
  it('scrollable named cursors: scroll() relative and absolute; a non-scrollable one refuses to go back', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(T);
    insert(server, 1, 2, 3, 4, 5);
    const r = await run('python3', ['-c', SCRIPT, String(server.pgAddress!.port)], 60_000);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { all: number[]; after_back_3: number[]; first: number; fourth: number; error: string[] };
    const all = out.all;
    expect([...all].sort()).toEqual([1, 2, 3, 4, 5]);
    // fetchall left it after the last row: three back stands on row 3.
    expect(out.after_back_3).toEqual([all[3], all[4]]);
    expect(out.first).toBe(all[0]);
    expect(out.fourth).toBe(all[3]);
    expect(out.error).toEqual(['55000', 'cursor can only scan forward', 'Declare it with SCROLL option to enable backward scan.']);
  }, 60_000);
});
