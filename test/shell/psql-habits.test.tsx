// The shell as psql and DuckDB users type at it: comments and blank lines anywhere, backslash and
// dot meta-commands, keys that arrive together in one read.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLICKS, KEYS, openSession, tempDir } from './helpers.js';

async function run(s: ReturnType<typeof openSession>, sql: string): Promise<void> {
  await s.type(sql);
  await s.key(KEYS.enter);
}

describe('shell: comments and blank input', () => {
  it('runs the statement typed after a line that ended in a comment', async () => {
    const s = openSession();
    await run(s, 'SHOW STREAMS; -- list');
    await s.waitFor((x) => x.includes('0 rows'));
    // The comment is not left at the prompt for the next statement to be swallowed by.
    expect(s.screen().trimEnd().endsWith('eddy>')).toBe(true);
    await run(s, 'SHOW TABLES;');
    await s.waitFor((x) => x.includes('PROCESSING_LOG'));
  });

  it('treats Enter on a blank line or a comment-only line as nothing to run', async () => {
    const s = openSession();
    await s.key(KEYS.enter);
    await run(s, '-- just a note');
    await run(s, '   ');
    expect(s.screen()).not.toMatch(/^ {3}->/m);
    expect(s.screen().trimEnd().endsWith('eddy>')).toBe(true);
    await run(s, '/* a block */ SHOW STREAMS; /* after */');
    await s.waitFor((x) => x.includes('0 rows'));
    await run(s, 'SHOW TABLES -- not yet ended');
    expect(s.screen()).toMatch(/^ {3}->/m);
    await run(s, ';');
    await s.waitFor((x) => x.includes('PROCESSING_LOG'));
  });

  it('keeps an unfinished statement after a finished one on its own line, so typing continues it', async () => {
    const s = openSession();
    await run(s, 'SHOW STREAMS; SHOW -- the rest follows');
    await s.waitFor((x) => x.includes('0 rows'));
    await run(s, 'TABLES;');
    await s.waitFor((x) => x.includes('PROCESSING_LOG'));
    expect(s.screen()).toContain('Tables');
  });
});

describe('shell: meta-commands', () => {
  it("lists and describes with \\d, \\dt, \\df and DuckDB's .tables and .schema", async () => {
    const s = openSession();
    await run(s, CLICKS);
    await s.waitFor((x) => x.includes('Stream created'));
    await run(s, '\\d');
    await s.waitFor((x) => x.includes('│ CLICKS │') && x.includes('│ PROCESSING_LOG │'));
    await run(s, '\\d clicks');
    await s.waitFor((x) => x.includes('Stream CLICKS') && x.includes('│ USER_ID │ STRING (key) │'));
    await run(s, '\\dt');
    await s.waitFor((x) => (x.match(/PROCESSING_LOG/g) ?? []).length === 2);
    await run(s, '\\df abs');
    await s.waitFor((x) => x.includes('ABS(DOUBLE) → DOUBLE'));
    await run(s, '.tables');
    await s.waitFor((x) => (x.match(/│ CLICKS /g) ?? []).length === 2);
    await run(s, '.schema CLICKS');
    await s.waitFor((x) => (x.match(/Stream CLICKS/g) ?? []).length === 2);
  });

  it('says so for an unknown meta-command instead of waiting for more input', async () => {
    const s = openSession();
    await run(s, '\\dz');
    await s.waitFor((x) => x.includes("ERROR: Unknown meta-command '\\dz'. \\? lists them."));
    await run(s, '.mode box');
    await s.waitFor((x) => x.includes("ERROR: Unknown meta-command '.mode'."));
    expect(s.screen()).not.toMatch(/^ {3}->/m);
    await run(s, '\\?');
    await s.waitFor((x) => x.includes('\\pset pager [on|off]'));
  });

  it('switches timing and records, and \\o sends results to a file until \\o alone', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.txt');
    const s = openSession();
    await run(s, 'CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING);');
    await run(s, "INSERT INTO T (ID, NAME) VALUES (7, 'ada');");
    await run(s, '\\timing off');
    await s.waitFor((x) => x.includes('Timing is off.'));
    await run(s, 'SELECT * FROM T;');
    await s.waitFor((x) => /^1 row$/m.test(x));
    await run(s, '\\timing');
    await run(s, '\\x on');
    await s.waitFor((x) => x.includes('Records (one field a line) are on.'));
    await run(s, `\\o ${out}`);
    await s.waitFor((x) => x.includes(`Results go to ${out}`));
    await run(s, 'SELECT * FROM T;');
    await run(s, '\\o');
    await s.waitFor((x) => x.includes('Results go to the screen.'));
    const written = readFileSync(out, 'utf8');
    expect(written).toMatch(/─\[ RECORD 1 \]─+\nID   │ 7\nNAME │ ada\n1 row \(/);
    expect(s.screen()).not.toContain('NAME │ ada');
  });

  it('runs a file with \\i and leaves with \\q', async () => {
    const file = join(tempDir(), 'setup.sql');
    writeFileSync(file, `${CLICKS}\n-- a comment\nINSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('ada', '/a', 1);\n`);
    const s = openSession();
    await run(s, `\\i ${file}`);
    await s.waitFor((x) => x.includes(`Ran 2 of 2 statements from ${file}`));
    expect(s.eddy.readTopic('clicks')).toHaveLength(1);
    await run(s, '\\q');
    for (let i = 0; i < 100 && s.eddy.state.db.open; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.eddy.state.db.open).toBe(false);
  });
});

describe('shell: keys that arrive together', () => {
  it('reads Tab and a letter in one chunk as a completion then the letter, and Ctrl-R with its query', async () => {
    const s = openSession();
    await s.type('SH');
    await s.type('\tST');
    expect(s.screen()).toMatch(/eddy> SHOW ST$/m);
    expect(s.screen()).not.toContain('\t');
    await s.type('REAMS;\r');
    await s.waitFor((x) => x.includes('0 rows'));
    await s.type('\x12STR');
    expect(s.screen()).toContain("(reverse-i-search)`STR': SHOW STREAMS;");
    await s.key(KEYS.enter);
    expect(s.screen()).toMatch(/eddy> SHOW STREAMS;$/m);
  });
});
