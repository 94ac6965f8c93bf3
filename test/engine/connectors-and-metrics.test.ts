import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, rows } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());
const dir = mkdtempSync(join(tmpdir(), 'eddy-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
    eddy.runUntilIdle();
  }
}

describe('connectors', () => {
  it('datagen produces rows at its rate, up to max_rows', async () => {
    eddy = engine(1000);
    eddy.execute("CREATE STREAM PV (USER_ID STRING KEY, PAGE STRING, REGION STRING) WITH (source='datagen', rate=200, keys=5, max_rows=30, kafka_topic='pv', value_format='JSON');");
    await until(() => eddy.readTopic('pv').length >= 30);
    await new Promise((r) => setTimeout(r, 150));
    expect(eddy.readTopic('pv')).toHaveLength(30);
    const got = rows(eddy, 'SELECT USER_ID, REGION FROM PV LIMIT 5;');
    expect(got).toHaveLength(5);
    for (const [u, region] of got) {
      expect(String(u)).toMatch(/^[a-z]+_\d$/);
      expect(['north', 'south', 'east', 'west']).toContain(region);
    }
  });

  it('file source tails JSON lines; a bad line goes to the processing log', async () => {
    eddy = engine(1000);
    const path = join(dir, 'orders.jsonl');
    writeFileSync(path, '{"ID": 1, "ITEM": "apple"}\n{"ID": 2, "ITEM": "pear"}\n');
    eddy.execute(`CREATE STREAM ORDERS (ID INT KEY, ITEM STRING) WITH (source='file', path='${path}', kafka_topic='orders', value_format='JSON');`);
    eddy.execute("CREATE STREAM APPLES AS SELECT * FROM ORDERS WHERE ITEM = 'apple';");
    await until(() => eddy.readTopic('orders').length === 2);
    appendFileSync(path, '{"ID": 3, "ITEM": "apple"}\nnot json\n{"ID": 4, "ITE');
    await until(() => eddy.readTopic('orders').length === 3);
    eddy.runUntilIdle();
    expect(eddy.readTopic('APPLES')).toHaveLength(2);
    expect(eddy.processingLog().some((e) => /file connector for ORDERS/.test(e.reason))).toBe(true);
    appendFileSync(path, 'M": "fig"}\n');
    await until(() => eddy.readTopic('orders').length === 4);
  });
});

describe('metrics', () => {
  it('SHOW QUERIES EXTENDED and DESCRIBE <query> report progress', () => {
    eddy = engine(2);
    eddy.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');");
    eddy.execute('CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY K;');
    for (let i = 0; i < 5; i++) insert(eddy, 'S', 'K, V', `'a', ${i}`, 5000 + i);
    insert(eddy, 'S', 'K, V', "'a', 9", 10); // late
    const ext = rows(eddy, 'SHOW QUERIES EXTENDED;');
    expect(ext[0]!.slice(0, 3)).toEqual(['CTAS_T_0', 'PERSISTENT', 'T']);
    const [batches, recordsIn, , lag, late, errors] = ext[0]!.slice(5) as number[];
    expect(batches).toBe(6);
    expect(recordsIn).toBe(6);
    expect(lag).toBe(0);
    expect(late).toBe(1);
    expect(errors).toBe(0);
    const d = new Map(rows(eddy, 'DESCRIBE CTAS_T_0;').map((r) => [r[0], r[1]]));
    expect(d.get('lateDropped')).toBe(1);
    expect(d.get('recordsIn')).toBe(6);
    expect(eddy.progress('CTAS_T_0')?.batches).toBe(6);
  });
});
