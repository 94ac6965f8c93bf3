// A pull query that fixes a static table's whole primary key reads that row through SQLite's
// primary-key index instead of scanning the table; the rest of its WHERE still applies.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';

const ROWS = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'eddy-lookup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rows(eddy: Eddy, sql: string): unknown[][] {
  const [r] = eddy.execute(sql);
  return r?.kind === 'rows' ? r.rows.map((x) => [...x]) : [];
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

describe('static-table primary-key lookups', () => {
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, `ID,N,NAME\n${Array.from({ length: ROWS }, (_, i) => `u${i},${i},name ${i}`).join('\n')}\n`);
  const eddy = Eddy.open({ autoStart: false });
  eddy.execute(`CREATE TABLE USERS (ID STRING PRIMARY KEY, N INT, NAME STRING); COPY USERS FROM '${csv}';`);
  eddy.execute('CREATE TABLE PAIRS (A INT PRIMARY KEY, V STRING);');
  eddy.execute("INSERT INTO PAIRS (A, V) VALUES (7, 'seven'); INSERT INTO PAIRS (A, V) VALUES (8, 'eight');");
  afterAll(() => eddy.close());

  it('answers as a scan would, keeping the rest of WHERE', () => {
    expect(rows(eddy, "SELECT * FROM USERS WHERE ID = 'u4242';")).toEqual([['u4242', 4242, 'name 4242']]);
    expect(rows(eddy, "SELECT NAME FROM USERS WHERE 'u7' = ID AND N = 7;")).toEqual([['name 7']]);
    expect(rows(eddy, "SELECT NAME FROM USERS WHERE ID = 'u7' AND N = 8;")).toEqual([]);
    expect(rows(eddy, "SELECT NAME FROM USERS WHERE ID = 'nobody';")).toEqual([]);
    expect(rows(eddy, 'SELECT V FROM PAIRS WHERE A = 8;')).toEqual([['eight']]);
    expect(rows(eddy, 'SELECT V FROM PAIRS WHERE A = 8 OR A = 7;').sort()).toEqual([['eight'], ['seven']]);
  });

  it('is decided by the planner, and EXPLAIN shows it', () => {
    const explain = (sql: string) => {
      const [r] = eddy.execute(`EXPLAIN ${sql}`);
      if (r?.kind !== 'explain') throw new Error('expected explain');
      return r.text;
    };
    expect(explain("SELECT NAME FROM USERS WHERE ID = 'u7' AND N = 7;")).toMatch(/TableSource: USERS ← static SQLite table; primary-key lookup ID = 'u7'/);
    expect(explain("SELECT NAME FROM USERS WHERE ID = 'it''s';")).toMatch(/primary-key lookup ID = 'it''s'/);
    expect(explain('SELECT V FROM PAIRS WHERE A = 8;')).toMatch(/primary-key lookup A = 8/);
    // Anything short of the whole key by literals scans.
    for (const sql of ['SELECT V FROM PAIRS WHERE A = 8 OR A = 7;', 'SELECT V FROM PAIRS WHERE A > 7;', 'SELECT NAME FROM USERS WHERE N = 7;', "SELECT * FROM USERS WHERE ID = 'u7' EMIT CHANGES;"]) {
      expect(explain(sql)).not.toMatch(/primary-key lookup/);
    }
  });

  it('reads one row instead of the table', () => {
    rows(eddy, "SELECT * FROM USERS WHERE ID = 'u1';"); // warm the statement paths
    const lookup = Math.min(...[1, 2, 3].map((i) => timed(() => rows(eddy, `SELECT * FROM USERS WHERE ID = 'u${ROWS - i}';`))));
    const scan = timed(() => expect(rows(eddy, `SELECT * FROM USERS WHERE N = ${ROWS - 1};`)).toHaveLength(1));
    console.log(`lookup ${lookup.toFixed(1)} ms, scan ${scan.toFixed(1)} ms over ${ROWS} rows`);
    expect(lookup * 20).toBeLessThan(scan);
  });
});
