// docs/extending.md's SQL examples run as shown, and do what the text says they do.
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeBlocks, ROOT } from '../docs/readme-blocks.js';
import { rows, topic } from '../engine/helpers.js';

let eddy: Eddy | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
});

describe('docs/extending.md', () => {
  it('its SQL example runs: the functions are created, listed, described and applied', () => {
    // The runnable examples: the sql blocks not marked as a synopsis (the streaming-ML one is run
    // by test/functions/streaming-ml.test.ts).
    const lines = readFileSync(join(ROOT, 'docs/extending.md'), 'utf8').split('\n');
    const sql = codeBlocks('docs/extending.md').filter((b) => b.lang === 'sql' && lines[b.line - 2] !== '<!-- synopsis -->');
    expect(sql).toHaveLength(3);
    const e = (eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'earliest' } }));
    const results = e.execute(sql[0]!.code);
    expect(results.map((r) => r.kind)).toEqual(['message', 'message', 'message', 'message', 'rows', 'rows']);
    expect(
      rows(e, 'SHOW FUNCTIONS;')
        .filter((r) => r[2] === 'user')
        .map((r) => r[0]),
    ).toEqual(['LABEL', 'TO_FAHRENHEIT']);
    e.execute("INSERT INTO READINGS (SENSOR, CELSIUS) VALUES ('s1', 100.0); INSERT INTO READINGS (SENSOR) VALUES ('s2');");
    e.runUntilIdle();
    expect(topic(e, 'READINGS_F').map((r) => r.value)).toEqual([
      { F: 212, L: 's1 #1' },
      { F: null, L: 's2 #1' },
    ]);
  });

  it('its table function and aggregate example runs: rows per word, the longest text per key', () => {
    const sql = codeBlocks('docs/extending.md').filter((b) => b.lang === 'sql');
    const e = (eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'earliest' } }));
    const results = e.execute(sql[1]!.code);
    expect(results.map((r) => r.kind)).toEqual(['message', 'message', 'message', 'message', 'message', 'message', 'rows']);
    expect(
      rows(e, 'SHOW FUNCTIONS;')
        .filter((r) => r[2] === 'user')
        .map((r) => [r[0], r[1]]),
    ).toEqual([
      ['DIGITS', 'TABLE'],
      ['LONGEST', 'AGGREGATE'],
      ['WORDS', 'TABLE'],
    ]);
    e.execute("INSERT INTO MESSAGES (ID, TEXT) VALUES (1, 'the quick brown fox'); INSERT INTO MESSAGES (ID) VALUES (2); INSERT INTO MESSAGES (ID, TEXT) VALUES (1, 'jumps');");
    e.runUntilIdle();
    expect(topic(e, 'LONG_WORDS').map((r) => r.value)).toEqual([{ W: { WORD: 'quick', LEN: 5 } }, { W: { WORD: 'brown', LEN: 5 } }, { W: { WORD: 'jumps', LEN: 5 } }]);
    const last = new Map(topic(e, 'LONGEST_BY_ID').map((r) => [r.key, r.value]));
    expect(last.get(1)).toEqual({ L: 'the quick brown fox' });
    expect(last.get(2)).toEqual({ L: null });
  });

  it('its state function example runs: a finished session is one row of SESSIONS, an open one a row of OPEN_SESSIONS', () => {
    const lines = readFileSync(join(ROOT, 'docs/extending.md'), 'utf8').split('\n');
    const sql = codeBlocks('docs/extending.md').filter((b) => b.lang === 'sql' && lines[b.line - 2] !== '<!-- synopsis -->');
    const e = (eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'earliest' } }));
    expect(e.execute(sql[2]!.code).map((r) => r.kind)).toEqual(['message', 'message', 'message', 'message']);
    const min = 60 * 1000;
    e.execute(`INSERT INTO CLICKS (ROWTIME, USER_ID, URL) VALUES (${1 * min}, 'u1', '/');
INSERT INTO CLICKS (ROWTIME, USER_ID, URL) VALUES (${5 * min}, 'u1', '/cart');
INSERT INTO CLICKS (ROWTIME, USER_ID, URL) VALUES (${10 * min}, 'u2', '/');
INSERT INTO CLICKS (ROWTIME, USER_ID, URL) VALUES (${35 * min}, 'u2', '/help');`);
    e.runUntilIdle();
    // Stream time 35 min: u1's session (last click at 5) ended at 35, before u2's click there; u2's is open.
    expect(topic(e, 'SESSIONS').map((r) => [r.key, r.value, r.ts])).toEqual([['u1', { S: { CLICKS: 2, FIRST_URL: '/', STARTED: 1 * min, ENDED: 5 * min } }, 35 * min]]);
    expect(rows(e, "SELECT * FROM OPEN_SESSIONS WHERE USER_ID = 'u2';")).toEqual([['u2', { N: 2, FIRST: '/', START: 10 * min, LAST: 35 * min }]]);
    expect(rows(e, "SELECT * FROM OPEN_SESSIONS WHERE USER_ID = 'u1';")).toEqual([]);
  });
});
