// $n parameters become literals before Eddy parses the statement: which `$1` are placeholders
// (not those in strings, quoted names or comments) and what each value turns into.

import { describe, expect, it } from 'vitest';
import { binaryParameter } from '../../src/server/pgwire/binary-parameters.js';
import { binaryCell } from '../../src/server/pgwire/binary-results.js';
import { parameterTargets } from '../../src/server/pgwire/parameter-types.js';
import { arrayItems, parameterCount, substitute } from '../../src/server/pgwire/parameters.js';
import { OID } from '../../src/server/pgwire/types.js';
import { Eddy } from '../../src/runtime/engine.js';

describe('pgwire parameters', () => {
  it('replaces placeholders only outside strings, quoted names and comments', () => {
    const sql = 'SELECT \'$1\', "$2", `$3` FROM S -- $4\n WHERE A = $1 /* $5 */ AND B = $2';
    expect(parameterCount(sql)).toBe(2);
    expect(substitute(sql, ["it's", '7'], [])).toBe("SELECT '$1', \"$2\", `$3` FROM S -- $4\n WHERE A = 'it''s' /* $5 */ AND B = 7");
  });

  it('turns values into literals of their declared type, refusing what is not of it', () => {
    expect(substitute('X - $1', ['-5'], [])).toBe('X - (-5)');
    expect(substitute('X-$1', ['-5'], [OID.INT4])).toBe('X-(-5)');
    expect(() => substitute('X = $1', ['1 OR TRUE'], [OID.INT4])).toThrow(/invalid input syntax for type integer/);
    expect(substitute('$1, $2, $3', ['true', 'on', null], [0, OID.BOOL, OID.TEXT])).toBe('TRUE, TRUE, NULL');
    expect(substitute('$1', ['42'], [OID.TEXT])).toBe("'42'");
    expect(substitute('$1', ['\\xff00'], [OID.BYTEA])).toBe("TO_BYTES('ff00', 'hex')");
    expect(() => substitute('$2', ['1'], [])).toThrow(/there is no parameter \$2/);
  });

  it('a hostile string stays one value when Eddy runs the statement', () => {
    const e = Eddy.open();
    try {
      e.execute('CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING);');
      const evil = "x'); DROP TABLE T; --";
      e.execute(substitute('INSERT INTO T (ID, NAME) VALUES ($1, $2);', ['1', evil], []));
      const r = e.execute('SELECT NAME FROM T WHERE ID = 1;')[0]!;
      expect(r.kind === 'rows' && r.rows).toEqual([[evil]]);
    } finally {
      e.close();
    }
  });

  it('reads binary parameters as PostgreSQL lays them out (psycopg sends most values so)', () => {
    const int = (n: number, size: number) => {
      const b = Buffer.alloc(size);
      if (size === 2) b.writeInt16BE(n);
      else b.writeInt32BE(n);
      return b;
    };
    expect(binaryParameter(int(-7, 2), OID.INT2).text).toBe('-7');
    expect(binaryParameter(Buffer.from('0ddcb9f1ccd763b3', 'hex'), OID.INT8).text).toBe('998877665544332211');
    // numeric: ndigits 2, weight 0, sign +, dscale 2, digits 12 and 5000 → 12.50; then -0.01 and 10000.
    const numeric = (...w: number[]) => Buffer.concat(w.map((x) => int(x, 2)));
    expect(binaryParameter(numeric(2, 0, 0, 2, 12, 5000), OID.NUMERIC).text).toBe('12.50');
    expect(binaryParameter(numeric(1, -1, 0x4000, 2, 100), OID.NUMERIC).text).toBe('-0.01');
    expect(binaryParameter(numeric(1, 1, 0, 0, 1), OID.NUMERIC).text).toBe('10000');
    // Microseconds since 2000-01-01: a timestamp, and a timestamptz (UTC).
    const us = Buffer.alloc(8);
    us.writeBigInt64BE(BigInt(Date.UTC(2026, 11, 1, 10, 20, 30, 120) - Date.UTC(2000, 0, 1)) * 1000n);
    expect(binaryParameter(us, OID.TIMESTAMP).text).toBe('2026-12-01 10:20:30.12');
    expect(substitute('$1', [binaryParameter(us, OID.TIMESTAMPTZ).text], [OID.TIMESTAMPTZ])).toBe("CAST('2026-12-01T10:20:30.12+00:00' AS TIMESTAMP)");
    expect(binaryParameter(int(-1, 4), OID.DATE).text).toBe('1999-12-31');
    // A text[] in binary: ndim 1, has nulls, element 25, size 2, lower bound 1, then 'a' and NULL.
    const arr = Buffer.concat([int(1, 4), int(1, 4), int(25, 4), int(2, 4), int(1, 4), int(1, 4), Buffer.from('a'), int(-1, 4)]);
    expect(binaryParameter(arr, 1009).text).toBe('{a,NULL}');
    expect(() => binaryParameter(Buffer.alloc(1), OID.INT4)).toThrow(/incorrect binary data format/);
  });

  it('turns arrays into ARRAY[…]; an untyped INSERT value takes its column type', () => {
    expect(arrayItems('{a,"b c",NULL,"\\"q\\"",""}')).toEqual(['a', 'b c', null, '"q"', '']);
    expect(substitute('$1', ['{1,2}'], [1007])).toBe('ARRAY[1, 2]');
    expect(() => substitute('$1', ['{}'], [1009])).toThrow(/empty array/);
    const e = Eddy.open();
    try {
      e.execute("CREATE STREAM S (ID INT KEY, NAME STRING, TAGS ARRAY<STRING>, `at` TIMESTAMP) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
      const targets = parameterTargets('INSERT INTO s (ID, "NAME", TAGS, `at`) VALUES ($1, $2, ARRAY[$3], $3)', (name) => e.source(name));
      expect([...targets]).toEqual([
        [1, OID.INT4],
        [2, OID.TEXT],
        [3, OID.TIMESTAMP],
      ]);
      expect([...parameterTargets('INSERT INTO S VALUES ($2, $1, $3)', (name) => e.source(name))]).toEqual([
        [2, OID.INT4],
        [1, OID.TEXT],
        [3, 1009],
      ]);
      expect(parameterTargets('SELECT * FROM S WHERE ID = $1', (name) => e.source(name)).size).toBe(0);
    } finally {
      e.close();
    }
  });

  it('binary results say what the text says (pgJDBC asks for them); a binary parameter reads back the same', () => {
    for (const t of ['12.50', '-0.01', '0', '0.000', '10000', '998877665544332211', '-123456.789', '0.0001']) {
      expect(binaryParameter(binaryCell(OID.NUMERIC, t), OID.NUMERIC).text).toBe(t);
    }
    expect(binaryParameter(binaryCell(OID.TIMESTAMP, '2026-12-01 10:20:30.12'), OID.TIMESTAMP).text).toBe('2026-12-01 10:20:30.12');
    expect(binaryParameter(binaryCell(OID.TIMESTAMP, '1969-12-31 23:59:59.999'), OID.TIMESTAMP).text).toBe('1969-12-31 23:59:59.999');
    expect(binaryParameter(binaryCell(OID.DATE, '1999-12-31'), OID.DATE).text).toBe('1999-12-31');
    expect(binaryParameter(binaryCell(OID.TIME, '10:20:30.12'), OID.TIME).text).toBe('10:20:30.12');
    expect(binaryCell(OID.INT8, '998877665544332211').readBigInt64BE(0)).toBe(998877665544332211n);
    expect(binaryCell(OID.BOOL, 't')).toEqual(Buffer.from([1]));
    expect(binaryCell(OID.BYTEA, '\\xff00')).toEqual(Buffer.from([0xff, 0]));
    // pgJDBC's Timestamps carry the JVM's offset: a timestamp (without zone) ignores it, as PostgreSQL does.
    expect(substitute('$1', ['2026-12-01 10:20:30.12+02'], [OID.TIMESTAMP])).toBe("CAST('2026-12-01T10:20:30.12' AS TIMESTAMP)");
    expect(substitute('$1', ['2026-12-01'], [OID.TIMESTAMP])).toBe("CAST('2026-12-01' AS TIMESTAMP)");
  });
});
