// GENERATE_SERIES(start, end) without a step counts up when the end is above the start and down
// otherwise, for INT as for BIGINT (ksqlDB's step is 1 or -1 from the sign of end - start); with
// an explicit step of the wrong sign it is an error.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
  eddy.execute("CREATE STREAM S (K INT KEY, A INT, B INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
});
afterEach(() => eddy?.close());

describe('GENERATE_SERIES without a step', () => {
  it('counts down from a start above the end, for INT and BIGINT alike', () => {
    eddy.execute(
      'CREATE STREAM O AS SELECT K, GENERATE_SERIES(A, B) AS I, GENERATE_SERIES(CAST(A AS BIGINT), CAST(B AS BIGINT)) AS L, GENERATE_SERIES(B, A) AS UP, GENERATE_SERIES(A, A) AS ONE FROM S;',
    );
    insert(eddy, 'S', 'K, A, B', '1, 5, 2', 1);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([{ I: [5, 4, 3, 2], L: [5, 4, 3, 2], UP: [2, 3, 4, 5], ONE: [5] }]);
  });

  it('is still an error with an explicit step of the wrong sign (NULL, and the processing log)', () => {
    eddy.execute('CREATE STREAM O AS SELECT K, GENERATE_SERIES(A, B, 1) AS I FROM S;');
    insert(eddy, 'S', 'K, A, B', '1, 5, 2', 1);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([{ I: null }]);
    expect(eddy.processingLog().some((r) => /GENERATE_SERIES step has wrong sign/.test(r.reason))).toBe(true);
  });
});
