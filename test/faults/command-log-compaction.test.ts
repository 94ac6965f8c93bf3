// Start-up does not grow with history: replay compacts the command log to what is in effect, and
// the compacted log rebuilds the same catalog, query ids, state and outputs as the full one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const open = (dir: string) => Eddy.open({ dataDir: dir, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
const commands = (e: Eddy) => e.state.db.prepare('SELECT sql FROM commands ORDER BY seq').pluck().all() as string[];

function summary(e: Eddy) {
  const rows = (sql: string) => {
    const r = e.execute(sql)[0]!;
    return r.kind === 'rows' ? r.rows : [];
  };
  return {
    sources: e.state.catalog.list().map((s) => `${s.kind} ${s.name} ${s.writtenBy ?? ''}`),
    queries: [...e.state.queries.keys()],
    counts: rows('SELECT * FROM COUNTS;'),
    out: e.readTopic('OUT').length,
  };
}

describe('command-log compaction', () => {
  it('drops dropped sources, terminated INSERTs and superseded definitions; what remains replays the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-compact-'));
    dirs.push(dir);
    let eddy = open(dir);
    eddy.execute(`
      CREATE STREAM INPUT (ID INT KEY, V INT) WITH (kafka_topic='input', value_format='JSON', partitions=1);
      CREATE STREAM OUT (ID INT KEY, V INT) WITH (kafka_topic='out', value_format='JSON', partitions=1);
      CREATE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM INPUT GROUP BY ID;
    `);
    eddy.insert('INPUT', [
      { ID: 1, V: 1 },
      { ID: 2, V: 2 },
    ]);
    eddy.runUntilIdle();
    for (let i = 0; i < 20; i++) {
      eddy.execute(`CREATE STREAM TMP AS SELECT * FROM INPUT; DROP STREAM TMP;`);
      const [r] = eddy.execute('INSERT INTO OUT SELECT * FROM INPUT;');
      eddy.runUntilIdle();
      eddy.execute(`TERMINATE ${r!.kind === 'message' ? r.queryId : ''};`);
      eddy.execute(`CREATE OR REPLACE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM INPUT WHERE V > ${-i} GROUP BY ID;`);
    }
    // Kept: a source read by a query between its definitions.
    eddy.execute('CREATE STREAM KEPT AS SELECT * FROM INPUT; CREATE STREAM READER AS SELECT * FROM KEPT; CREATE OR REPLACE STREAM KEPT AS SELECT * FROM INPUT WHERE V > 0;');
    eddy.insert('INPUT', [{ ID: 1, V: 3 }]);
    eddy.runUntilIdle();
    const before = summary(eddy);
    const full = commands(eddy).length;
    eddy.close();

    eddy = open(dir);
    const compacted = commands(eddy);
    expect(summary(eddy)).toEqual(before);
    eddy.close();
    expect(full).toBe(3 + 20 * 5 + 3);
    expect(compacted).toEqual([
      "CREATE STREAM INPUT (ID INT KEY, V INT) WITH (kafka_topic='input', value_format='JSON', partitions=1)",
      "CREATE STREAM OUT (ID INT KEY, V INT) WITH (kafka_topic='out', value_format='JSON', partitions=1)",
      'CREATE OR REPLACE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM INPUT WHERE V > -19 GROUP BY ID',
      'CREATE STREAM KEPT AS SELECT * FROM INPUT',
      'CREATE STREAM READER AS SELECT * FROM KEPT',
      'CREATE OR REPLACE STREAM KEPT AS SELECT * FROM INPUT WHERE V > 0',
    ]);

    // Once more after the compaction: ids do not come back, outputs go on exactly.
    eddy = open(dir);
    expect(summary(eddy)).toEqual(before);
    const [r] = eddy.execute('INSERT INTO OUT SELECT * FROM INPUT;');
    expect(r!.kind === 'message' && r.queryId).toBe('INSERTQUERY_43');
    eddy.insert('INPUT', [{ ID: 2, V: 4 }]);
    eddy.runUntilIdle();
    expect(summary(eddy).counts).toEqual([
      [1, 2],
      [2, 2],
    ]);
    eddy.close();
  });
});
