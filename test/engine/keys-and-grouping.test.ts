// Keys, grouping and null-valued records as ksqlDB defines them: which projections are legal,
// what a push query's header and rows look like, when HAVING deletes, and what pull queries accept.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { StatementResult } from '../../src/runtime/results.js';
import { engine, rows, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const PEOPLE = "CREATE STREAM PEOPLE (ID INT KEY, NAME STRING, AGE INT) WITH (kafka_topic='people', key_format='JSON', value_format='JSON', partitions=1);";

function produce(t: string, key: string | null, value: string | null, ts = 0): void {
  eddy.produce(t, [{ timestamp: ts, key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: [] }], 1);
  eddy.runUntilIdle();
}

function push(sql: string): { header: string; rows: unknown[][]; close: () => void } {
  const r = eddy.execute(sql).at(-1) as StatementResult;
  if (r.kind !== 'push') throw new Error(`expected a push query, got ${r.kind}`);
  return {
    header: r.query.columns.map((c) => `${c.name} ${c.type}${c.key ? ' KEY' : ''}`).join(', '),
    get rows() {
      eddy.runUntilIdle();
      return r.query.drain().map((x) => [...x.values]);
    },
    close: () => r.query.close(),
  };
}

describe('persistent query key rules', () => {
  it('reports ungrouped select columns before a missing grouping key', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    expect(() => eddy.execute('CREATE TABLE T AS SELECT NAME, COUNT(*) FROM PEOPLE GROUP BY AGE;')).toThrow(/Non-aggregate SELECT expression\(s\) not part of GROUP BY: NAME\nEither add/);
  });

  it('rejects a key column selected twice', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    expect(() => eddy.execute('CREATE STREAM S AS SELECT ID, ID AS ID2, NAME FROM PEOPLE;')).toThrow('The projection contains a key column (`ID`) more than once, aliased as: ID and ID2.');
    expect(() => eddy.execute('CREATE TABLE T AS SELECT AGE, AGE AS A2, COUNT(*) FROM PEOPLE GROUP BY AGE;')).toThrow('The projection contains a key column more than once: `AGE` and `A2`.');
  });

  it('needs every partitioning expression selected when there are several', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    expect(() => eddy.execute('CREATE STREAM S AS SELECT NAME, AGE FROM PEOPLE PARTITION BY NAME, AGE, ID;')).toThrow(
      'must include the partitioning expressions PEOPLE.NAME and PEOPLE.AGE and PEOPLE.ID in its projection',
    );
    expect(() => eddy.execute('CREATE STREAM S AS SELECT NAME, AGE FROM PEOPLE PARTITION BY NAME, NULL;')).toThrow('Cannot PARTITION BY multiple columns including NULL');
  });

  it('window bounds cannot be grouped on', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    expect(() => eddy.execute('CREATE TABLE T AS SELECT ID, COUNT(*) FROM PEOPLE WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID, WINDOWSTART;')).toThrow(
      'Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations',
    );
  });
});

describe('HAVING', () => {
  it('deletes a key only once it was shown', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    eddy.execute('CREATE TABLE T AS SELECT NAME, COUNT(*) AS N FROM PEOPLE GROUP BY NAME HAVING COUNT(*) = 2;');
    for (let i = 0; i < 3; i++) produce('people', '1', '{"NAME":"bob","AGE":1}', i);
    expect(topic(eddy, 'T').map((r) => [r.key, r.value])).toEqual([
      ['bob', { N: 2 }],
      ['bob', null],
    ]);
  });
});

