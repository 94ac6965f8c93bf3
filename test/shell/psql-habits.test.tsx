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
