// EXPLAIN of a statement must describe the very query the statement starts: both go through the
// planner's one door (planner/plan-statement.ts), so after CREATE … AS SELECT, or once a push
// query runs, EXPLAIN <query id> prints the same plan, line for line, save the header that names
// the query; and what the statement refuses, EXPLAIN refuses with the same message.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { StatementResult } from '../../src/runtime/results.js';
import { engine } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const SOURCES = [
  "CREATE STREAM SJ (ID INT KEY, V STRING, N INT) WITH (kafka_topic='sj', value_format='JSON', partitions=1);",
  "CREATE STREAM SD (ID INT KEY, V STRING, N INT) WITH (kafka_topic='sd', key_format='DELIMITED', value_format='DELIMITED', partitions=3);",
  "CREATE STREAM SK (ID BIGINT KEY, V STRING) WITH (kafka_topic='sk', value_format='KAFKA', partitions=2);",
  "CREATE STREAM SN (V STRING, N INT) WITH (kafka_topic='sn', value_format='JSON', partitions=1);",
  "CREATE STREAM SM (A INT KEY, B STRING KEY, N INT) WITH (kafka_topic='sm', format='JSON', partitions=4);",
  "CREATE STREAM S2 (ID INT KEY, W STRING) WITH (kafka_topic='s2', value_format='JSON', partitions=1);",
  "CREATE TABLE TT (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='tt', value_format='JSON', partitions=1);",
  "CREATE TABLE TU (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='tu', value_format='DELIMITED', partitions=1);",
  'CREATE TABLE ST (ID INT PRIMARY KEY, TIER STRING);',
  "CREATE STREAM OUTI (ID INT KEY, V STRING, N INT) WITH (kafka_topic='outi', value_format='JSON', partitions=1);",
];

/** name → statement: formats × keys × partitions, windows, joins, GROUP BY. */
const CASES: [string, string][] = [
  ['JSON, one key', 'CREATE STREAM O AS SELECT * FROM SJ WHERE N > 1;'],
  ['DELIMITED key and value, 3 partitions', 'CREATE STREAM O AS SELECT ID, V FROM SD;'],
  ['KAFKA value, BIGINT key', 'CREATE STREAM O AS SELECT ID, UCASE(V) AS U FROM SK;'],
  ['no key', 'CREATE STREAM O AS SELECT V, N * 2 AS M FROM SN;'],
  ['two keys', 'CREATE STREAM O AS SELECT A, B, N FROM SM;'],
  ['sink WITH formats and partitions', "CREATE STREAM O WITH (kafka_topic='o_out', key_format='JSON', value_format='DELIMITED', partitions=5) AS SELECT ID, V FROM SJ;"],
  ['sink timestamp', "CREATE STREAM O WITH (timestamp='T') AS SELECT ID, V, CAST(N AS BIGINT) AS T FROM SJ;"],
  ['PARTITION BY', 'CREATE STREAM O AS SELECT V, ID, N FROM SD PARTITION BY V;'],
  ['GROUP BY', 'CREATE TABLE O AS SELECT V, COUNT(*) AS C FROM SJ GROUP BY V;'],
  ['GROUP BY two keys', 'CREATE TABLE O AS SELECT A, B, SUM(N) AS S FROM SM GROUP BY A, B;'],
  ['tumbling window', 'CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM SJ WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID;'],
  ['hopping window over DELIMITED', 'CREATE TABLE O AS SELECT ID, SUM(N) AS S FROM SD WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY ID;'],
  ['session window', 'CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM SJ WINDOW SESSION (30 SECONDS) GROUP BY ID;'],
  ['tumbling window, EMIT FINAL', 'CREATE TABLE O AS SELECT ID, COUNT(*) AS C FROM SJ WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID EMIT FINAL;'],
  ['stream–table join', 'CREATE STREAM O AS SELECT S.ID, S.V, T.NAME FROM SJ S JOIN TT T ON S.ID = T.ID;'],
  ['stream–stream join', 'CREATE STREAM O AS SELECT A.ID, A.V, B.W FROM SJ A JOIN S2 B WITHIN 1 HOUR ON A.ID = B.ID;'],
  ['stream–static join', 'CREATE STREAM O AS SELECT S.ID, S.V, X.TIER FROM SJ S LEFT JOIN ST X ON S.ID = X.ID;'],
  ['table–table join', 'CREATE TABLE O AS SELECT T.ID, T.NAME, U.X FROM TT T JOIN TU U ON T.ID = U.ID;'],
  ['join then GROUP BY', 'CREATE TABLE O AS SELECT S.V, COUNT(*) AS C FROM SJ S JOIN TT T ON S.ID = T.ID GROUP BY S.V;'],
  ['INSERT INTO … SELECT', 'INSERT INTO OUTI SELECT * FROM SJ;'],
];