describe('records without a value on a stream', () => {
  it('pass through PARTITION BY as a null value under their new key, and SELECT * puts the old key last', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    eddy.execute('CREATE STREAM S AS SELECT * FROM PEOPLE PARTITION BY NAME;');
    produce('people', '1', null);
    produce('people', '2', '{"NAME":"ann","AGE":30}');
    expect(topic(eddy, 'S').map((r) => [r.key, r.value])).toEqual([
      [null, null],
      ['ann', { AGE: 30, ID: 2 }],
    ]);
    expect(eddy.state.catalog.get('S')!.columns.map((c) => c.name)).toEqual(['NAME', 'AGE', 'ID']);
  });

  it('are dropped by filters and aggregations', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    eddy.execute('CREATE STREAM F AS SELECT * FROM PEOPLE WHERE NAME IS NULL;');
    eddy.execute('CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM PEOPLE GROUP BY ID;');
    produce('people', '1', null);
    produce('people', '1', '{"AGE":3}');
    expect(topic(eddy, 'F').map((r) => r.value)).toEqual([{ NAME: null, AGE: 3 }]);
    expect(topic(eddy, 'C').map((r) => r.value)).toEqual([{ N: 1 }]);
  });
});

describe('push queries', () => {
  it('name no keys in the header and answer an aggregation with the select list as written', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    const q = push('SELECT COUNT(*) AS N FROM PEOPLE GROUP BY AGE EMIT CHANGES;');
    expect(q.header).toBe('N BIGINT');
    produce('people', '1', '{"NAME":"a","AGE":5}');
    produce('people', '2', '{"NAME":"b","AGE":5}');
    expect(q.rows).toEqual([[1], [2]]);
    q.close();
    const t = push('SELECT ID, NAME FROM PEOPLE EMIT CHANGES;');
    expect(t.header).toBe('ID INTEGER, NAME STRING');
    t.close();
  });

  it('cannot see window bounds in WHERE before the window', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    expect(() => eddy.execute('SELECT COUNT(*) FROM PEOPLE WINDOW TUMBLING (SIZE 1 SECOND) WHERE WINDOWSTART > 0 GROUP BY ID EMIT CHANGES;')).toThrow(
      'Error in WHERE expression: Unknown column WINDOWSTART.',
    );
  });
});

describe('pull query rules', () => {
  const AGG = 'CREATE TABLE AGG AS SELECT ID, COUNT(*) AS N FROM PEOPLE GROUP BY ID;';

  it('reject tables that are not materialised, topic joins and ROWOFFSET/ROWPARTITION', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    eddy.execute(AGG);
    eddy.execute("CREATE TABLE PLAIN (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='plain', value_format='JSON', partitions=1);");
    expect(() => eddy.execute("SELECT * FROM PLAIN WHERE K = 'a';")).toThrow("The `PLAIN` table isn't queryable.");
    expect(() => eddy.execute('SELECT * FROM AGG A JOIN PEOPLE P ON A.ID = P.ID;')).toThrow("Pull queries don't support JOIN clauses.");
    expect(() => eddy.execute('SELECT ID, ROWPARTITION FROM AGG;')).toThrow("Pull queries don't support the following columns in SELECT clauses: `ROWPARTITION`");
    expect(() => eddy.execute('SELECT ID FROM AGG WHERE ROWOFFSET > 1;')).toThrow("Pull queries don't support the following columns in WHERE clauses: `ROWOFFSET`");
  });

  it('check key comparisons, and need the key in every disjunct when table scans are off', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    eddy.execute(AGG);
    produce('people', '1', '{"NAME":"a","AGE":5}');
    expect(() => eddy.execute("SELECT * FROM AGG WHERE ID IN ('10', 8);")).toThrow("'10' can not be converted to the type of the key column: ID INTEGER KEY");
    expect(() => eddy.execute('SELECT * FROM AGG WHERE ID = NULL;')).toThrow('Comparison with NULL not supported: INTEGER = NULL');
    expect(rows(eddy, 'SELECT * FROM AGG WHERE N = 1;')).toEqual([[1, 1]]);
    eddy.execute("SET 'ksql.query.pull.table.scan.enabled'='false';");
    expect(() => eddy.execute('SELECT * FROM AGG WHERE N = 1;')).toThrow('WHERE clause missing key column for disjunct');
    expect(() => eddy.execute('SELECT * FROM AGG WHERE ID = N;')).toThrow('A comparison must be between a key column and a resolvable expression.');
    expect(rows(eddy, 'SELECT * FROM AGG WHERE ID = 1;')).toEqual([[1, 1]]);
  });
});

