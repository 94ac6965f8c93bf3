// docs/extending.md's SQL example runs as shown, and does what the text says it does.
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
    // The runnable example: the sql blocks not marked as a synopsis (the streaming-ML one is run by
    // test/functions/streaming-ml.test.ts).
    const lines = readFileSync(join(ROOT, 'docs/extending.md'), 'utf8').split('\n');
    const sql = codeBlocks('docs/extending.md').filter((b) => b.lang === 'sql' && lines[b.line - 2] !== '<!-- synopsis -->');
    expect(sql).toHaveLength(1);
    const e = (eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'earliest' } }));
    const results = e.execute(sql[0]!.code);
    expect(results.map((r) => r.kind)).toEqual(['message', 'message', 'message', 'message', 'rows', 'rows']);
    expect(rows(e, 'SHOW FUNCTIONS;').filter((r) => r[2] === 'user').map((r) => r[0])).toEqual(['LABEL', 'TO_FAHRENHEIT']);
    e.execute("INSERT INTO READINGS (SENSOR, CELSIUS) VALUES ('s1', 100.0); INSERT INTO READINGS (SENSOR) VALUES ('s2');");
    e.runUntilIdle();
    expect(topic(e, 'READINGS_F').map((r) => r.value)).toEqual([
      { F: 212, L: 's1 #1' },
      { F: null, L: 's2 #1' },
    ]);
  });
});
