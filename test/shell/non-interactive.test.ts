// The shell for scripts: -e, -f and standard input; table, CSV and JSON-lines output; exit
// status non-zero on error. Real processes of the eddy command.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './build.js';
import { tempDir } from './helpers.js';
import { eddy } from './process.js';

const SETUP = `CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING, NOTE STRING);
INSERT INTO T (ID, NAME, NOTE) VALUES (1, 'ada', 'says "hi", twice');
INSERT INTO T (ID, NAME) VALUES (2, 'bob');`;

describe('eddy -e / -f / stdin', () => {
  beforeAll(ensureBuilt, 180_000);

  it('prints CSV with quoting and empty NULLs, keeping messages off standard output', async () => {
    const data = join(tempDir(), 'data');
    const r = await eddy(['--data', data, '-o', 'csv', '-e', `${SETUP} SELECT * FROM T;`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ID,NAME,NOTE\n1,ada,"says ""hi"", twice"\n2,bob,\n');
    expect(r.stderr).toContain('Inserted 1 row.');
  }, 90_000);

  it('prints JSON lines, and reads a file with -f (data kept in the directory between runs)', async () => {
    const dir = tempDir();
    const file = join(dir, 'setup.sql');
    writeFileSync(file, SETUP);
    expect((await eddy(['--data', join(dir, 'data'), '-f', file])).status).toBe(0);
    const r = await eddy(['--data', join(dir, 'data'), '--output', 'json', '-e', 'SELECT ID, NOTE FROM T;']);
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { ID: 1, NOTE: 'says "hi", twice' },
      { ID: 2, NOTE: null },
    ]);
  }, 90_000);

  it('reads statements from standard input when it is not a terminal, and prints tables', async () => {
    const r = await eddy(['--memory'], `${SETUP}\nSELECT * FROM T;\n`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('│  2 │ bob  │ NULL             │');
  }, 90_000);

  it('stops at the first error with a caret and a non-zero status', async () => {
    const r = await eddy(['--memory', '-e', 'SELECT *\nFROM NOWHERE;\nCREATE TABLE NEVER (ID INT PRIMARY KEY);']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ERROR at line 2, column 6: NOWHERE does not exist.\n2 | FROM NOWHERE;\n         ^');
    expect(r.stdout).not.toContain('Table created');
  }, 90_000);

  it('formats DATE, TIME, TIMESTAMP and DOUBLE as ksqlDB does, and writes DECIMAL in JSON as a number with every digit', async () => {
    const setup =
      "CREATE TABLE V (ID INT PRIMARY KEY, D DATE, T TIME, TS TIMESTAMP, X DOUBLE, Y DOUBLE, M DECIMAL(5,2)); INSERT INTO V (ID, D, T, TS, X, Y, M) VALUES (1, '1970-01-14', '01:02:03.004', '2026-12-01T10:20:30.123', 1.0E0, 1.0E10, 3.10);";
    const json = await eddy(['--memory', '-o', 'json', '-e', `${setup} SELECT * FROM V;`]);
    expect(json.stdout.trim().split('\n').pop()).toBe('{"ID":1,"D":"1970-01-14","T":"01:02:03.004","TS":"2026-12-01T10:20:30.123","X":1,"Y":10000000000,"M":3.10}');
    const csv = await eddy(['--memory', '-o', 'csv', '-e', `${setup} SELECT * FROM V;`]);
    expect(csv.stdout).toBe('ID,D,T,TS,X,Y,M\n1,1970-01-14,01:02:03.004,2026-12-01T10:20:30.123,1.0,1.0E10,3.10\n');
    const table = await eddy(['--memory', '-e', `${setup} SELECT * FROM V;`]);
    expect(table.stdout).toContain('│  1 │ 1970-01-14 │ 01:02:03.004 │ 2026-12-01T10:20:30.123 │ 1.0 │ 1.0E10 │ 3.10 │');
  }, 90_000);

  it('PRINT shows INT keys as numbers and names the formats it detects, as ksqlDB does', async () => {
    const r = await eddy([
      '--memory',
      '-e',
      "CREATE STREAM S (K INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1); INSERT INTO S (K, V) VALUES (42, 'x'); INSERT INTO S (K, V) VALUES (7, 'y'); INSERT INTO S (K, V) VALUES (8, 'z'); PRINT 's' FROM BEGINNING LIMIT 2; PRINT 's' FROM BEGINNING INTERVAL 2 LIMIT 2;",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Key format: KAFKA_INT · Value format: JSON or KAFKA_STRING');
    // PRINT follows the topic until its LIMIT: the first two records, then every second one.
    const [first, second] = r.stdout.split('Key format').slice(1);
    expect(first).toMatch(/│ +0 │ 42  │ \{"V":"x"\} │\n.*│ +1 │ 7   │ \{"V":"y"\} │/);
    expect(first).not.toContain('"z"');
    expect(second).toMatch(/│ +0 │ 42  │ \{"V":"x"\} │\n.*│ +2 │ 8   │ \{"V":"z"\} │/);
  }, 90_000);

  it('streams a push query until its LIMIT', async () => {
    const r = await eddy([
      '--memory',
      '-o',
      'csv',
      '-e',
      "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON'); INSERT INTO S (K, V) VALUES ('a', 1); INSERT INTO S (K, V) VALUES ('b', 2); SET 'auto.offset.reset'='earliest'; SELECT K, V * 10 AS V10 FROM S EMIT CHANGES LIMIT 2;",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('K,V10\na,10\nb,20\n');
  }, 90_000);
});
