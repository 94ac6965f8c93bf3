// COPY … FROM STDIN over the PostgreSQL protocol, from real clients: psql's `\copy t from 'file'`
// (CSV with a header, and PostgreSQL's text format with `\N` and escapes) into a stream and a
// static table, a bad line rejected and reported with its line number while the rest load, and
// psycopg 3's cursor.copy(): rows written in pieces, a CopyFail when the block raises, the
// session going on after both.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/planner/values.js';
import { csvFields, csvValues, eddyCsvLine, parseCopyFromStdin, textFields } from '../../src/server/pgwire/copy-format.js';
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
  it("reads PostgreSQL's two option syntaxes, its defaults and its checks", () => {
    expect(parseCopyFromStdin("COPY c FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')")).toEqual({
      target: 'C',
      columns: undefined,
      format: 'csv',
      header: true,
      delimiter: ';',
      null: '',
      quote: '"',
      escape: '"',
      forceNotNull: [],
      forceNull: [],
    });
    expect(parseCopyFromStdin('COPY  "c" (a, "B") FROM STDIN csv header')).toMatchObject({ target: 'c', columns: ['A', 'B'], format: 'csv', header: true, delimiter: ',' });
    expect(parseCopyFromStdin('COPY c FROM STDIN;')).toMatchObject({ format: 'text', header: false, delimiter: '\t', null: '\\N' });
    expect(parseCopyFromStdin("COPY c FROM STDIN (FORMAT csv, HEADER match, NULL 'NA', QUOTE '''', ESCAPE '\\', FORCE_NOT_NULL (a), FORCE_NULL *)")).toMatchObject({
      header: 'match',
      null: 'NA',
      quote: "'",
      escape: '\\',
      forceNotNull: ['A'],
      forceNull: '*',
    });
    expect(parseCopyFromStdin("COPY c FROM STDIN DELIMITER AS '|' NULL AS '' CSV QUOTE AS '$' FORCE NOT NULL a, b")).toMatchObject({ delimiter: '|', null: '', quote: '$', forceNotNull: ['A', 'B'] });
    expect(parseCopyFromStdin("COPY c FROM 'f.csv'")).toBeUndefined();
    expect(() => parseCopyFromStdin('COPY c FROM STDIN (FORMAT binary)')).toThrow(/FORMAT binary is not supported/);
    expect(() => parseCopyFromStdin('COPY c FROM STDIN (FREEZE)')).toThrow(/option FREEZE is not supported/);
    expect(() => parseCopyFromStdin("COPY c FROM STDIN (QUOTE 'x')")).toThrow(/COPY quote requires CSV mode/);
    expect(() => parseCopyFromStdin("COPY c FROM STDIN (FORMAT csv, DELIMITER ';;')")).toThrow(/single one-byte character/);
    expect(() => parseCopyFromStdin("COPY c FROM STDIN (FORMAT csv, QUOTE ',')")).toThrow(/delimiter and quote must be different/);
    expect(() => parseCopyFromStdin("COPY c FROM STDIN (NULL E'a\\tb')")).toThrow(/must not appear in the NULL specification/);
    expect(() => parseCopyFromStdin('COPY c FROM STDIN (SPEED 9)')).toThrow(/option "speed" not recognized/);
    expect(() => parseCopyFromStdin('COPY c FROM STDIN WHERE a > 1')).toThrow(/WHERE is not supported/);
  });

  it('reads the text and CSV formats as PostgreSQL does', () => {
    const text = { delimiter: '\t', null: '\\N' };
    expect(textFields('5\teve\t\\N\ta\\tb,"c"\t\\101\\x42', text)).toEqual(['5', 'eve', null, 'a\tb,"c"', 'AB']);
    expect(textFields('1|NA|x', { delimiter: '|', null: 'NA' })).toEqual(['1', null, 'x']);
    const csv = { delimiter: ',', quote: '"', escape: '"' };
    expect(csvFields('1,"a,b",,"","say ""hi"""', csv)).toEqual([
      { text: '1', quoted: false },
      { text: 'a,b', quoted: true },
      { text: '', quoted: false },
      { text: '', quoted: true },
      { text: 'say "hi"', quoted: true },
    ]);
    expect(csvFields('1,"open', csv)).toBeUndefined();
    expect(csvValues(csvFields('1,,""', csv)!, ['A', 'B', 'C'], { null: '', forceNotNull: [], forceNull: [] })).toEqual(['1', null, '']);
    expect(csvValues(csvFields('1,,""', csv)!, ['A', 'B', 'C'], { null: '', forceNotNull: ['B'], forceNull: ['C'] })).toEqual(['1', '', null]);
    expect(csvFields("'it\\'s',x", { delimiter: ',', quote: "'", escape: '\\' })).toEqual([
      { text: "it's", quoted: true },
      { text: 'x', quoted: false },
    ]);
    expect(eddyCsvLine(['5', 'eve', null, 'a\tb,"c"', ''])).toBe('5,eve,,"a\tb,""c""",""');
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
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM C;')).toEqual([
      [1, 'ada', 1.5],
      [2, 'bob, jr', 2],
      [4, 'dee', null],
      [5, 'eve', null],
      [6, 'tab\there', 7.5],
    ]);
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM CT;')).toEqual([
      [1, 'ada', 1.5],
      [2, 'bob, jr', 2],
      [4, 'dee', null],
    ]);
    // An unknown target is an error before any data is asked for.
    const e = await run('psql', ['-X', '-h', '127.0.0.1', '-p', String(server.pgAddress!.port), '-U', 'eddy', '-c', 'COPY NOPE FROM STDIN'], 30_000);
    expect(e.stderr).toContain('ERROR:  NOPE does not exist.');
  }, 60_000);
});

