// ksqlDB's SELECT * after PARTITION BY over a join: the columns its repartition node holds, each
// side as its pre-join projection lays it out — values, the side's ROWTIME, ROWPARTITION and
// ROWOFFSET, then its keys — named alias_column, the new key first and not repeated.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const schemaOf = (name: string) => eddy.state.catalog.get(name)!.columns.map((c) => `${c.name}${c.role === 'key' ? ' KEY' : ''}`);

describe('SELECT * after PARTITION BY over a join', () => {
  it('repartitioned on a right-side value: both sides in pre-join layout, pseudo columns included', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, P STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (RID INT KEY, Q STRING, W INT) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 MINUTE ON L.ID = R.RID PARTITION BY R.W;');
    expect(schemaOf('O')).toEqual(['R_W KEY', 'L_P', 'L_ROWTIME', 'L_ROWPARTITION', 'L_ROWOFFSET', 'L_ID', 'R_Q', 'R_ROWTIME', 'R_ROWPARTITION', 'R_ROWOFFSET', 'R_RID']);
    insert(eddy, 'L', 'ID, P', "1, 'p'", 100);
    insert(eddy, 'R', 'RID, Q, W', "1, 'q', 9", 250);
    expect(topic(eddy, 'O').map((r) => [r.key, r.value])).toEqual([
      [9, { L_P: 'p', L_ROWTIME: 100, L_ROWPARTITION: 0, L_ROWOFFSET: 0, L_ID: 1, R_Q: 'q', R_ROWTIME: 250, R_ROWPARTITION: 0, R_ROWOFFSET: 0, R_RID: 1 }],
    ]);
  });

  it('without PARTITION BY, * is the sources’ columns, keys first', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM L (ID INT KEY, P STRING) WITH (kafka_topic='l', value_format='JSON', partitions=1);");
    eddy.execute("CREATE STREAM R (RID INT KEY, Q STRING, W INT) WITH (kafka_topic='r', value_format='JSON', partitions=1);");
    eddy.execute('CREATE STREAM O AS SELECT * FROM L JOIN R WITHIN 1 MINUTE ON L.ID = R.RID;');
    expect(schemaOf('O')).toEqual(['L_ID KEY', 'L_P', 'R_RID', 'R_Q', 'R_W']);
  });
});
