// Aggregates defined in SQL (CREATE AGGREGATE FUNCTION … LANGUAGE JAVASCRIPT, a body returning
// { initialize, aggregate, merge, map }): JSON state per key that commits with the batch and
// survives a restart of a real data directory, a failing row to the processing log with its
// offset (the state stays as it was), session-window merges, and the body's shape checked at
// CREATE time.
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { perTest, rows, topic } from '../engine/helpers.js';

const scratch = perTest('sqludaf');

function open(dataDir?: string): Eddy {
  return scratch.use(Eddy.open({ ...(dataDir ? { dataDir } : {}), autoStart: false, properties: { 'auto.offset.reset': 'earliest' } }));
}

const MEAN = `CREATE AGGREGATE FUNCTION MEAN_OF(V DOUBLE) RETURNS DOUBLE LANGUAGE JAVASCRIPT AS $$
  return {
    initialize: () => ({ n: 0, sum: 0 }),
    aggregate: (s, V) => {
      if (V !== null && V < 0) throw new Error('negative ' + V);
      return V === null ? s : { n: s.n + 1, sum: s.sum + V };
    },
    merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
    map: (s) => (s.n === 0 ? null : s.sum / s.n),
  };
$$;`;
const S = "CREATE STREAM S (K STRING KEY, V DOUBLE) WITH (kafka_topic='s', value_format='JSON', partitions=1);";