describe.skipIf(!hasPsql)('COPY FROM STDIN options with psql', () => {
  it('a column list, HEADER MATCH, DELIMITER, NULL, QUOTE, ESCAPE, a quoted field across lines; a header that does not match fails the copy', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(DDL);
    const dir = mkdtempSync(join(tmpdir(), 'eddy-copy-opts-'));
    writeFileSync(join(dir, 'opts.csv'), "NAME;ID\n'ada';1\nNA;2\n'multi\nline';3\n'it\\'s';4\n5\n");
    writeFileSync(join(dir, 'bad-header.csv'), 'ID,NAME\n8,x\n');
    writeFileSync(join(dir, 'pipes.txt'), '7|seven|NULL\n');
    const script = [
      "\\copy CT (NAME, ID) from 'opts.csv' with (format csv, header match, delimiter ';', null 'NA', quote '''', escape '\\')",
      "\\copy CT (NAME, ID) from 'bad-header.csv' with (format csv, header match)",
      "\\copy C from 'pipes.txt' with (delimiter '|', null 'NULL')",
      "\\copy C from 'pipes.txt' with (format binary)",
      'SELECT 1 AS STILL_HERE;',
    ].join('\n');
    writeFileSync(join(dir, 'copy.sql'), `${script}\n`);
    const r = await run('sh', ['-c', `cd '${dir}' && psql -X -h 127.0.0.1 -p ${server.pgAddress!.port} -U eddy -d eddy -f copy.sql`], 30_000);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('COPY'))).toEqual(['COPY 4', 'COPY 1']);
    expect(r.stderr).toContain('WARNING:  COPY CT, line 7: missing data for column "ID"');
    expect(r.stderr).toContain('ERROR:  column name mismatch in header line field 1: got "ID", expected "NAME"');
    expect(r.stderr).toContain('ERROR:  COPY FROM STDIN: FORMAT binary is not supported by Eddy');
    expect(r.stdout).toContain('STILL_HERE');
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM CT;')).toEqual([
      [1, 'ada', null],
      [2, null, null],
      [3, 'multi\nline', null],
      [4, "it's", null],
    ]);
    server.eddy.execute("SET 'auto.offset.reset'='earliest';");
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM C;')).toEqual([[7, 'seven', null]]);
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
    expect(rows(server, 'SELECT ID, NAME, AMOUNT FROM CT;')).toEqual([
      [10, 'ten', 1.25],
      [11, 'eleven', 2],
      [12, 'twelve,\t"x"\\', null],
    ]);
  }, 60_000);
});

/** A raw protocol client: typed messages out, the server's messages (type and body) in. */
async function rawPg(port: number): Promise<{ send(type: string, body: Buffer): void; until(type: string): Promise<{ type: string; body: Buffer }[]>; close(): void }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let buf = Buffer.alloc(0);
  const got: { type: string; body: Buffer }[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 5 && buf.length >= 1 + buf.readInt32BE(1)) {
      const len = buf.readInt32BE(1);
      got.push({ type: String.fromCharCode(buf[0]!), body: buf.subarray(5, 1 + len) });
      buf = buf.subarray(1 + len);
    }
    wake?.();
  });
  const params = Buffer.from('user\0eddy\0database\0eddy\0\0');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4);
  socket.write(Buffer.concat([startup, params]));
  const until = async (type: string) => {
    const end = Date.now() + 10_000;
    while (!got.some((m) => m.type === type)) {
      if (Date.now() > end) throw new Error(`no '${type}' message`);
      await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
    }
    return got.splice(0, got.findIndex((m) => m.type === type) + 1);
  };
  await until('Z');
  return {
    send: (type, body) => {
      const head = Buffer.alloc(5);
      head.write(type, 0);
      head.writeInt32BE(body.length + 4, 1);
      socket.write(Buffer.concat([head, body]));
    },
    until,
    close: () => socket.destroy(),
  };
}

describe('COPY FROM STDIN, message by message', () => {
  it('a CopyFail is 57014; the 1000-row chunk written before it stays, the rows after it are dropped', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute(DDL);
    const c = await rawPg(server.pgAddress!.port);
    c.send('Q', Buffer.from('COPY CT FROM STDIN WITH (FORMAT csv)\0'));
    const [g] = await c.until('G');
    expect([g!.body[0], g!.body.readInt16BE(1)]).toEqual([0, 3]);
    c.send('d', Buffer.from(Array.from({ length: 1500 }, (_, i) => `${i},n${i},1\n`).join('')));
    c.send('f', Buffer.from('user gave up\0'));
    const reply = await c.until('Z');
    const error = reply.find((m) => m.type === 'E')!.body.toString('utf8');
    expect(error).toContain('C57014\0');
    expect(error).toContain('MCOPY from stdin failed: user gave up (the 1000 rows written before stay committed)\0');
    // The session goes on: another COPY, this time ended by CopyDone.
    c.send('Q', Buffer.from('COPY CT FROM STDIN (FORMAT csv)\0'));
    await c.until('G');
    c.send('d', Buffer.from('5000,last,'));
    c.send('d', Buffer.from('2'));
    c.send('c', Buffer.alloc(0));
    const done = await c.until('Z');
    expect(done.filter((m) => m.type === 'C').map((m) => m.body.toString('utf8'))).toEqual(['COPY 1\0']);
    c.close();
    const all = rows(server, 'SELECT ID, NAME, AMOUNT FROM CT;');
    expect(all.length).toBe(1001);
    expect(all[999]).toEqual([999, 'n999', 1]);
    expect(all[1000]).toEqual([5000, 'last', 2]);
  }, 30_000);
});
