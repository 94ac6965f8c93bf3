// User functions belong to the engine that defined them: two engines in one process each have
// their own function table, so each may define its own F (by SQL or from the library), one's
// DROP FUNCTION leaves the other's F alone, and a closed engine's functions are gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { EmbeddedBackend } from '../../src/shell/embedded-backend.js';
import { rows, topic } from '../engine/helpers.js';

const opened: Eddy[] = [];
let dir: string | undefined;
afterEach(() => {
  for (const e of opened.splice(0)) e.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(dataDir?: string): Eddy {
  const e = Eddy.open({ ...(dataDir ? { dataDir } : {}), autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
  opened.push(e);
  return e;
}

const SOURCE = "CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);";
const values = (e: Eddy, t: string): unknown[] => topic(e, t).map((r) => r.value);
const userFunctions = (e: Eddy): unknown[] =>
  rows(e, 'SHOW FUNCTIONS;')
    .filter((r) => r[2] === 'user')
    .map((r) => [r[0], r[1]]);

/** F applied to 1, 2, 3 by a persistent query of `e`, and to 10 by an INSERT … VALUES. */
function applyF(e: Eddy): unknown[] {
  e.execute(`${SOURCE} CREATE STREAM OUT AS SELECT ID, F(V) AS W FROM S;`);
  e.execute('INSERT INTO S (ID, V) VALUES (1, 1); INSERT INTO S (ID, V) VALUES (2, 2); INSERT INTO S (ID, V) VALUES (3, F(10));');
  e.runUntilIdle();
  return values(e, 'OUT');
}

describe('user functions per engine', () => {
  it('two engines in one process each define their own F, by SQL and from the library, and see only their own', async () => {
    const a = open();
    const b = open();
    a.execute('CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X + 1; $$;');
    b.execute('CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 100; $$;');
    // A library function in one engine, of a name the other uses for an aggregate.
    a.registerFunction({ name: 'K', params: [{ name: 'x', type: 'INT' }] as const, returns: 'INT', fn: (x) => (x === null ? null : -x) });
    b.registerAggregate({ name: 'K', params: [{ name: 'x', type: 'INT' }] as const, returns: 'INT', initialize: () => 0, aggregate: ([x], s: number) => s + (x ?? 0) });
    a.execute('CREATE FUNCTION ONLY_A(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 7; $$;');

    expect(applyF(a)).toEqual([{ W: 2 }, { W: 3 }, { W: 12 }]);
    expect(applyF(b)).toEqual([{ W: 100 }, { W: 200 }, { W: 100000 }]);
    // K is a scalar in A and an aggregate in B: each engine plans it as its own.
    a.execute('CREATE STREAM NEG AS SELECT ID, K(V) AS N FROM S;');
    a.runUntilIdle();
    expect(values(a, 'NEG')).toEqual([{ N: -1 }, { N: -2 }, { N: -11 }]);
    expect(() => b.execute('CREATE STREAM NEG AS SELECT ID, K(V) AS N FROM S;')).toThrow(/Aggregate functions require a GROUP BY clause/);
    b.execute('CREATE TABLE TOTAL AS SELECT ID, K(V) AS N FROM S GROUP BY ID;');
    b.runUntilIdle();
    expect(values(b, 'TOTAL')).toEqual([{ N: 1 }, { N: 2 }, { N: 1000 }]); // V is 1, 2 and B's F(10)

    // Each lists and describes its own; the other's name is unknown to it.
    expect(userFunctions(a)).toEqual([
      ['F', 'SCALAR'],
      ['K', 'SCALAR'],
      ['ONLY_A', 'SCALAR'],
    ]);
    expect(userFunctions(b)).toEqual([
      ['F', 'SCALAR'],
      ['K', 'AGGREGATE'],
    ]);
    expect(rows(a, 'DESCRIBE FUNCTION F;')[1]).toEqual(['LANGUAGE JAVASCRIPT', 'AS $$ return X + 1; $$']);
    expect(rows(b, 'DESCRIBE FUNCTION F;')[1]).toEqual(['LANGUAGE JAVASCRIPT', 'AS $$ return X * 100; $$']);
    expect(() => b.execute('DESCRIBE FUNCTION ONLY_A;')).toThrow(/Can't find any functions with the name 'ONLY_A'/);
    expect(() => b.execute('CREATE STREAM O2 AS SELECT ID, ONLY_A(V) AS W FROM S;')).toThrow(/Can't find any functions with the name 'ONLY_A'/);
    // The shell's completion list is the engine's too.
    const namesA = (await new EmbeddedBackend(a, 'a').names()).functions;
    const namesB = (await new EmbeddedBackend(b, 'b').names()).functions;
    expect(namesA).toEqual(expect.arrayContaining(['F', 'K', 'ONLY_A', 'COUNT']));
    expect(namesB).toEqual(expect.arrayContaining(['F', 'K', 'COUNT']));
    expect(namesB).not.toContain('ONLY_A');
  });

  it("one engine's DROP FUNCTION leaves the other's function of that name in place", () => {
    const a = open();
    const b = open();
    a.execute('CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X + 1; $$;');
    b.execute('CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 100; $$;');
    a.execute('DROP FUNCTION F;');
    expect(() => a.execute(`${SOURCE} CREATE STREAM OUT AS SELECT ID, F(V) AS W FROM S;`)).toThrow(/Can't find any functions with the name 'F'/);
    expect(userFunctions(a)).toEqual([]);
    expect(applyF(b)).toEqual([{ W: 100 }, { W: 200 }, { W: 100000 }]);
    // And A may define F again, differently, without touching B's.
    a.execute('CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return -X; $$;');
    expect(rows(b, 'DESCRIBE FUNCTION F;')[1]).toEqual(['LANGUAGE JAVASCRIPT', 'AS $$ return X * 100; $$']);
  });

  it("a closed engine's functions are gone: not in its table, not in another engine; SQL ones come back by replay only", () => {
    dir = mkdtempSync(join(tmpdir(), 'eddy-fn-engine-'));
    const a = open(dir);
    a.execute('CREATE FUNCTION F(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X + 1; $$;');
    a.registerFunction({ name: 'LIB', params: [{ name: 'x', type: 'INT' }] as const, returns: 'INT', fn: (x) => x });
    const table = a.state.catalog.functions;
    expect(table.isUserFunction('F') && table.isUserFunction('LIB')).toBe(true);
    a.close();
    expect(table.isUserFunction('F') || table.isUserFunction('LIB')).toBe(false);
    expect(table.list().filter((f) => f.category === 'user')).toEqual([]);
    // Another engine never had them, and may take the names.
    const b = open();
    expect(userFunctions(b)).toEqual([]);
    b.execute('CREATE FUNCTION LIB(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 0; $$;');
    // Reopening the data directory replays CREATE FUNCTION; the library function is code, not catalog.
    const again = open(dir);
    expect(userFunctions(again)).toEqual([['F', 'SCALAR']]);
    expect(applyF(again)).toEqual([{ W: 2 }, { W: 3 }, { W: 12 }]);
  });
});
