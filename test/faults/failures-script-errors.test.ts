// `eddy -e` / `-f` with a script that cannot end (an unbalanced `(` or an unclosed string): what
// comes before runs, then the error is reported with the script's line and column and the exit
// status is non-zero — before, the rest was skipped silently with status 0. Real eddy processes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../shell/build.js';
import { tempDir } from '../shell/helpers.js';
import { eddy } from '../shell/process.js';

const SCRIPT = (broken: string) => `CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING);
INSERT INTO T (ID, NAME) VALUES (1, 'ada');
${broken}
INSERT INTO T (ID, NAME) VALUES (2, 'bob');
`;

describe('a script that cannot end', () => {
  beforeAll(ensureBuilt, 180_000);

  it('-f: an unbalanced ( is reported at its line and column, exit status 1', async () => {
    const data = join(tempDir(), 'data');
    const file = join(tempDir(), 'broken.sql');
    writeFileSync(file, SCRIPT('SELECT * FROM T WHERE (ID = 1;'));
    const r = await eddy(['--data', data, '-o', 'csv', '-f', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ERROR at line 3, column 23: '(' is never closed\n3 | SELECT * FROM T WHERE (ID = 1;\n${' '.repeat(4 + 22)}^\n`);
    // What came before ran; nothing after the error did.
    const after = await eddy(['--data', data, '-o', 'csv', '-e', 'SELECT * FROM T;']);
    expect(after.stdout).toBe('ID,NAME\n1,ada\n');
  }, 120_000);

  it('-e: an unclosed string is reported at its line and column, exit status 1', async () => {
    // A string may span lines: the one left open is the last one opened.
    const r = await eddy(['--memory', '-o', 'csv', '-e', SCRIPT("SELECT * FROM T WHERE NAME = 'ada;")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ERROR at line 4, column 41: String literal is never closed');
    expect(r.stdout).toBe('');
    const quoted = await eddy(['--memory', '-e', 'SHOW STREAMS;\nSELECT * FROM "T;']);
    expect(quoted.status).toBe(1);
    expect(quoted.stderr).toContain('ERROR at line 2, column 15: Quoted name is never closed');
  }, 120_000);

  it('a complete script still exits 0, a last statement without ; included', async () => {
    const r = await eddy(['--memory', '-o', 'csv', '-e', "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING);\nINSERT INTO T (ID, NAME) VALUES (1, 'a (b');\nSELECT NAME FROM T WHERE ID = (1)"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('NAME\na (b\n');
  }, 120_000);
});
