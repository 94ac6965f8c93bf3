// End to end in a real terminal: the built `eddy` binary under tmux, typed at as a person would.
// CREATE STREAM, INSERTs, a windowed push query whose rows update on screen, Ctrl-C to cancel it,
// Ctrl-D to leave. Needs tmux: skipped loudly without it, and a failure under CI=true.

import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build.js';
import { sleep, tempDir } from './helpers.js';

const SOCKET = `eddy-shell-test-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

if (!hasTmux) {
  const say = '\n\n!!!!!!!!!! tmux is not installed: the terminal test of the shell is SKIPPED (apt-get install -y tmux) !!!!!!!!!!\n\n';
  if (process.env['CI'] === 'true') throw new Error(`${say}Under CI=true this is a failure.`);
  console.warn(say);
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'eddy');
}

/** Types one line; tmux would read a trailing `;` as its own command separator, hence `\;`. */
function typeLine(text: string): void {
  tmux('send-keys', '-t', 'eddy', '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text);
  tmux('send-keys', '-t', 'eddy', 'Enter');
}

async function waitFor(pred: (s: string) => boolean, what: string, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (pred(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${s}`);
    await sleep(100);
  }
}

function counts(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const match of s.matchAll(/│ [^│]+│ (north|south|east|west|mars) +│ +(\d+) │/g)) m.set(match[1]!, Number(match[2]));
  return m;
}

describe.skipIf(!hasTmux)('eddy in a real terminal (tmux)', () => {
  beforeAll(ensureBuilt, 180_000);
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('creates a stream, inserts, watches a windowed count update in place, cancels with Ctrl-C and leaves with Ctrl-D', async () => {
    const dir = tempDir();
    const cmd = `cd ${ROOT} && EDDY_HISTORY=${join(dir, 'history')} node bin/eddy.js --data ${join(dir, 'data')} --batch-interval 50`;
    tmux('new-session', '-d', '-s', 'eddy', '-x', '120', '-y', '40', cmd);
    await waitFor((s) => /^eddy>/m.test(s), 'the prompt', 120_000);
    expect(screen()).toContain('A datagen stream RIDES');

    typeLine("SET 'auto.offset.reset' = 'earliest';");
    await waitFor((s) => s.includes("Successfully changed local property 'auto.offset.reset'"), 'SET');
    typeLine('CREATE STREAM TRIPS (TRIP_ID STRING KEY, REGION STRING, KM DOUBLE)');
    typeLine("  WITH (source='datagen', rate=20, keys=50, kafka_topic='trips', value_format='JSON');");
    await waitFor((s) => s.includes('Stream created'), 'CREATE STREAM');
    typeLine("INSERT INTO TRIPS (TRIP_ID, REGION, KM) VALUES ('t1', 'mars', 1.5);");
    typeLine("INSERT INTO TRIPS (TRIP_ID, REGION, KM) VALUES ('t2', 'mars', 2.5);");
    await waitFor((s) => (s.match(/Inserted 1 row/g) ?? []).length === 2, 'two INSERTs');

    typeLine('SELECT REGION, COUNT(*) AS N FROM TRIPS');
    typeLine('  WINDOW TUMBLING (SIZE 1 DAY) GROUP BY REGION EMIT CHANGES;');
    const first = await waitFor((s) => counts(s).get('mars') === 2 && counts(s).size >= 3 && s.includes('Ctrl-C to cancel'), 'the live counts');
    expect(first).toMatch(/batch \d+ · \d+ rows\/s · latency \d+ ms · late dropped 0/);
    const before = counts(first);
    // The counts grow as datagen produces, each region staying on its one row.
    const later = await waitFor((s) => {
      const c = counts(s);
      return [...before].some(([region, n]) => (c.get(region) ?? 0) > n);
    }, 'a count to grow');
    for (const region of counts(later).keys()) expect(later.match(new RegExp(`│ ${region} `, 'g'))).toHaveLength(1);

    tmux('send-keys', '-t', 'eddy', 'C-c');
    await waitFor((s) => /Cancelled: \d+ rows/.test(s) && /^eddy>/m.test(s.split('Cancelled:')[1] ?? ''), 'the cancel and a fresh prompt');
    typeLine('SHOW QUERIES;');
    await waitFor((s) => /0 rows/.test(s.split('SHOW QUERIES;')[1] ?? ''), 'no query left running');

    tmux('send-keys', '-t', 'eddy', 'C-d');
    const end = Date.now() + 15_000;
    while (spawnSync('tmux', ['-L', SOCKET, 'has-session', '-t', 'eddy']).status === 0) {
      if (Date.now() > end) throw new Error(`Ctrl-D did not leave the shell; the terminal shows:\n${screen()}`);
      await sleep(100);
    }
  }, 400_000);
});
