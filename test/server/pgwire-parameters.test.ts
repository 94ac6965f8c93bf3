// $n parameters become literals before Eddy parses the statement: which `$1` are placeholders
// (not those in strings, quoted names or comments) and what each value turns into.

import { describe, expect, it } from 'vitest';
import { parameterCount, substitute } from '../../src/server/pgwire/parameters.js';
import { OID } from '../../src/server/pgwire/types.js';
import { Eddy } from '../../src/runtime/engine.js';

describe('pgwire parameters', () => {
  it('replaces placeholders only outside strings, quoted names and comments', () => {
    const sql = "SELECT '$1', \"$2\", `$3` FROM S -- $4\n WHERE A = $1 /* $5 */ AND B = $2";
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
      e.execute("CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING);");
      const evil = "x'); DROP TABLE T; --";
      e.execute(substitute('INSERT INTO T (ID, NAME) VALUES ($1, $2);', ['1', evil], []));
      const r = e.execute('SELECT NAME FROM T WHERE ID = 1;')[0]!;
      expect(r.kind === 'rows' && r.rows).toEqual([[evil]]);
    } finally {
      e.close();
    }
  });
});
