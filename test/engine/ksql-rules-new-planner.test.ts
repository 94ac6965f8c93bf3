// ksqlDB's experimental new query planner (ksql.new.query.planner.enabled): a SELECT of columns
// from one stream, whose projection keeps only the key columns it names (a key left out is
// dropped, not carried); anything else it refuses in its own words.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const setup = () => {
  eddy = engine();
  eddy.execute("SET 'ksql.new.query.planner.enabled' = 'true';");
  eddy.execute("CREATE STREAM S (K1 INT KEY, K2 STRING KEY, NAME STRING, N INT) WITH (kafka_topic='s', format='JSON', partitions=1);");
};
const keyColumns = (name: string) =>
  eddy.state.catalog
    .get(name)!
    .columns.filter((c) => c.role === 'key')
    .map((c) => c.name);

describe('the new query planner', () => {
  it('drops the keys a projection leaves out, so the output has no key', () => {
    setup();
    eddy.execute('CREATE STREAM O AS SELECT NAME, N FROM S;');
    insert(eddy, 'S', 'K1, K2, NAME, N', "1, 'a', 'x', 7", 50);
    expect(keyColumns('O')).toEqual([]);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([{ NAME: 'x', N: 7 }]);
    expect(eddy.readTopic('O').map((r) => r.key)).toEqual([null]);
  });

  it('keeps the keys a projection names', () => {
    setup();
    eddy.execute('CREATE STREAM O AS SELECT K2, NAME FROM S;');
    insert(eddy, 'S', 'K1, K2, NAME, N', "1, 'a', 'x', 7", 50);
    expect(keyColumns('O')).toEqual(['K2']);
    expect(topic(eddy, 'O').map((r) => [r.key, r.value])).toEqual([['a', { NAME: 'x' }]]);
  });

  it('refuses what it cannot plan', () => {
    setup();
    eddy.execute("CREATE TABLE T (ID INT PRIMARY KEY, V INT) WITH (kafka_topic='t', format='JSON', partitions=1);");
    expect(() => eddy.execute('CREATE STREAM O1 AS SELECT NAME FROM S WHERE N > 1;')).toThrow('New query planner does not support WHERE. Set ksql.new.query.planner.enabled=false.');
    expect(() => eddy.execute('CREATE STREAM O2 AS SELECT NAME FROM S PARTITION BY NAME;')).toThrow('New query planner does not support PARTITION BY.');
    expect(() => eddy.execute('CREATE TABLE O3 AS SELECT ID, V FROM T;')).toThrow('Input TABLES are not supported by the new planner');
    expect(() => eddy.execute('CREATE STREAM O4 AS SELECT UCASE(NAME) AS U FROM S;')).toThrow('New query planner only support column references, no expressions or aliases.');
  });

  it('is off unless set: the unselected key is carried as before', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (K1 INT KEY, NAME STRING) WITH (kafka_topic='s', format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM O AS SELECT NAME FROM S WHERE NAME IS NOT NULL;');
    expect(keyColumns('O')).toEqual(['K1']);
  });
});
