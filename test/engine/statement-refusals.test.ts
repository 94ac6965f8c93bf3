// Errors of meaning come from planning (planner/plan-statement.ts and the planners it calls),
// never from the runtime part-way through a statement: for each refusal, planning alone raises
// it, executing the statement raises the same error, and nothing — sources, topics, queries,
// functions, types, the command log — has changed. EXPLAIN goes through the same planners, so it
// refuses what the statement would.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/parser/index.js';
import { planStatement } from '../../src/planner/plan-statement.js';
import { Eddy } from '../../src/runtime/engine.js';
import { statementContext } from '../../src/runtime/statements/context.js';
import { engine } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
  eddy.execute(`
    CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);
    CREATE TABLE T (ID INT PRIMARY KEY, N INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);
    CREATE TYPE PAIR AS STRUCT<A INT, B INT>;
    CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;
    CREATE STREAM DOUBLED AS SELECT ID, TWICE(ID) AS D FROM S;
  `);
});
afterEach(() => eddy?.close());

/** Everything a statement could change, as one comparable value. */
function snapshot(): string {
  const commands = eddy.state.db.prepare('SELECT count(*) FROM commands').pluck().get();
  return JSON.stringify({
    sources: [...eddy.state.catalog.list('STREAM'), ...eddy.state.catalog.list('TABLE')].map((s) => [s.name, s.kind, s.partitions, s.columns.map((c) => c.name)]),
    topics: eddy.topics(),
    queries: eddy.queries().map((q) => q.id),
    functions: eddy.functionNames(),
    types: [...eddy.state.catalog.types.keys()],
    commands,
  });
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

function planned(sql: string): string {
  return errorOf(() => planStatement(parseStatement(sql), sql, statementContext(eddy)));
}

const REFUSALS: readonly [string, RegExp][] = [
  ["CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');", /Cannot add stream 'S': A stream with the same name already exists/],
  ["CREATE OR REPLACE TABLE S (ID INT PRIMARY KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');", /Cannot add table 'S': A stream with the same name already exists/],
  ["CREATE STREAM S3 (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=3);", /already exists, with different partition\/replica configuration/],
  ["CREATE OR REPLACE STREAM S (ID INT KEY) WITH (kafka_topic='s', value_format='JSON');", /Cannot upgrade data source: DataSource 'S'.*changed, missing or reordered/],
  ['DROP STREAM NOPE;', /Source NOPE does not exist/],
  ['DROP TABLE S;', /Incompatible data source type is STREAM, but statement was DROP TABLE/],
  ['DROP TABLE PROCESSING_LOG;', /it is the engine's processing log/],
  ['DROP STREAM S;', /The following streams and\/or tables read from this source: \[DOUBLED\]/],
  ['CREATE TYPE PAIR AS STRUCT<A INT>;', /Cannot register custom type 'PAIR'/],
  ['DROP TYPE NOPE;', /Type NOPE does not exist/],
  ['CREATE FUNCTION ABS(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$;', /built-in function has that name/],
  ['CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$;', /Function TWICE already exists/],
  ['CREATE FUNCTION BAD(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X +; $$;', /Syntax error in the JavaScript body of BAD/],
  ['CREATE AGGREGATE FUNCTION AGG(X INT) RETURNS INT RETURNS NULL ON NULL INPUT LANGUAGE JAVASCRIPT AS $$ return {}; $$;', /RETURNS NULL ON NULL INPUT is for scalar and table functions/],
  ['DROP FUNCTION ABS;', /it is a built-in function/],
  ['DROP FUNCTION NOPE;', /Function NOPE does not exist/],
  ['DROP FUNCTION TWICE;', /the persistent query CSAS_DOUBLED_0 uses it/],
  ['DESCRIBE NOPE;', /Could not find STREAM\/TABLE 'NOPE' in the Metastore/],
  ['DESCRIBE FUNCTION NOPE;', /Can't find any functions with the name 'NOPE'/],
  ['EXPLAIN NOPE_0;', /Query with id:NOPE_0 does not exist/],
  ['EXPLAIN SHOW STREAMS;', /EXPLAIN supports queries, CREATE … AS SELECT and INSERT INTO … SELECT/],
  ["PRINT 'nope';", /Could not find topic 'nope'/],
  ["PRINT 's' INTERVAL 0;", /INTERVAL must be greater than one, but was: 0/],
  ['TERMINATE NOPE_0;', /Unknown queryId: NOPE_0/],
  ["COPY NOPE FROM 'rows.csv';", /NOPE does not exist/],
];

describe('a refusal of meaning comes from planning and changes nothing', () => {
  for (const [sql, message] of REFUSALS) {
    it(sql, () => {
      const before = snapshot();
      const fromPlan = planned(sql);
      expect(fromPlan).toMatch(message);
      expect(snapshot()).toBe(before);
      expect(errorOf(() => eddy.execute(sql))).toBe(fromPlan);
      expect(snapshot()).toBe(before);
    });
  }

  it('EXPLAIN of a CREATE … AS SELECT refuses as the CREATE does', () => {
    const create = 'CREATE STREAM U AS SELECT ID, ID AS ID2, V FROM S;';
    const fromPlan = planned(create);
    expect(fromPlan).toMatch(/key column/);
    // The same error, at the same place in the CREATE (EXPLAIN's own words shift the column).
    const bare = (m: string) => m.replace(/^line \d+:\d+: /, '');
    expect(bare(errorOf(() => eddy.execute(`EXPLAIN ${create}`)))).toBe(bare(fromPlan));
    expect(errorOf(() => eddy.execute(create))).toBe(fromPlan);
  });

  it('a server without --allow-functions refuses CREATE FUNCTION at planning', () => {
    const confined = Eddy.open({ autoStart: false, access: {} });
    try {
      const sql = 'CREATE FUNCTION ONE() RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$;';
      const fromPlan = errorOf(() => planStatement(parseStatement(sql), sql, statementContext(confined)));
      expect(fromPlan).toMatch(/CREATE FUNCTION is refused over the network/);
      expect(errorOf(() => confined.execute(sql))).toBe(fromPlan);
      expect(confined.functionNames()).not.toContain('ONE');
    } finally {
      confined.close();
    }
  });

  it('a statement that passes planning is planned once and then runs', () => {
    const sql = 'DROP TYPE PAIR;';
    expect(planStatement(parseStatement(sql), sql, statementContext(eddy))).toEqual({ kind: 'DropType', name: 'PAIR' });
    expect(eddy.execute(sql)[0]).toMatchObject({ kind: 'message', message: "Dropped type 'PAIR'" });
  });
});
