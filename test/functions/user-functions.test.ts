// User functions from the library (registerFunction / registerAggregate) and from SQL (CREATE
// FUNCTION … LANGUAGE JAVASCRIPT): type-checked at planning time like built-ins, NULLs reaching
// the function unless declared otherwise, exceptions to the processing log with the record's
// offset while the query goes on, and SQL functions surviving a restart of a real data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { rows, topic } from '../engine/helpers.js';

let eddy: Eddy | undefined;
let dir: string | undefined;
afterEach(() => {
  eddy?.close();
  eddy = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(dataDir?: string, functions?: (e: Eddy) => void): Eddy {
  eddy = Eddy.open({ ...(dataDir ? { dataDir } : {}), ...(functions ? { functions } : {}), autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
  return eddy;
}

const values = (e: Eddy, t: string): unknown[] => topic(e, t).map((r) => r.value);

describe('library user functions', () => {
  it('a scalar UDF is type-checked at plan time, sees NULLs, and its exceptions go to the processing log with the offset', () => {
    const e = open();
    e.registerFunction({
      name: 'safe_div',
      params: [
        { name: 'a', type: 'DOUBLE' },
        { name: 'b', type: 'DOUBLE' },
      ] as const,
      returns: 'DOUBLE',
      fn: (a, b) => {
        if (a === null) return -1; // NULL reaches the function (the default rule)
        if (b === 0) throw new Error('division by zero');
        return b === null ? null : a / b;
      },
    });
    e.execute("CREATE STREAM S (ID INT KEY, A INT, B DOUBLE, T STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    expect(() => e.execute('CREATE STREAM BAD AS SELECT ID, SAFE_DIV(T, B) AS Q FROM S;')).toThrow(/Function 'SAFE_DIV' does not accept parameters \(STRING, DOUBLE\)/);
    expect(() => e.execute('CREATE STREAM BAD AS SELECT ID, SAFE_DIV(A) AS Q FROM S;')).toThrow(/does not accept parameters \(INTEGER\)/);
    e.execute('CREATE STREAM OUT AS SELECT ID, SAFE_DIV(A, B) AS Q FROM S;');
    e.execute('INSERT INTO S (ID, A, B) VALUES (1, 6, 3.0); INSERT INTO S (ID, A, B) VALUES (2, 1, 0.0); INSERT INTO S (ID, B) VALUES (3, 2.0); INSERT INTO S (ID, A, B) VALUES (4, 9, 2.0);');
    e.runUntilIdle();
    expect(values(e, 'OUT')).toEqual([{ Q: 2 }, { Q: null }, { Q: -1 }, { Q: 4.5 }]);
    const logged = e.processingLog().filter((p) => p.queryId === 'CSAS_OUT_0');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ topic: 's', partition: 0, offset: 1 });
    expect(logged[0]!.reason).toMatch(/SAFE_DIV.*division by zero/);
    // Listed and described as built-ins are.
    expect(rows(e, 'SHOW FUNCTIONS;').find((r) => r[0] === 'SAFE_DIV')).toEqual(['SAFE_DIV', 'SCALAR', 'user']);
    expect(rows(e, 'DESCRIBE FUNCTION SAFE_DIV;')[0]![0]).toBe('SAFE_DIV(A DOUBLE, B DOUBLE) → DOUBLE');
  });

  it("nullInput 'returnNull' skips the call for a NULL argument; a result of the wrong type is an error row", () => {
    const e = open();
    let calls = 0;
    e.registerFunction({
      name: 'shout',
      params: [{ name: 's', type: 'STRING' }] as const,
      returns: 'STRING',
      nullInput: 'returnNull',
      fn: (s) => (calls++, s === 'bad' ? (42 as unknown as string) : `${s!.toUpperCase()}!`),
    });
    e.execute("CREATE STREAM S (ID INT KEY, T STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    e.execute('CREATE STREAM OUT AS SELECT ID, SHOUT(T) AS U FROM S;');
    e.execute("INSERT INTO S (ID, T) VALUES (1, 'hi'); INSERT INTO S (ID) VALUES (2); INSERT INTO S (ID, T) VALUES (3, 'bad');");
    e.runUntilIdle();
    expect(values(e, 'OUT')).toEqual([{ U: 'HI!' }, { U: null }, { U: null }]);
    expect(calls).toBe(2);
    expect(e.processingLog().find((p) => p.offset === 2)?.reason).toMatch(/SHOUT returned 42 \(number\), not a STRING/);
  });

  it('a UDAF (initialize / aggregate / map) keeps JSON state per key, across a restart, and logs a failing row', () => {
    dir = mkdtempSync(join(tmpdir(), 'eddy-udaf-'));
    const register = (e: Eddy) =>
      e.registerAggregate({
        name: 'mean_of',
        params: [{ name: 'v', type: 'DOUBLE' }] as const,
        returns: 'DOUBLE',
        initialize: () => ({ n: 0, sum: 0 }),
        aggregate: ([v], s) => {
          if (v !== null && v < 0) throw new Error(`negative ${v}`);
          return v === null ? s : { n: s.n + 1, sum: s.sum + v };
        },
        merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
        map: (s) => (s.n === 0 ? null : s.sum / s.n),
      });
    let e = open(dir, register);
    e.execute("CREATE STREAM S (K STRING KEY, V DOUBLE) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    e.execute('CREATE TABLE M AS SELECT K, MEAN_OF(V) AS AVG_V, COUNT(*) AS N FROM S GROUP BY K;');
    e.execute("INSERT INTO S (K, V) VALUES ('a', 1.0); INSERT INTO S (K, V) VALUES ('a', 3.0); INSERT INTO S (K, V) VALUES ('b', -5.0); INSERT INTO S (K, V) VALUES ('b', 10.0);");
    e.runUntilIdle();
    expect(e.processingLog().find((p) => p.queryId === 'CTAS_M_0')).toMatchObject({ offset: 2, reason: expect.stringMatching(/MEAN_OF: negative -5/) });
    e.close();
    e = open(dir, register); // library functions are code: registered again at each open, before the queries replay
    e.execute("INSERT INTO S (K, V) VALUES ('a', 5.0);");
    e.runUntilIdle();
    const last = new Map(topic(e, 'M').map((r) => [r.key, r.value]));
    expect(last.get('a')).toEqual({ AVG_V: 3, N: 3 });
    expect(last.get('b')).toEqual({ AVG_V: 10, N: 2 });
  });

  it('refuses a built-in name', () => {
    const e = open();
    expect(() => e.registerFunction({ name: 'abs', params: [{ name: 'x', type: 'INT' }] as const, returns: 'INT', fn: (x) => x })).toThrow(/built-in function has that name/);
  });
});

describe('SQL user functions (CREATE FUNCTION … LANGUAGE JAVASCRIPT)', () => {
  it('the body sees its arguments by name; SHOW, DESCRIBE, DROP; DROP is refused while a query uses it', () => {
    const e = open();
    const [created] = e.execute('CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;');
    expect(created).toMatchObject({ message: 'Created function TWICE(X INTEGER) → INTEGER' });
    e.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    e.execute('CREATE STREAM OUT AS SELECT ID, TWICE(V) AS W, TWICE(V) + 1 AS W1 FROM S;');
    e.execute('INSERT INTO S (ID, V) VALUES (1, 21); INSERT INTO S (ID) VALUES (2);');
    e.runUntilIdle();
    // NULL reaches the body: null * 2 is 0 in JavaScript, which the body did not guard against.
    expect(values(e, 'OUT')).toEqual([
      { W: 42, W1: 43 },
      { W: 0, W1: 1 },
    ]);
    expect(rows(e, 'SHOW FUNCTIONS;').find((r) => r[0] === 'TWICE')).toEqual(['TWICE', 'SCALAR', 'user']);
    expect(rows(e, 'DESCRIBE FUNCTION TWICE;')).toEqual([
      ['TWICE(X INTEGER) → INTEGER', 'user function (SQL, JAVASCRIPT)'],
      ['LANGUAGE JAVASCRIPT', 'AS $$ return X * 2; $$'],
    ]);
    expect(() => e.execute('DROP FUNCTION TWICE;')).toThrow(/Cannot drop function TWICE: the persistent query CSAS_OUT_0 uses it\. Terminate it first\./);
    expect(() => e.execute('CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X; $$;')).toThrow(/already exists \(use CREATE OR REPLACE FUNCTION/);
    e.execute('TERMINATE CSAS_OUT_0;');
    e.execute('DROP FUNCTION TWICE;');
    expect(() => e.execute('SELECT TWICE(V) FROM S EMIT CHANGES;')).toThrow(/Can't find any functions with the name 'TWICE'/);
    expect(e.execute('DROP FUNCTION IF EXISTS TWICE;')[0]).toMatchObject({ message: 'Function TWICE does not exist.' });
  });

  it('RETURNS NULL ON NULL INPUT, OR REPLACE, $$ bodies holding ; and quotes among other statements', () => {
    const e = open();
    e.execute(`CREATE STREAM S (ID INT KEY, T STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE FUNCTION GREET(NAME STRING, N INT) RETURNS STRING RETURNS NULL ON NULL INPUT LANGUAGE JAVASCRIPT AS $$
        const bang = ';'.repeat(0) + "!";
        return 'hi ' + NAME + bang.repeat(N);
      $$;
      CREATE STREAM OUT AS SELECT ID, GREET(T, 2) AS G FROM S;`);
    e.execute("INSERT INTO S (ID, T) VALUES (1, 'ada'); INSERT INTO S (ID) VALUES (2);");
    e.runUntilIdle();
    expect(values(e, 'OUT')).toEqual([{ G: 'hi ada!!' }, { G: null }]);
    e.execute('CREATE OR REPLACE FUNCTION GREET(NAME STRING, N INT) RETURNS STRING LANGUAGE JAVASCRIPT AS $$ return `yo ${NAME}`; $$;');
    expect(rows(e, 'DESCRIBE FUNCTION GREET;')[1]).toEqual(['LANGUAGE JAVASCRIPT', 'AS $$ return `yo ${NAME}`; $$']);
  });

  it('a JavaScript syntax error points at its line and column in the script; a bad type too', () => {
    const e = open();
    const sql = 'CREATE FUNCTION BAD(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$\n  let y = ;\n  return y;\n$$;';
    expect(() => e.execute(sql)).toThrow(/^line 2:11: Syntax error in the JavaScript body of BAD: Unexpected token/);
    expect(() => e.execute('CREATE FUNCTION BAD(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X +; $$;')).toThrow(/^line 1:76: Syntax error/);
    expect(() => e.execute('CREATE FUNCTION BAD(X NOPE) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$;')).toThrow(/^line 1:1: .*NOPE/);
    expect(() => e.execute('CREATE FUNCTION BAD(X INT) RETURNS INT LANGUAGE PYTHON AS $$ return 1 $$;')).toThrow(/Unsupported function language 'PYTHON'/);
    expect(() => e.execute('CREATE FUNCTION ABS(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$;')).toThrow(/built-in function has that name/);
    // Statements after a function statement keep their own positions.
    expect(() => e.execute('CREATE FUNCTION OK1(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$;\nSELEC 1;')).toThrow(/^line 2:1: /);
  });

  it('survives a restart of a real data directory (replayed from the command log), and DROP does too', () => {
    dir = mkdtempSync(join(tmpdir(), 'eddy-sqludf-'));
    let e = open(dir);
    e.execute("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    e.execute('CREATE FUNCTION TRIPLE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 3; $$;');
    e.execute('CREATE FUNCTION GONE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X; $$;');
    e.execute('CREATE STREAM OUT AS SELECT ID, TRIPLE(V) AS W FROM S;');
    e.execute('DROP FUNCTION GONE;');
    e.execute('INSERT INTO S (ID, V) VALUES (1, 1);');
    e.runUntilIdle();
    e.close();
    e = open(dir);
    e.execute('INSERT INTO S (ID, V) VALUES (2, 2);');
    e.runUntilIdle();
    expect(values(e, 'OUT')).toEqual([{ W: 3 }, { W: 6 }]);
    expect(
      rows(e, 'SHOW FUNCTIONS;')
        .filter((r) => r[2] === 'user')
        .map((r) => r[0]),
    ).toEqual(['TRIPLE']);
    expect(e.processingLog().filter((p) => /replay/.test(p.reason))).toEqual([]);
  });
});
