// Functions and value texts as ksqlDB computes them: the statistics, the Java text of doubles,
// the JVM's charsets and hex cases, ELT/FIELD, and their NULL rules.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { Value } from '../../src/planner/values.js';
import { engine, insert, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

/** Evaluates expressions over one row of a static table. */
function evaluate(...exprs: string[]): Value[] {
  eddy = engine();
  eddy.execute('CREATE TABLE ONE (ID INT PRIMARY KEY, S STRING);');
  eddy.execute("INSERT INTO ONE (ID, S) VALUES (1, 'é');");
  return rows(eddy, `SELECT ${exprs.join(', ')} FROM ONE;`)[0]!;
}

describe('aggregates', () => {
  it('STDDEV_SAMP is the sample variance, STDDEV_SAMPLE its root; both 0.0 under two values; a literal argument is aggregated', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM V (K INT KEY, X INT) WITH (kafka_topic='v', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE O AS SELECT K, STDDEV_SAMP(X) AS VAR, STDDEV_SAMPLE(X) AS SD, SUM(1) AS N FROM V GROUP BY K;');
    insert(eddy, 'V', 'K, X', '1, 10', 1);
    insert(eddy, 'V', 'K, X', '1, NULL', 2);
    insert(eddy, 'V', 'K, X', '1, 20', 3);
    const out = topic(eddy, 'O').map((r) => r.value);
    expect(out[0]).toEqual({ VAR: 0, SD: 0, N: 1 });
    expect(out[1]).toEqual({ VAR: 0, SD: 0, N: 2 });
    expect(out[2]).toEqual({ VAR: 50, SD: Math.sqrt(50), N: 3 });
  });
});

describe('scalar functions', () => {
  it('ELT and FIELD: 1-based, NULL out of range, 0 when absent or NULL', () => {
    expect(evaluate("ELT(2, 'a', 'b')", "ELT(3, 'a', 'b')", "ELT(0, 'a')", "ELT(NULL, 'a')", "FIELD('b', 'a', 'b')", "FIELD('c', 'a')", "FIELD(NULL, 'a')")).toEqual(['b', null, null, null, 2, 0, 0]);
  });

  it('LOG in a base of 0, 1 or less is NaN, of a negative value NaN, and NULL for NULL', () => {
    const [a, b, c, d] = evaluate('LOG(1.0E0, 8.0E0)', 'LOG(0.0E0, 8.0E0)', 'LN(-1.0E0)', 'LOG(CAST(NULL AS DOUBLE))');
    expect([Number.isNaN(a), Number.isNaN(b), Number.isNaN(c), d]).toEqual([true, true, true, null]);
  });

  it("DOUBLE as text is Java's Double.toString", () => {
    expect(evaluate(...['1.0E10', '4.9E-324', '1.0E0', '0.001E0', '1.0E-4', '1.0E7', '123.25E0'].map((x) => `CAST(${x} AS STRING)`))).toEqual([
      '1.0E10',
      '4.9E-324',
      '1.0',
      '0.001',
      '1.0E-4',
      '1.0E7',
      '123.25',
    ]);
  });

  it('charsets as the JVM: ASCII writes ? for what it cannot hold, reads U+FFFD; FROM_BYTES hex is upper case, ENCODE hex lower', () => {
    const [toAscii, fromAscii, hexUpper, encodeHex, encodeAscii, prefixed] = evaluate(
      "FROM_BYTES(TO_BYTES(S, 'ascii'), 'hex')",
      "FROM_BYTES(TO_BYTES('C3A9', 'hex'), 'ascii')",
      "FROM_BYTES(TO_BYTES(S, 'utf8'), 'hex')",
      "ENCODE(S, 'utf8', 'hex')",
      "ENCODE(S, 'utf8', 'ascii')",
      "ENCODE('0x616', 'hex', 'utf8')",
    );
    expect([toAscii, fromAscii, hexUpper, encodeHex, encodeAscii, prefixed]).toEqual(['3F', '\uFFFD\uFFFD', 'C3A9', 'c3a9', '\uFFFD\uFFFD', '\u0006\u0016']);
  });
});
