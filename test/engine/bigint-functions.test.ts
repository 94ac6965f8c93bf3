// BIGINT arguments to functions stay exact past 2^53 (long.ts): ROUND of a BIGINT,
// GENERATE_SERIES over longs, the sample variance's running sum; SUBSTRING's positions and
// TIMESTAMPADD's count are INT, as ksqlDB declares them. The variance's saved state is tagged,
// and the bare array of the build before is still read.

import { afterEach, describe, expect, it } from 'vitest';
import { T } from '../../src/parser/sql-type.js';
import { STDDEV_SAMP } from '../../src/planner/functions/aggregate/offset-and-stats.js';
import type { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';
import { engine, insert, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const P60 = 2n ** 60n; // far past 2^53: neighbours are 256 apart as doubles
const E18 = 10n ** 18n; // past 2^53 too, and a multiple of 100

function evaluate(...exprs: string[]): Value[] {
  eddy = engine();
  eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, S STRING);');
  eddy.execute("INSERT INTO ONE (ID, S) VALUES (1, 'abc');");
  return rows(eddy, `SELECT ${exprs.join(', ')} FROM ONE;`)[0]!;
}

describe('scalar functions over BIGINT', () => {
  it('ROUND(BIGINT, INT) is refused as ksqlDB refuses it (ambiguous: DOUBLE or DECIMAL); ROUND(BIGINT) stays exact past 2^53', () => {
    expect(evaluate(`ROUND(${P60 + 7n})`, `ROUND(${E18 + 49n})`)).toEqual([P60 + 7n, E18 + 49n]);
    eddy.close();
    expect(() => evaluate(`ROUND(${E18 + 49n}, -2)`)).toThrow(/ambiguous method parameters \(BIGINT, INTEGER\)/);
  });

  it('GENERATE_SERIES over longs past 2^53 counts by one or by the step, both ways', () => {
    const [up, down, stepped] = evaluate(`GENERATE_SERIES(${P60}, ${P60 + 2n})`, `GENERATE_SERIES(${P60 + 1n}, ${P60 - 1n})`, `GENERATE_SERIES(${P60}, ${P60 + 7n}, 3)`);
    expect(up).toEqual([P60, P60 + 1n, P60 + 2n]);
    expect(down).toEqual([P60 + 1n, P60, P60 - 1n]);
    expect(stepped).toEqual([P60, P60 + 3n, P60 + 6n]);
    // A step of the wrong sign is a run-time error: the row's value is NULL (and the processing log says why).
    expect(evaluate(`GENERATE_SERIES(${P60}, ${P60 + 2n}, -1)`)).toEqual([null]);
  });

  it('SUBSTRING takes INT positions; a BIGINT one is refused', () => {
    expect(evaluate('SUBSTRING(S, 2)', 'SUBSTRING(S, -2, 1)')).toEqual(['bc', 'b']);
    expect(() => evaluate('SUBSTRING(S, CAST(2 AS BIGINT))')).toThrow(/SUBSTRING/i);
  });

  it('TIMESTAMPADD/TIMESTAMPSUB take an INT count of units; a BIGINT one is refused', () => {
    expect(evaluate('UNIX_TIMESTAMP(TIMESTAMPADD(SECONDS, 2, FROM_UNIXTIME(1000)))', 'UNIX_TIMESTAMP(TIMESTAMPSUB(MINUTES, 1, FROM_UNIXTIME(61000)))')).toEqual([3000, 1000]);
    expect(() => evaluate('TIMESTAMPADD(SECONDS, CAST(2 AS BIGINT), FROM_UNIXTIME(1000))')).toThrow(/TIMESTAMPADD/i);
  });
});

describe('STDDEV_SAMP over BIGINT', () => {
  it('keeps the running sum exact: 2^60 + 1, + 3, + 5 have variance 4 (as doubles they are one value)', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM V (K INT KEY, X BIGINT) WITH (kafka_topic='v', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE O AS SELECT K, STDDEV_SAMP(X) AS VAR FROM V GROUP BY K;');
    for (const [i, d] of [1n, 3n, 5n].entries()) insert(eddy, 'V', 'K, X', `1, ${P60 + d}`, i + 1);
    expect(topic(eddy, 'O').map((r) => (r.value as { VAR: number }).VAR)).toEqual([0, 2, 4]);
  });

  it('saves a tagged state with the sum exact, and reads the bare [count, sum, M2] of the build before', () => {
    const impl = STDDEV_SAMP.resolve([{ type: T.BIGINT, isConstant: false }]);
    let s = impl.init();
    for (const d of [1n, 3n, 5n]) s = impl.add(s, [P60 + d]);
    const saved = JSON.parse(JSON.stringify(impl.serialize(s))) as unknown;
    expect(saved).toEqual({ v: 2, n: 3, sum: { $l: String(3n * P60 + 9n) }, m2: 8 });
    expect(impl.result(impl.deserialize(saved))).toBe(4);
    // The build before saved [count, sum, M2]: values 10, 20 → sum 30, M2 50, variance 50.
    expect(impl.result(impl.deserialize([2, 30, 50]))).toBe(50);
  });
});
