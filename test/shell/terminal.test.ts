// End to end in a real terminal: the built `eddy` binary under tmux, typed at as a person would.
// CREATE STREAM, INSERTs, a windowed push query whose rows update on screen, Ctrl-C to cancel it,
// Ctrl-D to leave. Needs tmux: skipped loudly without it, and a failure under CI=true.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build.js';
import { tempDir } from './helpers.js';
import { hasTmux, Terminal } from './tmux.js';

const term = new Terminal('shell-test');
const screen = () => term.screen();
const typeLine = (text: string) => term.typeLine(text);
const waitFor = (pred: (s: string) => boolean, what: string, ms?: number) => term.waitFor(pred, what, ms);

function counts(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const match of s.matchAll(/│ [^│]+│ (north|south|east|west|mars) +│ +(\d+) │/g)) m.set(match[1]!, Number(match[2]));
  return m;
}

describe.skipIf(!hasTmux)('eddy in a real terminal (tmux)', () => {
  beforeAll(ensureBuilt, 180_000);
  afterAll(() => term.stop());

  it('creates a stream, inserts, watches a windowed count update in place, cancels with Ctrl-C and leaves with Ctrl-D', async () => {
    const dir = tempDir();
    const cmd = `cd ${ROOT} && EDDY_HISTORY=${join(dir, 'history')} node bin/eddy.js --data ${join(dir, 'data')} --batch-interval 50`;
    term.start(cmd);
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

    term.keys('C-c');
    await waitFor((s) => /Cancelled: \d+ rows/.test(s) && /^eddy>/m.test(s.split('Cancelled:')[1] ?? ''), 'the cancel and a fresh prompt');
    typeLine('SHOW QUERIES;');
    await waitFor((s) => /0 rows/.test(s.split('SHOW QUERIES;')[1] ?? ''), 'no query left running');

    term.keys('C-d');
    await term.waitForExit('Ctrl-D');
  }, 400_000);
});