/** name → push query: the same matrix, as transient queries (their tasks' operators keep state in memory). */
const PUSH_CASES: [string, string][] = [
  ['JSON, one key, WHERE', 'SELECT * FROM SJ WHERE N > 1 EMIT CHANGES;'],
  ['DELIMITED key and value, 3 partitions', 'SELECT ID, V FROM SD EMIT CHANGES;'],
  ['KAFKA value, BIGINT key', 'SELECT ID, UCASE(V) AS U FROM SK EMIT CHANGES;'],
  ['no key', 'SELECT V, N * 2 AS M FROM SN EMIT CHANGES;'],
  ['two keys', 'SELECT A, B, N FROM SM EMIT CHANGES;'],
  ['LIMIT, a task others may share', 'SELECT ID, V FROM SJ EMIT CHANGES LIMIT 3;'],
  ['LIMIT, a task of its own', 'SELECT V, COUNT(*) AS C FROM SJ GROUP BY V EMIT CHANGES LIMIT 2;'],
  ['PARTITION BY', 'SELECT V, ID, N FROM SD PARTITION BY V EMIT CHANGES;'],
  ['GROUP BY', 'SELECT V, COUNT(*) AS C FROM SJ GROUP BY V EMIT CHANGES;'],
  ['tumbling window', 'SELECT ID, COUNT(*) AS C FROM SJ WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID EMIT CHANGES;'],
  ['hopping window over DELIMITED', 'SELECT ID, SUM(N) AS S FROM SD WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS) GROUP BY ID EMIT CHANGES;'],
  ['session window', 'SELECT ID, COUNT(*) AS C FROM SJ WINDOW SESSION (30 SECONDS) GROUP BY ID EMIT CHANGES;'],
  ['tumbling window, EMIT FINAL', 'SELECT ID, COUNT(*) AS C FROM SJ WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID EMIT FINAL;'],
  ['a table', 'SELECT * FROM TT EMIT CHANGES;'],
  ['stream–table join', 'SELECT S.ID, S.V, T.NAME FROM SJ S JOIN TT T ON S.ID = T.ID EMIT CHANGES;'],
  ['stream–stream join', 'SELECT A.ID, A.V, B.W FROM SJ A JOIN S2 B WITHIN 1 HOUR ON A.ID = B.ID EMIT CHANGES;'],
  ['stream–static join', 'SELECT S.ID, S.V, X.TIER FROM SJ S LEFT JOIN ST X ON S.ID = X.ID EMIT CHANGES;'],
  ['table–table join', 'SELECT T.ID, T.NAME, U.X FROM TT T JOIN TU U ON T.ID = U.ID EMIT CHANGES;'],
  ['join then GROUP BY', 'SELECT S.V, COUNT(*) AS C FROM SJ S JOIN TT T ON S.ID = T.ID GROUP BY S.V EMIT CHANGES;'],
];

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** An error of `sql` as EXPLAIN reports it: the same, its column shifted past `EXPLAIN `. */
function shifted(message: string): string {
  return message.replace(/line 1:(\d+)/, (_m, c: string) => `line 1:${Number(c) + 'EXPLAIN '.length}`);
}

function explainText(sql: string): string {
  const r: StatementResult = eddy.execute(sql).at(-1)!;
  if (r.kind !== 'explain') throw new Error(`expected explain from ${sql}, got ${r.kind}`);
  return r.text;
}

/** The plan without its first line, which names the query (an id, or "not started"). */
function body(text: string): string {
  return text.split('\n').slice(1).join('\n');
}