describe('persistent query names, key types and sinks', () => {
  it('tells a selected pseudo-column from an alias onto one', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    expect(() => eddy.execute('CREATE STREAM S AS SELECT ID, ROWOFFSET FROM PEOPLE;')).toThrow('Reserved column name in select: `ROWOFFSET`. Please remove or alias the column.');
    expect(() => eddy.execute('CREATE STREAM S AS SELECT ID, AGE AS ROWTIME FROM PEOPLE;')).toThrow('`ROWTIME` is a reserved column name. You cannot use it as an alias for a column.');
    eddy.execute('CREATE STREAM S AS SELECT ID, ROWOFFSET AS OFF FROM PEOPLE;');
  });

  it('refuses map keys and key types the key format cannot hold', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM M (ID INT KEY, TAGS MAP<STRING, INT>, L ARRAY<INT>) WITH (kafka_topic='m', value_format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE STREAM S AS SELECT * FROM M PARTITION BY TAGS;')).toThrow('Map keys, including types that contain maps, are not supported');
    expect(() => eddy.execute('CREATE STREAM S AS SELECT * FROM M PARTITION BY L;')).toThrow(
      "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`L` ARRAY<INTEGER> KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'ARRAY'",
    );
  });

  it('names sink topics with the output prefix and drops records whose sink timestamp is negative', () => {
    eddy = engine();
    eddy.execute("SET 'ksql.output.topic.name.prefix'='pre-';");
    eddy.execute(PEOPLE);
    // AGE is an INT: ksqlDB takes a BIGINT (or TIMESTAMP) sink timestamp only, so it is cast.
    eddy.execute("CREATE STREAM S WITH (timestamp='AGE') AS SELECT ID, CAST(AGE AS BIGINT) AS AGE, NAME FROM PEOPLE;");
    expect(eddy.state.catalog.get('S')!.topic).toBe('pre-S');
    produce('people', '1', '{"NAME":"a","AGE":-2}');
    produce('people', '2', '{"NAME":"b","AGE":7}');
    expect(topic(eddy, 'pre-S').map((r) => [r.key, r.ts])).toEqual([[2, 7]]);
  });
});

describe('session windows', () => {
  it('close once stream time passes end + gap + grace; EMIT FINAL never shows merged-away sessions', () => {
    eddy = engine();
    eddy.execute(PEOPLE);
    eddy.execute('CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM PEOPLE WINDOW SESSION (5 MILLISECONDS, GRACE PERIOD 6 MILLISECONDS) GROUP BY ID EMIT FINAL;');
    for (const ts of [0, 4, 8, 30, 17, 42]) produce('people', '1', '{"AGE":1}', ts);
    // 17: its session would end at 17, and 17 + 5 + 6 < 30, so it is late.
    expect(topic(eddy, 'C').map((r) => [r.window?.start, r.window?.end, r.value])).toEqual([
      [0, 8, { N: 3 }],
      [30, 30, { N: 1 }],
    ]);
  });
});

describe('records without a key', () => {
  it('keep no key through a projection, but PARTITION BY gives them one', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM MK (A INT KEY, B INT KEY, V INT) WITH (kafka_topic='mk', format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM COPY AS SELECT * FROM MK;');
    eddy.execute('CREATE STREAM BYV AS SELECT V, A, B FROM MK PARTITION BY V, A;');
    produce('mk', null, '{"V":1}');
    expect(eddy.readTopic('COPY').map((r) => r.key)).toEqual([null]);
    expect(eddy.readTopic('BYV').map((r) => r.key?.toString())).toEqual(['{"V":1,"A":null}']);
  });
});
