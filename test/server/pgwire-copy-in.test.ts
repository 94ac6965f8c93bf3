// COPY … FROM STDIN over the PostgreSQL protocol, from real clients: psql's `\copy t from 'file'`
// (CSV with a header, and PostgreSQL's text format with `\N` and escapes) into a stream and a
// static table, a bad line rejected and reported with its line number while the rest load, and
// psycopg 3's cursor.copy(): rows written in pieces, a CopyFail when the block raises, the
// session going on after both.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/planner/values.js';
import { parseCopyFromStdin, textLineToCsv } from '../../src/server/pgwire/copy-in.js';
import { start } from './helpers.js';
import { psycopgTestable, run } from './pgwire-clients.js';

const hasPsql = spawnSync('sh', ['-c', 'command -v psql']).status === 0;
if (!hasPsql && process.env.CI === 'true') throw new Error('psql is not installed (apt-get install -y postgresql-client)');
if (!hasPsql) console.warn('SKIPPED: the psql COPY test needs psql (apt-get install -y postgresql-client)');

const DDL = "CREATE STREAM C (ID INT KEY, NAME STRING, AMOUNT DOUBLE) WITH (kafka_topic='c', value_format='JSON', partitions=1); CREATE TABLE CT (ID INT PRIMARY KEY, NAME STRING, AMOUNT DOUBLE);";

function rows(server: { eddy: { execute(sql: string): unknown[] } }, sql: string): Value[][] {
  const r = server.eddy.execute(sql)[0] as { kind: string; rows?: Value[][] };
  return [...(r.rows ?? [])].sort((a, b) => Number(a[0]) - Number(b[0]));
}

describe('COPY FROM STDIN options', () => {
  it('reads PostgreSQL\'s two option syntaxes and its text format', () => {
    expect(parseCopyFromStdin('COPY c FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER \';\')')).toEqual({ target: 'C', format: 'CSV', text: false, header: true, delimiter: ';' });
    expect(parseCopyFromStdin('COPY  "c" FROM STDIN csv header')).toEqual({ target: 'c', format: 'CSV', text: false, header: true, delimiter: undefined });
    expect(parseCopyFromStdin('COPY c FROM STDIN;')).toMatchObject({ format: 'CSV', text: true, header: false });
    expect(parseCopyFromStdin("COPY c FROM 'f.csv'")).toBeUndefined();
    expect(() => parseCopyFromStdin('COPY c (a) FROM STDIN')).toThrow(/column list/);
    expect(() => parseCopyFromStdin('COPY c FROM STDIN (FORMAT binary)')).toThrow(/format binary is not supported/);
    expect(textLineToCsv('5\teve\t\\N\ta\\tb,"c"\t')).toBe('5,eve,,"a\tb,""c""",""');
  });
});

describe.skipIf(!hasPsql)('COPY FROM STDIN with psql', () => {
  it("psql's \\copy loads CSV and text files into a stream and a table; a bad line is reported with its number", async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(DDL);
    const dir = mkdtempSync(join(tmpdir(), 'eddy-copy-'));
    writeFileSync(join(dir, 'rows.csv'), 'ID,NAME,AMOUNT\n1,ada,1.5\n2,"bob, jr",2\nx,bad,3\n4,dee,\n');
    writeFileSync(join(dir, 'rows.txt'), '5\teve\t\\N\n6\ttab\\there\t7.5\n');
    const script = ["\\copy C from 'rows.csv' with (format csv, header true)", "\\copy C from 'rows.txt'", "\\copy CT from 'rows.csv' csv header", 'SELECT 1 AS STILL_HERE;'].join('\n');
    writeFileSync(join(dir, 'copy.sql'), `${script}\n`);
    const r = await run('sh', ['-c', `cd '${dir}' && psql -X -h 127.0.0.1 -p ${server.pgAddress!.port} -U eddy -d eddy -f copy.sql`], 30_000);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('COPY'))).toEqual(['COPY 3', 'COPY 2', 'COPY 3']);
    expect(r.stdout).toContain('STILL_HERE');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('WARNING'));
    expect(warnings).toEqual([
      expect.stringMatching(/^psql:copy\.sql:1: WARNING: {2}COPY C, line 4: Failed to parse 'x' as INTEGER for column ID/),
      expect.stringMatching(/^psql:copy\.sql:3: WARNING: {2}COPY CT, line 4: Failed to parse 'x' as INTEGER/),
    ]);
    expect(r.stderr).toContain('NOTICE:  Copied 3 rows into C. 1 line rejected (see the processing log), first: line 4:');
    server.eddy.execute("SET 'auto.offset.reset'='earliest';");
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM C;')).toEqual([[1, 'ada', 1.5], [2, 'bob, jr', 2], [4, 'dee', null], [5, 'eve', null], [6, 'tab\there', 7.5]]);
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM CT;')).toEqual([[1, 'ada', 1.5], [2, 'bob, jr', 2], [4, 'dee', null]]);
    // An unknown target is an error before any data is asked for.
    const e = await run('psql', ['-X', '-h', '127.0.0.1', '-p', String(server.pgAddress!.port), '-U', 'eddy', '-c', 'COPY NOPE FROM STDIN'], 30_000);
    expect(e.stderr).toContain('ERROR:  NOPE does not exist.');
  }, 60_000);
});

const SCRIPT = String.raw`
import json, sys
import psycopg
conn = psycopg.connect(host='127.0.0.1', port=int(sys.argv[1]), user='eddy', dbname='eddy', autocommit=True)
cur = conn.cursor()
out = {}
with cur.copy("COPY CT FROM STDIN WITH (FORMAT csv)") as copy:
    copy.write("10,ten,1.25\n11,el")       # a line split across two CopyData messages
    copy.write("even,2\n")
out['copied'] = [cur.statusmessage, cur.rowcount]
# write_row writes PostgreSQL's text format: tabs, \N for None, backslash escapes.
with cur.copy("COPY CT FROM STDIN") as copy:
    copy.write_row((12, 'twelve,\t"x"\\', None))
out['rows'] = [cur.statusmessage, cur.rowcount]
try:
    with cur.copy("COPY C FROM STDIN") as copy:
        copy.write_row((20, 'lost?', 1.0))
        raise RuntimeError('client gave up')
except Exception as e:
    out['failed'] = [type(e).__name__, getattr(e, 'sqlstate', None), str(e).split('\n')[0]]
out['after'] = conn.execute("SELECT NAME FROM CT WHERE ID = %s", (11,)).fetchall()
conn.close()
print(json.dumps(out))
`;

describe.skipIf(!psycopgTestable())('COPY FROM STDIN with psycopg 3', () => {
  it('cursor.copy() writes rows in pieces; a CopyFail ends it with an error; the session goes on', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(DDL);
    const r = await run('python3', ['-c', SCRIPT, String(server.pgAddress!.port)], 60_000);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.copied).toEqual(['COPY 2', 2]);
    expect(out.rows).toEqual(['COPY 1', 1]);
    // psycopg sends CopyFail and raises the block's own error (the server's 57014 reply it swallows).
    expect(out.failed).toEqual(['RuntimeError', null, 'client gave up']);
    server.eddy.execute("SET 'auto.offset.reset'='earliest';");
    expect(rows(server, 'SELECT ID FROM C;')).toEqual([]);
    expect(out.after).toEqual([['eleven']]);
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM CT;')).toEqual([[10, 'ten', 1.25], [11, 'eleven', 2], [12, 'twelve,\t"x"\\', null]]);
  }, 60_000);
});