describe('EXPLAIN CREATE … AS SELECT equals EXPLAIN <query id> after the create', () => {
  it.each(CASES)('%s', (_name, sql) => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const before = explainText(`EXPLAIN ${sql}`);
    const created = eddy.execute(sql).at(-1)!;
    if (created.kind !== 'message' || !created.queryId) throw new Error(`expected a started query from ${sql}`);
    const after = explainText(`EXPLAIN ${created.queryId};`);
    expect(before.split('\n')[0]).toMatch(/^Query \(not started\): /);
    expect(after.split('\n')[0]).toMatch(new RegExp(`^Query ${created.queryId}: `));
    expect(body(before)).toBe(body(after));
  });

  it('prints the sink CREATE makes: its key columns, formats and partitions', () => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const text = explainText('EXPLAIN CREATE STREAM T AS SELECT ID, V FROM SD;');
    expect(text).toContain('Output: ID INTEGER KEY, V STRING');
    expect(text).toContain("StreamSink: T → topic 'T' (DELIMITED/DELIMITED, 3 partitions)");
  });

  it("says where each operator keeps its state: a CTAS window in its table's rows, a push query in memory", () => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const ctas = explainText('EXPLAIN CREATE TABLE W AS SELECT ID, COUNT(*) AS C FROM SJ WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID;');
    expect(ctas).toMatch(/WindowAggregate: .*window state \(W's rows in SQLite table materialized\)/);
    const push = explainText('EXPLAIN SELECT ID, COUNT(*) AS C FROM SJ WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID EMIT CHANGES;');
    expect(push).toMatch(/WindowAggregate: .*state: [a-z, ]+ \(memory\)$/m);
    expect(push).not.toContain('materialized');
    const grouped = explainText('EXPLAIN CREATE TABLE G AS SELECT V, COUNT(*) AS C FROM SJ GROUP BY V;');
    expect(grouped).toMatch(/Aggregate: GROUP BY V; COUNT\(\*\); state: agg, meta \(SQLite table state\)$/m);
  });

  it('explains nothing for CREATE … IF NOT EXISTS of a source that exists, as CREATE starts nothing', () => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const sql = 'CREATE STREAM IF NOT EXISTS SJ AS SELECT * FROM SD;';
    expect(eddy.execute(`EXPLAIN ${sql}`)[0]).toMatchObject({ kind: 'message', message: 'Stream SJ already exists. Nothing would run.' });
    expect(eddy.execute(sql)[0]).toMatchObject({ kind: 'message', message: 'Stream SJ already exists.' });
    expect(eddy.execute('SHOW QUERIES;')[0]).toMatchObject({ kind: 'rows', rows: [] });
  });

  it('refuses, with the same error, a statement that CREATE refuses', () => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const sql = 'CREATE STREAM U AS SELECT ID, ID AS ID2, V FROM SD;';
    const create = errorOf(() => eddy.execute(sql));
    expect(create).toMatch(/key/i);
    expect(errorOf(() => eddy.execute(`EXPLAIN ${sql}`))).toBe(shifted(create));
    expect(eddy.state.catalog.get('U')).toBeUndefined();
  });
});

describe('EXPLAIN SELECT … EMIT equals EXPLAIN <query id> of the push query it starts', () => {
  it.each(PUSH_CASES)('%s', (_name, sql) => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const before = explainText(`EXPLAIN ${sql}`);
    const started = eddy.execute(sql).at(-1)!;
    if (started.kind !== 'push') throw new Error(`expected a push query from ${sql}`);
    const after = explainText(`EXPLAIN ${started.query.id};`);
    started.query.close();
    expect(before.split('\n')[0]).toMatch(/^Query \(not started\): /);
    expect(after.split('\n')[0]).toMatch(new RegExp(`^Query ${started.query.id}: `));
    expect(body(before)).toBe(body(after));
  });

  it('plans under the session properties the query runs with: what the query refuses, EXPLAIN refuses', () => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    eddy.execute("SET 'ksql.new.query.planner.enabled'='true';");
    const sql = 'SELECT ID, V FROM SJ WHERE N > 1 EMIT CHANGES;';
    const run = errorOf(() => eddy.execute(sql));
    expect(run).toMatch(/New query planner does not support WHERE/);
    expect(errorOf(() => eddy.execute(`EXPLAIN ${sql}`))).toBe(shifted(run));
    expect(eddy.queries()).toEqual([]);
  });

  it('plans a pull query as a pull query: what it refuses, EXPLAIN refuses; its rows go to the caller, with no sink', () => {
    eddy = engine();
    eddy.execute(SOURCES.join('\n'));
    const join = 'SELECT S.ID, B.W FROM SJ S JOIN S2 B WITHIN 1 HOUR ON S.ID = B.ID;';
    const run = errorOf(() => eddy.execute(join));
    expect(run).toMatch(/Pull queries don't support JOIN clauses/);
    expect(errorOf(() => eddy.execute(`EXPLAIN ${join}`))).toBe(shifted(run));
    const text = explainText('EXPLAIN SELECT * FROM ST WHERE ID = 1;');
    expect(text.split('\n').at(3)).toMatch(/^Output: to the caller/);
    expect(text).not.toContain('PushSink');
  });
});
