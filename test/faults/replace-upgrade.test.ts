// CREATE OR REPLACE follows ksqlDB's in-place upgrade: a compatible change keeps the query id,
// state and offsets; an incompatible one is refused with ksqlDB's message and changes nothing.
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';

function engine(): Eddy {
  const eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
  eddy.execute(`
    CREATE STREAM INPUT (ID INT KEY, V INT, W STRING) WITH (kafka_topic='input', value_format='JSON', partitions=1);
    CREATE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM INPUT GROUP BY ID;
    CREATE STREAM COPIED AS SELECT ID, V FROM INPUT;
  `);
  eddy.insert('INPUT', [
    { ID: 1, V: 1 },
    { ID: 1, V: 2 },
  ]);
  eddy.runUntilIdle();
  return eddy;
}

describe('CREATE OR REPLACE', () => {
  it('a compatible change keeps the id, the state and the offsets', () => {
    const eddy = engine();
    const [r] = eddy.execute('CREATE OR REPLACE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM INPUT WHERE V > 0 GROUP BY ID;');
    expect(r!.kind === 'message' && r.message).toBe('Created query with ID CTAS_COUNTS_0');
    eddy.execute('CREATE OR REPLACE STREAM COPIED AS SELECT ID, V, W FROM INPUT;'); // a value column added at the end
    eddy.insert('INPUT', [{ ID: 1, V: 3, W: 'x' }]);
    eddy.runUntilIdle();
    const rows = eddy.execute('SELECT * FROM COUNTS;')[0]!;
    expect(rows.kind === 'rows' && rows.rows).toEqual([[1, 3]]);
    expect(eddy.readTopic('COPIED').map((x) => x.value?.toString())).toEqual(['{"V":1}', '{"V":2}', '{"V":3,"W":"x"}']);
    eddy.close();
  });

  it.each([
    [
      'CREATE OR REPLACE TABLE COUNTS AS SELECT ID, SUM(V) AS N FROM INPUT GROUP BY ID;',
      "Cannot upgrade data source: DataSource 'COUNTS' has schema = `ID` INTEGER KEY, `N` BIGINT which is not upgradeable to `ID` INTEGER KEY, `N` INTEGER. (The following columns are changed, missing or reordered: [`N` BIGINT])",
    ],
    [
      'CREATE OR REPLACE TABLE COUNTS AS SELECT ID, COUNT(*) AS N, SUM(V) AS S FROM INPUT GROUP BY ID;',
      'Query is not upgradeable. Plan step of type StreamAggregate must have matching aggregate functions. Values differ: COUNT(*) vs. COUNT(*), SUM(V)',
    ],
    [
      'CREATE OR REPLACE STREAM COPIED AS SELECT ID, W, V FROM INPUT;',
      "Cannot upgrade data source: DataSource 'COPIED' has schema = `ID` INTEGER KEY, `V` INTEGER which is not upgradeable to `ID` INTEGER KEY, `W` STRING, `V` INTEGER. (The following columns are changed, missing or reordered: [`V` INTEGER])",
    ],
    ['CREATE OR REPLACE STREAM COPIED AS SELECT W AS ID2, V FROM INPUT PARTITION BY W;', 'Key columns must be identical'],
    ["CREATE OR REPLACE STREAM COPIED WITH (kafka_topic='elsewhere') AS SELECT ID, V FROM INPUT;", "DataSource 'COPIED' has topic = COPIED which is not upgradeable to elsewhere"],
    [
      'CREATE OR REPLACE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM INPUT WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID;',
      'Query is not upgradeable. Cannot add a StreamWindowedAggregate step that is not in the original query plan.',
    ],
  ])('refuses %s', (sql, message) => {
    const eddy = engine();
    const before = eddy.state.catalog.get(sql.includes('COUNTS') ? 'COUNTS' : 'COPIED')!.sql;
    let error: Error | undefined;
    try {
      eddy.execute(sql);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(eddy.state.catalog.get(sql.includes('COUNTS') ? 'COUNTS' : 'COPIED')!.sql).toBe(before);
    eddy.close();
  });
});
