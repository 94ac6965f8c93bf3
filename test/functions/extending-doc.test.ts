// docs/extending.md's SQL example runs as shown, and does what the text says it does.
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { codeBlocks } from '../docs/readme-blocks.js';
import { rows, topic } from '../engine/helpers.js';

let eddy: Eddy | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
});

describe('docs/extending.md', () => {
  it('its SQL example runs: the functions are created, listed, described and applied', () => {
    const sql = codeBlocks('docs/extending.md').filter((b) => b.lang === 'sql');
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
