// The file and SQLite sinks in one process: what they write is read back by python3 (json, csv,
// sqlite3, and pyarrow for Parquet), a batch delivered again is skipped by its manifest entry or _eddy_offsets row, and the
// planner refuses what a sink cannot mean.
import { mkdtempSync, rmSync, unlinkSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { parquetTestable, readFiles, readSqlite } from './read-targets.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-sink-'));
  dirs.push(d);
  return d;
}

const SOURCE = "CREATE STREAM S (ID INT KEY, REGION STRING, V DOUBLE, D DECIMAL(10,2), TAGS ARRAY<STRING>, NOTE STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);";
const INPUT = [
  { ID: 1, REGION: 'eu', V: 1.5, D: '1.25', TAGS: ['a'], NOTE: 'plain' },
  { ID: 2, REGION: 'us', V: 2, D: null, TAGS: [], NOTE: 'has, comma and "quotes"' },
  { ID: 3, REGION: 'eu', V: -3, D: '12345678.99', TAGS: null, NOTE: 'line\nbreak' },
  { ID: 4, REGION: null, V: 0.1, D: '0.01', TAGS: ['x', 'y'], NOTE: '' },
];

describe('file sink', () => {
  it('writes JSON lines and partitioned CSV that python reads back, one file per batch with a manifest', async () => {
    const dir = tempDir();
    const e = Eddy.open({ autoStart: false, batch: { maxRecords: 2 } });
    e.execute(`${SOURCE}
      CREATE STREAM J WITH (sink='file', path='${dir}/j', format='JSON') AS SELECT * FROM S;
      CREATE STREAM C WITH (sink='file', path='${dir}/c', format='CSV', partition_column='region') AS SELECT ID, REGION, D, NOTE FROM S;`);
    e.insert('S', INPUT);
    await e.flushSinks();
    const j = readFiles(`${dir}/j`);
    expect(j.files).toEqual(['CSAS_J_0-0000000001.jsonl', 'CSAS_J_0-0000000002.jsonl']);
    expect(j.manifest).toEqual(j.files);
    expect(j.rows).toEqual([
      { ID: 1, REGION: 'eu', V: 1.5, D: 1.25, TAGS: ['a'], NOTE: 'plain' },
      { ID: 2, REGION: 'us', V: 2, D: null, TAGS: [], NOTE: 'has, comma and "quotes"' },
      { ID: 3, REGION: 'eu', V: -3, D: 12345678.99, TAGS: null, NOTE: 'line\nbreak' },
      { ID: 4, REGION: null, V: 0.1, D: 0.01, TAGS: ['x', 'y'], NOTE: '' },
    ]);
    const c = readFiles(`${dir}/c`);
    expect(c.files).toEqual(['region=__NULL__/CSAS_C_1-0000000002.csv', 'region=eu/CSAS_C_1-0000000001.csv', 'region=eu/CSAS_C_1-0000000002.csv', 'region=us/CSAS_C_1-0000000001.csv']);
    const byId = new Map(c.rows.map((r) => [r.ID, r]));
    expect(byId.get('2')).toEqual({ ID: '2', REGION: 'us', D: '', NOTE: 'has, comma and "quotes"' });
    expect(byId.get('3')).toEqual({ ID: '3', REGION: 'eu', D: '12345678.99', NOTE: 'line\nbreak' });
    expect(byId.get('4')).toEqual({ ID: '4', REGION: '', D: '0.01', NOTE: '' });
    expect(e.execute('SHOW SINKS;')[0]).toMatchObject({ kind: 'rows' });
    e.close();
  });

  it('writes a DOUBLE NaN or infinity as the string JSON topics use ("NaN", "Infinity"), not as null', async () => {
    const dir = tempDir();
    const e = Eddy.open({ autoStart: false });
    e.execute(`${SOURCE}
      CREATE STREAM J WITH (sink='file', path='${dir}/j', format='JSON') AS SELECT ID, V FROM S;`);
    e.insert('S', [
      { ID: 1, V: Number.NaN },
      { ID: 2, V: Number.POSITIVE_INFINITY },
      { ID: 3, V: Number.NEGATIVE_INFINITY },
    ]);
    await e.flushSinks();
    expect(readFiles(`${dir}/j`).rows).toEqual([
      { ID: 1, V: 'NaN' },
      { ID: 2, V: 'Infinity' },
      { ID: 3, V: '-Infinity' },
    ]);
    e.close();
  });

  it.skipIf(!parquetTestable())('writes Parquet that pyarrow reads as the rows the JSON-lines sink writes, each SQL type as its Parquet type', async () => {
    const dir = tempDir();
    const e = Eddy.open({ autoStart: false, batch: { maxRecords: 2 } });
    const cols =
      'ID INT KEY, REGION STRING, B BIGINT, V DOUBLE, D DECIMAL(10,2), BD DECIMAL(30,5), TS TIMESTAMP, DT DATE, TM TIME, OK BOOLEAN, BS BYTES, TAGS ARRAY<STRING>, M MAP<STRING, INT>, ST STRUCT<A INT, B STRING>';
    e.execute(`CREATE STREAM S (${cols}) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM P WITH (sink='file', path='${dir}/p', format='PARQUET') AS SELECT * FROM S;
      CREATE STREAM J WITH (sink='file', path='${dir}/j', format='JSON') AS SELECT * FROM S;
      CREATE STREAM PP WITH (sink='file', path='${dir}/pp', format='parquet', partition_column='REGION') AS SELECT ID, REGION, B FROM S;`);
    // BIGINT past 2^53 (and Long.MIN_VALUE) go in as SQL literals: a JS number could not carry them.
    e.execute(`INSERT INTO S (ID, REGION, B, V, D, BD, TS, DT, TM, OK, BS, TAGS, M, ST) VALUES (1, 'eu', 998877665544332211, 1.5, 1.25, 1234567890123456789012.12345,
      '2023-11-14T22:13:20.123', '2024-02-29', '12:34:56.789', true, TO_BYTES('AQID', 'base64'), ARRAY['a', NULL], MAP('k' := 1, 'z' := NULL), STRUCT(A := 5, B := 'x'));`);
    e.execute(`INSERT INTO S (ID, REGION, B) VALUES (2, NULL, -9223372036854775808);`);
    e.insert('S', [{ ID: 3, REGION: 'us', B: 7, V: -0.25, D: '-0.01', BD: '0.00001', TS: 0, DT: -1, TM: 0, OK: false, TAGS: [], M: new Map(), ST: { A: null, B: null } }]);
    await e.flushSinks();
    e.close();

    const p = readFiles(`${dir}/p`, true);
    const j = readFiles(`${dir}/j`, true);
    expect(p.files).toEqual(['CSAS_P_0-0000000001.parquet', 'CSAS_P_0-0000000002.parquet']);
    expect(p.manifest).toEqual(p.files);
    expect(p.hidden).toEqual([]);
    expect(p.rows).toEqual(j.rows); // the same rows as the JSON-lines sink, value for value
    expect(p.rows.map((r) => r.ID)).toEqual(['1', '2', '3']);
    expect(p.rows[0]).toEqual({
      ID: '1',
      REGION: 'eu',
      B: '998877665544332211',
      V: '1.5',
      D: '1.25',
      BD: '1234567890123456789012.12345',
      TS: '1700000000123',
      DT: '19782',
      TM: '45296789',
      OK: true,
      BS: 'AQID',
      TAGS: ['a', null],
      M: { k: '1', z: null },
      ST: { A: '5', B: 'x' },
    });
    expect(p.rows[1]).toMatchObject({ ID: '2', REGION: null, B: '-9223372036854775808', V: null, D: null, TS: null, TAGS: null, M: null, ST: null });
    expect(p.rows[2]).toMatchObject({ B: '7', D: '-0.01', BD: '0.00001', TS: '0', DT: '-1', OK: false, TAGS: [], M: {}, ST: { A: null, B: null } });
    // (pyarrow names a map's entries after the column, as it does reading a file it wrote itself.)
    for (const schema of Object.values(p.schemas)) {
      expect(schema).toEqual({
        ID: 'int32',
        REGION: 'string',
        B: 'int64',
        V: 'double',
        D: 'decimal128(10, 2)',
        BD: 'decimal128(30, 5)',
        TS: 'timestamp[ms, tz=UTC]',
        DT: 'date32[day]',
        TM: 'time32[ms]',
        OK: 'bool',
        BS: 'binary',
        TAGS: 'list<element: string>',
        M: "map<string, int32 ('M')>",
        ST: 'struct<A: int32, B: string>',
      });
    }
    // Partitioned as the other formats: a directory per value, NULL under __NULL__.
    const pp = readFiles(`${dir}/pp`, true);
    expect(pp.files).toEqual(['region=__NULL__/CSAS_PP_2-0000000001.parquet', 'region=eu/CSAS_PP_2-0000000001.parquet', 'region=us/CSAS_PP_2-0000000002.parquet']);
    expect(pp.manifest).toEqual(pp.files);
    expect(pp.rows).toEqual([
      { ID: '2', REGION: null, B: '-9223372036854775808' },
      { ID: '1', REGION: 'eu', B: '998877665544332211' },
      { ID: '3', REGION: 'us', B: '7' },
    ]);
  });

  it('skips on redelivery a batch its manifest has, rewrites one it lacks, and removes temporaries', async () => {
    const dir = tempDir();
    const data = tempDir();
    let e = Eddy.open({ dataDir: data, autoStart: false, batch: { maxRecords: 2 } });
    e.execute(`${SOURCE}
      CREATE STREAM J WITH (sink='file', path='${dir}/j') AS SELECT ID, V FROM S;
      CREATE TABLE T WITH (sink='sqlite', path='${dir}/t.db') AS SELECT REGION, COUNT(*) AS N FROM S GROUP BY REGION;`);
    e.insert('S', INPUT);
    e.runUntilIdle(); // batches committed and delivered (synchronous writers)
    e.close();
    // As if a crash had struck after batch 2's files were renamed but before Eddy's outbox row went:
    // put batch 2 back into the outbox, drop its manifest entry, and leave a temporary behind.
    const before = readFiles(`${dir}/j`);
    const db = (await import('better-sqlite3')).default(join(data, 'eddy.db'));
    const rows = '[[0,[3,-3]],[0,[4,0.1]]]';
    db.prepare("INSERT INTO sink_outbox(owner, batch, rows) VALUES ('CSAS_J_0', 2, ?), ('CTAS_T_1', 2, ?)").run(rows, '[[0,["eu",2]],[0,[null,1]]]');
    db.close();
    unlinkSync(join(dir, 'j', '_eddy_manifest', 'CSAS_J_0', '0000000002.json'));
    writeFileSync(join(dir, 'j', '.CSAS_J_0-0000000003.jsonl.tmp'), '{"ID":');
    e = Eddy.open({ dataDir: data, autoStart: false });
    await e.flushSinks();
    e.close();
    const after = readFiles(`${dir}/j`);
    expect(after).toEqual({ ...before, hidden: [] });
    expect(after.rows.map((r) => r.ID)).toEqual([1, 2, 3, 4]);
    // The SQLite target's _eddy_offsets said batch 2 was in: the redelivery changed nothing.
    expect(readSqlite(`${dir}/t.db`)).toEqual({
      _eddy_offsets: [['CTAS_T_1', 't', 2]],
      t: [
        ['eu', 2],
        ['us', 1],
      ],
    }); // a NULL group key is dropped (ksqlDB)
    expect(readdirSync(join(dir, 'j')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses what a sink cannot mean, and secrets in WITH', () => {
    const e = Eddy.open({ autoStart: false });
    e.execute(SOURCE);
    expect(() => e.execute("CREATE STREAM X WITH (sink='file') AS SELECT * FROM S;")).toThrow(/needs 'path'/);
    expect(() => e.execute("CREATE STREAM X WITH (sink='file', path='/tmp/x', format='AVRO') AS SELECT * FROM S;")).toThrow(/JSON.*CSV.*PARQUET/);
    expect(() => e.execute("CREATE TABLE X WITH (sink='file', path='/tmp/x') AS SELECT REGION, COUNT(*) FROM S GROUP BY REGION;")).toThrow(/appends rows/);
    expect(() => e.execute("CREATE STREAM X WITH (sink='file', path='/tmp/x', partition_column='nope') AS SELECT * FROM S;")).toThrow(/partition column 'NOPE'/);
    expect(() => e.execute("CREATE STREAM X WITH (sink='postgres', password='hunter2') AS SELECT * FROM S;")).toThrow(/password_env/);
    expect(() => e.execute("CREATE STREAM X WITH (sink='webhook', url='ftp://x') AS SELECT * FROM S;")).toThrow(/http/);
    expect(() => e.execute("CREATE STREAM X WITH (sink='kafka2') AS SELECT * FROM S;")).toThrow(/Unknown sink 'kafka2'/);
    e.close();
  });
});