describe('SQL aggregates (CREATE AGGREGATE FUNCTION)', () => {
  it('keeps JSON state per key across a restart, logs a failing row, and is listed, described and dropped', () => {
    const dir = scratch.dir();
    let e = open(dir);
    const [created] = e.execute(MEAN);
    expect(created).toMatchObject({ message: 'Created aggregate MEAN_OF(V DOUBLE) → DOUBLE' });
    e.execute(S);
    e.execute('CREATE TABLE M AS SELECT K, MEAN_OF(V) AS AVG_V, COUNT(*) AS N FROM S GROUP BY K;');
    e.execute(
      "INSERT INTO S (K, V) VALUES ('a', 1.0); INSERT INTO S (K, V) VALUES ('a', 3.0); INSERT INTO S (K, V) VALUES ('b', -5.0); INSERT INTO S (K, V) VALUES ('b', 10.0); INSERT INTO S (K) VALUES ('b');",
    );
    e.runUntilIdle();
    expect(e.processingLog().find((p) => p.queryId === 'CTAS_M_0')).toMatchObject({ topic: 's', partition: 0, offset: 2, reason: 'Error computing aggregate MEAN_OF: negative -5' });
    e.close();
    e = open(dir); // the function comes back from the command log before the query replays
    e.execute("INSERT INTO S (K, V) VALUES ('a', 5.0);");
    e.runUntilIdle();
    const last = new Map(topic(e, 'M').map((r) => [r.key, r.value]));
    expect(last.get('a')).toEqual({ AVG_V: 3, N: 3 });
    expect(last.get('b')).toEqual({ AVG_V: 10, N: 3 });
    expect(rows(e, 'SHOW FUNCTIONS;').find((r) => r[0] === 'MEAN_OF')).toEqual(['MEAN_OF', 'AGGREGATE', 'user']);
    const described = rows(e, 'DESCRIBE FUNCTION MEAN_OF;');
    expect(described[0]).toEqual(['MEAN_OF(V DOUBLE) → DOUBLE', 'user aggregate (SQL, JAVASCRIPT)']);
    expect(described[1]![1]).toMatch(/^AS \$\$\n {2}return \{\n {4}initialize/);
    expect(() => e.execute('DROP FUNCTION MEAN_OF;')).toThrow(/the persistent query CTAS_M_0 uses it/);
    e.execute('TERMINATE CTAS_M_0; DROP TABLE M; DROP FUNCTION MEAN_OF;');
    e.close();
    e = open(dir);
    expect(rows(e, 'SHOW FUNCTIONS;').filter((r) => r[2] === 'user')).toEqual([]);
  });

  it('merges session windows with merge()', () => {
    const e = open();
    e.execute(MEAN);
    e.execute(S);
    e.execute('CREATE TABLE SM AS SELECT K, MEAN_OF(V) AS AVG_V FROM S WINDOW SESSION (10 SECONDS) GROUP BY K;');
    // Two sessions that the third record bridges into one.
    e.execute("INSERT INTO S (K, V, ROWTIME) VALUES ('a', 2.0, 0); INSERT INTO S (K, V, ROWTIME) VALUES ('a', 4.0, 16000); INSERT INTO S (K, V, ROWTIME) VALUES ('a', 6.0, 8000);");
    e.runUntilIdle();
    const out = topic(e, 'SM').filter((r) => r.value !== null);
    expect(out.at(-1)).toMatchObject({ value: { AVG_V: 4 }, window: { start: 0, end: 16000 } });
  });

  it('checks the body at CREATE time: its syntax, that it returns the methods, and that RETURNS NULL ON NULL INPUT is not for aggregates', () => {
    const e = open();
    expect(() => e.execute('CREATE AGGREGATE FUNCTION A1(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return { initialize: () => 0 }; $$;')).toThrow(
      /the body of aggregate A1 must return an object with aggregate\(\) \(it has none\)/,
    );
    expect(() => e.execute('CREATE AGGREGATE FUNCTION A1(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 42; $$;')).toThrow(/must return an object with initialize\(\)/);
    expect(() => e.execute("CREATE AGGREGATE FUNCTION A1(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ throw new Error('nope'); $$;")).toThrow(/the body of aggregate A1 failed: nope/);
    expect(() => e.execute('CREATE AGGREGATE FUNCTION A1(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return { initialize: () => 0, aggregate: (s, V) => s + V, map: 3 }; $$;')).toThrow(
      /the map of aggregate A1 must be a function, not a number/,
    );
    expect(() => e.execute('CREATE AGGREGATE FUNCTION A1(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$\n  return { initialize: ( };\n$$;')).toThrow(
      /^line 2:26: Syntax error in the JavaScript body of A1/,
    );
    expect(() => e.execute('CREATE AGGREGATE FUNCTION A1(V INT) RETURNS INT RETURNS NULL ON NULL INPUT LANGUAGE JAVASCRIPT AS $$ return {}; $$;')).toThrow(
      /RETURNS NULL ON NULL INPUT is for scalar and table functions/,
    );
    expect(() => e.execute('CREATE AGGREGATE FUNCTION COUNT(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return {}; $$;')).toThrow(/built-in function has that name/);
    // A state that JSON cannot hold is an error for the row, not a value silently changed.
    e.execute('CREATE AGGREGATE FUNCTION BIG_SUM(V INT) RETURNS BIGINT LANGUAGE JAVASCRIPT AS $$ return { initialize: () => 0, aggregate: (s, V) => (V === 2 ? BigInt(s) : s + V) }; $$;');
    e.execute("CREATE STREAM S2 (K STRING KEY, V INT) WITH (kafka_topic='s2', value_format='JSON', partitions=1);");
    e.execute('CREATE TABLE B AS SELECT K, BIG_SUM(V) AS T FROM S2 GROUP BY K;');
    e.execute("INSERT INTO S2 (K, V) VALUES ('a', 1); INSERT INTO S2 (K, V) VALUES ('a', 2); INSERT INTO S2 (K, V) VALUES ('a', 3);");
    e.runUntilIdle();
    // The failing row left the state at 1: the sum goes on from there (1 + 3).
    expect(topic(e, 'B').at(-1)?.value).toEqual({ T: 4 });
    expect(e.processingLog().find((p) => p.queryId === 'CTAS_B_0')).toMatchObject({ offset: 1, reason: expect.stringMatching(/BIG_SUM/) });
  });
});
