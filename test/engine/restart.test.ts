import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { rows, topic } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'eddy-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('restart', () => {
  it('persistent queries survive a restart and resume from committed offsets', () => {
    let eddy = Eddy.open({ dataDir: dir, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
    eddy.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE T AS SELECT K, SUM(V) AS TOTAL FROM S GROUP BY K;');
    eddy.execute("INSERT INTO S (ROWTIME, K, V) VALUES (1, 'a', 1);");
    eddy.execute("INSERT INTO S (ROWTIME, K, V) VALUES (1, 'a', 2);");
    eddy.runUntilIdle();
    eddy.close();

    eddy = Eddy.open({ dataDir: dir, autoStart: false });
    expect(rows(eddy, 'SHOW QUERIES;').map((r) => r[0])).toEqual(['CTAS_T_0']);
    eddy.execute("INSERT INTO S (K, V) VALUES ('a', 3);");
    eddy.runUntilIdle();
    // The first two records were one batch, of one group at one time: one change for both.
    expect(topic(eddy, 'T').map((r) => r.value)).toEqual([{ TOTAL: 3 }, { TOTAL: 6 }]);
    expect(rows(eddy, 'SELECT * FROM T;')).toEqual([['a', 6]]);
    eddy.execute('TERMINATE CTAS_T_0;');
    eddy.close();

    eddy = Eddy.open({ dataDir: dir, autoStart: false });
    expect(rows(eddy, 'SHOW QUERIES;')).toEqual([]);
    expect(rows(eddy, 'SHOW TABLES;').map((r) => r[0])).toEqual(['PROCESSING_LOG', 'T']);
    eddy.close();
  });
});
