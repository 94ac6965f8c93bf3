// psql habits in a real terminal (tmux): a trailing comment, the pager for results taller than the
// screen (less -R) and its switch, Ctrl-L, Tab arriving with the next letter, Ctrl-R, \q.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build.js';
import { tempDir } from './helpers.js';
import { hasTmux, Terminal } from './tmux.js';

const term = new Terminal('shell-habits');

describe.skipIf(!hasTmux)('psql habits in a real terminal (tmux)', () => {
  beforeAll(ensureBuilt, 180_000);
  afterAll(() => term.stop());

  it('pages long results, clears with Ctrl-L, completes Tab typed with a letter, searches history, leaves with \\q', async () => {
    const dir = tempDir();
    term.start(`cd ${ROOT} && env -u PAGER -u LESS EDDY_HISTORY=${join(dir, 'history')} node bin/eddy.js --memory`, 100, 30);
    await term.waitFor((s) => /^eddy>/m.test(s), 'the prompt', 120_000);

    term.typeLine('SHOW STREAMS; -- list');
    await term.waitFor((s) => s.includes('0 rows'), 'SHOW STREAMS');
    term.typeLine('SHOW TABLES;');
    await term.waitFor((s) => s.includes('PROCESSING_LOG'), 'SHOW TABLES after the comment');

    // SHOW FUNCTIONS is taller than 30 lines: it opens in less, which holds the screen until q.
    term.typeLine('SHOW FUNCTIONS;');
    const paged = await term.waitFor((s) => /^:\s*$/m.test(s.trimEnd().split('\n').pop() ?? ''), 'less and its prompt');
    expect(paged).toContain('│ Function ');
    expect(paged).not.toMatch(/^eddy>/m);
    term.keys('q');
    const after = await term.waitFor((s) => /^\d{2,} rows \(/m.test(s) && /eddy> *$/.test(s.trimEnd()), 'the count and the prompt after less');
    expect(after).not.toMatch(/^:\s*$/m);

    term.typeLine('\\pset pager off');
    await term.waitFor((s) => s.includes('The pager is off.'), 'the pager switched off');
    term.typeLine('SHOW FUNCTIONS;');
    await term.waitFor((s) => (s.match(/^\d{2,} rows \(/gm) ?? []).length === 1 && s.includes('└──') && /eddy> *$/.test(s.trimEnd()), 'the rows printed without a pager');

    // Ctrl-L leaves only the prompt on the screen.
    term.keys('C-l');
    await term.waitFor((s) => s.trim() === 'eddy>', 'a cleared screen');

    // Tab and the next letter in one write: completion, then the letter (no tab character).
    term.typeRaw('SH\tST');
    await term.waitFor((s) => /^eddy> SHOW ST\s*$/m.test(s), 'SHOW ST completed');
    term.keys('C-u');
    term.keys('C-r');
    term.typeRaw('FUNC');
    await term.waitFor((s) => s.includes("(reverse-i-search)`FUNC': SHOW FUNCTIONS;"), 'reverse search');
    term.keys('Enter');
    await term.waitFor((s) => /^eddy> SHOW FUNCTIONS;\s*$/m.test(s), 'the found statement at the prompt');
    term.keys('C-u');

    term.typeLine('\\q');
    await term.waitForExit('\\q');
  }, 400_000);
});
