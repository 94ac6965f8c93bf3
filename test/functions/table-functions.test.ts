// User table functions (UDTFs) from the library (registerTableFunction) and from SQL (CREATE
// FUNCTION … RETURNS TABLE (…) | SETOF type): used where EXPLODE is, type-checked at planning,
// NULLs as ksqlDB's UDTFs (a NULL-on-NULL function gives no rows), a throwing or ill-typed call
// to the processing log with the record's offset while the query goes on, and SQL table
// functions surviving a restart of a real data directory.
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { perTest, rows, topic } from '../engine/helpers.js';

const scratch = perTest('udtf');

function open(dataDir?: string, functions?: (e: Eddy) => void): Eddy {
  return scratch.use(Eddy.open({ ...(dataDir ? { dataDir } : {}), ...(functions ? { functions } : {}), autoStart: false, properties: { 'auto.offset.reset': 'earliest' } }));
}

const values = (e: Eddy, t: string): unknown[] => topic(e, t).map((r) => r.value);
const S = "CREATE STREAM S (ID INT KEY, T STRING, N INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);";

describe('library table functions (registerTableFunction)', () => {
  it('rows of several fields from a generator; NULL reaches it; an exception and a bad row go to the processing log', () => {
    const e = open();
    const seen: (string | null)[] = [];
    e.registerTableFunction({
      name: 'split_words',
      params: [{ name: 'text', type: 'STRING' }] as const,
      returns: 'STRUCT<WORD STRING, POS INT>',
      *fn(text) {
        seen.push(text);
        if (text === null) return;
        if (text === 'boom') throw new Error('cannot split boom');
        if (text === 'bad') yield { WORD: 'x', POS: 'not a number' } as never;
        const words = text.split(' ');
        for (const [i, w] of words.entries()) yield { word: w, pos: i }; // keys match fields case-insensitively
      },
    });
    e.execute(S);
    expect(() => e.execute('CREATE STREAM BAD AS SELECT ID, SPLIT_WORDS(N) AS W FROM S;')).toThrow(/^line 1:33: Function 'SPLIT_WORDS' does not accept parameters \(INTEGER\); it takes \(STRING\)/);
    expect(() => e.execute('CREATE STREAM BAD AS SELECT ID, SPLIT_WORDS(T)->WORD AS W FROM S;')).toThrow(/Table function SPLIT_WORDS can only be used on its own in the SELECT list/);
    e.execute('CREATE STREAM OUT AS SELECT ID, SPLIT_WORDS(T) AS W, N FROM S;');
    e.execute(
      "INSERT INTO S (ID, T, N) VALUES (1, 'a b', 7); INSERT INTO S (ID, T) VALUES (2, 'boom'); INSERT INTO S (ID, N) VALUES (3, 8); INSERT INTO S (ID, T) VALUES (4, 'bad'); INSERT INTO S (ID, T, N) VALUES (5, 'c', 9);",
    );
    e.runUntilIdle();
    expect(topic(e, 'OUT').map((r) => [r.key, r.value])).toEqual([
      [1, { W: { WORD: 'a', POS: 0 }, N: 7 }],
      [1, { W: { WORD: 'b', POS: 1 }, N: 7 }],
      [5, { W: { WORD: 'c', POS: 0 }, N: 9 }],
    ]);
    expect(seen).toEqual(['a b', 'boom', null, 'bad', 'c']);
    const logged = e.processingLog().filter((p) => p.queryId === 'CSAS_OUT_0');
    logged.sort((a, b) => a.offset! - b.offset!); // the log lists the newest first
    expect(logged.map((p) => [p.topic, p.partition, p.offset])).toEqual([
      ['s', 0, 1],
      ['s', 0, 3],
    ]);
    expect(logged[0]!.reason).toBe('Error computing table function SPLIT_WORDS: cannot split boom');
    expect(logged[1]!.reason).toMatch(/^Error computing table function SPLIT_WORDS: SPLIT_WORDS\.POS returned not a number \(string\), not a INTEGER/);
    expect(rows(e, 'SHOW FUNCTIONS;').find((r) => r[0] === 'SPLIT_WORDS')).toEqual(['SPLIT_WORDS', 'TABLE', 'user']);
    expect(rows(e, 'DESCRIBE FUNCTION SPLIT_WORDS;')[0]![0]).toBe('SPLIT_WORDS(TEXT STRING) → TABLE (WORD STRING, POS INTEGER)');
    expect(() => e.execute('DROP FUNCTION SPLIT_WORDS;')).toThrow(/registered from the library/);
  });

  it("single values from an array; nullInput 'returnNull' gives no rows without a call; a non-iterable is an error; a table source is refused", () => {
    const e = open();
    let calls = 0;
    e.registerTableFunction({
      name: 'upto',
      params: [{ name: 'n', type: 'INT' }] as const,
      returns: 'INT',
      nullInput: 'returnNull',
      fn: (n) => (calls++, n! < 0 ? (5 as unknown as number[]) : Array.from({ length: n! }, (_, i) => (i === 1 ? null : i))),
    });
    e.execute(S);
    e.execute('CREATE STREAM OUT AS SELECT ID, UPTO(N) AS I FROM S;');
    e.execute('INSERT INTO S (ID, N) VALUES (1, 3); INSERT INTO S (ID) VALUES (2); INSERT INTO S (ID, N) VALUES (3, -1); INSERT INTO S (ID, N) VALUES (4, 0); INSERT INTO S (ID, N) VALUES (5, 1);');
    e.runUntilIdle();
    // A NULL element is a row whose value is NULL, as EXPLODE gives for a NULL array element.
    expect(values(e, 'OUT')).toEqual([{ I: 0 }, { I: null }, { I: 2 }, { I: 0 }]);
    expect(calls).toBe(4);
    expect(e.processingLog().find((p) => p.queryId === 'CSAS_OUT_0')).toMatchObject({ offset: 2, reason: expect.stringMatching(/UPTO returned 5 \(number\), not an iterable of rows/) });
    e.execute("CREATE TABLE TT (ID INT PRIMARY KEY, N INT) WITH (kafka_topic='tt', value_format='JSON', partitions=1);");
    expect(() => e.execute('CREATE TABLE FROM_TABLE AS SELECT ID, UPTO(N) AS I FROM TT;')).toThrow(/Table source is not supported with table functions/);
  });

  it('is typed from the SQL type names: arguments and rows', () => {
    const e = open();
    e.registerTableFunction({
      name: 'typed_rows',
      params: [{ name: 'n', type: 'INT' }] as const,
      returns: 'STRING',
      // @ts-expect-error: a STRING table function gives strings, not numbers
      fn: (n) => [n ?? 0],
    });
    e.registerTableFunction({
      name: 'typed_args',
      params: [{ name: 's', type: 'STRING' }] as const,
      returns: 'INT',
      // @ts-expect-error: a STRING argument arrives as string | null, which has no toFixed
      fn: (s) => [s!.toFixed(0).length],
    });
    expect(
      rows(e, 'SHOW FUNCTIONS;')
        .filter((r) => r[2] === 'user')
        .map((r) => r[0]),
    ).toEqual(['TYPED_ARGS', 'TYPED_ROWS']);
  });
});

describe('SQL table functions (RETURNS TABLE / SETOF … LANGUAGE JAVASCRIPT)', () => {
  it('yield rows or return an array; SHOW, DESCRIBE, DROP', () => {
    const e = open();
    const [created] = e.execute(`CREATE FUNCTION WORDS(TEXT STRING, MIN_LEN INT) RETURNS TABLE (WORD STRING, LEN INT) RETURNS NULL ON NULL INPUT LANGUAGE JAVASCRIPT AS $$
      for (const w of TEXT.split(/\\s+/)) {
        if (w.length >= MIN_LEN) yield { WORD: w, LEN: w.length };
      }
    $$;`);
    expect(created).toMatchObject({ message: 'Created table function WORDS(TEXT STRING, MIN_LEN INTEGER) → TABLE (WORD STRING, LEN INTEGER)' });
    e.execute('CREATE FUNCTION RANGE_OF(N INT) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$ if (N === null) return null; return Array.from({ length: N }, (_, i) => i); $$;');
    e.execute(S);
    e.execute('CREATE STREAM W AS SELECT ID, WORDS(T, 2) AS W FROM S;');
    e.execute('CREATE STREAM R AS SELECT ID, RANGE_OF(N) AS I, T FROM S;');
    e.execute("INSERT INTO S (ID, T, N) VALUES (1, 'to be or not', 2); INSERT INTO S (ID, N) VALUES (2, 1); INSERT INTO S (ID, T) VALUES (3, 'x');");
    e.runUntilIdle();
    expect(values(e, 'W')).toEqual([{ W: { WORD: 'to', LEN: 2 } }, { W: { WORD: 'be', LEN: 2 } }, { W: { WORD: 'or', LEN: 2 } }, { W: { WORD: 'not', LEN: 3 } }]);
    expect(values(e, 'R')).toEqual([
      { I: 0, T: 'to be or not' },
      { I: 1, T: 'to be or not' },
      { I: 0, T: null },
    ]);
    expect(rows(e, 'SHOW FUNCTIONS;').filter((r) => r[2] === 'user')).toEqual([
      ['RANGE_OF', 'TABLE', 'user'],
      ['WORDS', 'TABLE', 'user'],
    ]);
    expect(rows(e, 'DESCRIBE FUNCTION RANGE_OF;')).toEqual([
      ['RANGE_OF(N INTEGER) → SETOF INTEGER', 'user table function (SQL, JAVASCRIPT)'],
      ['LANGUAGE JAVASCRIPT', 'AS $$ if (N === null) return null; return Array.from({ length: N }, (_, i) => i); $$'],
    ]);
    expect(() => e.execute('DROP FUNCTION RANGE_OF;')).toThrow(/the persistent query CSAS_R_\d+ uses it/);
    e.execute('TERMINATE CSAS_R_1;');
    e.execute('DROP FUNCTION RANGE_OF;');
    expect(() => e.execute('SELECT ID, RANGE_OF(N) FROM S EMIT CHANGES;')).toThrow(/Can't find any functions with the name 'RANGE_OF'/);
  });

  it('a syntax error in a generator body points at its line and column; a row with a field its type lacks, or a return that is no iterable, is an error for its record', () => {
    const e = open();
    expect(() => e.execute('CREATE FUNCTION BAD(X INT) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$\n  yield X +;\n$$;')).toThrow(
      /^line 2:12: Syntax error in the JavaScript body of BAD: Unexpected token/,
    );
    expect(() => e.execute('CREATE FUNCTION BAD(X INT) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$ yield (; $$;')).toThrow(/^line 1:79: Syntax error/);
    expect(() => e.execute('CREATE FUNCTION BAD(X INT) RETURNS TABLE () LANGUAGE JAVASCRIPT AS $$ yield 1; $$;')).toThrow(/RETURNS TABLE needs at least one column/);
    expect(() => e.execute('CREATE FUNCTION BAD(X INT) RETURNS TABLE (A INT, A STRING) LANGUAGE JAVASCRIPT AS $$ yield 1; $$;')).toThrow(/Column A appears twice/);
    expect(() => e.execute('CREATE FUNCTION EXPLODE(X INT) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$ yield X; $$;')).toThrow(/built-in function has that name/);
    e.execute("CREATE FUNCTION ONE_FIELD(X INT) RETURNS TABLE (A INT) LANGUAGE JAVASCRIPT AS $$ if (X === 1) yield { A: X, B: 1 }; else return 'x'; $$;");
    e.execute(S);
    e.execute('CREATE STREAM OUT AS SELECT ID, ONE_FIELD(N) AS O FROM S;');
    e.execute('INSERT INTO S (ID, N) VALUES (1, 1); INSERT INTO S (ID, N) VALUES (2, 2);');
    e.runUntilIdle();
    expect(values(e, 'OUT')).toEqual([]);
    const reasons = e
      .processingLog()
      .filter((p) => p.queryId === 'CSAS_OUT_0')
      .sort((a, b) => a.offset! - b.offset!)
      .map((p) => p.reason);
    expect(reasons).toEqual([
      "Error computing table function ONE_FIELD: ONE_FIELD returned a field 'B' that STRUCT<`A` INTEGER> does not have",
      'Error computing table function ONE_FIELD: ONE_FIELD returned x (string): a table function yields rows or returns an array of them',
    ]);
  });

  it('survives a restart of a real data directory; DROP does too', () => {
    const dir = scratch.dir();
    let e = open(dir);
    e.execute(S);
    e.execute('CREATE FUNCTION CHARS(T STRING) RETURNS SETOF STRING RETURNS NULL ON NULL INPUT LANGUAGE JAVASCRIPT AS $$ yield* T; $$;');
    e.execute('CREATE FUNCTION GONE(T STRING) RETURNS SETOF STRING LANGUAGE JAVASCRIPT AS $$ yield T; $$;');
    e.execute('CREATE STREAM OUT AS SELECT ID, CHARS(T) AS C FROM S;');
    e.execute('DROP FUNCTION GONE;');
    e.execute("INSERT INTO S (ID, T) VALUES (1, 'ab');");
    e.runUntilIdle();
    e.close();
    e = open(dir);
    e.execute("INSERT INTO S (ID, T) VALUES (2, 'c');");
    e.runUntilIdle();
    expect(values(e, 'OUT')).toEqual([{ C: 'a' }, { C: 'b' }, { C: 'c' }]);
    expect(
      rows(e, 'SHOW FUNCTIONS;')
        .filter((r) => r[2] === 'user')
        .map((r) => r.slice(0, 2)),
    ).toEqual([['CHARS', 'TABLE']]);
  });
});
