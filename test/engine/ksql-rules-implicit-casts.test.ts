// ksqlDB's INSERT INTO fits a numeric literal to the DECIMAL column at its position (keys first):
// it becomes a DECIMAL of the column's precision and scale when its digits fit — scale no larger,
// integer digits no more — and otherwise the sink check refuses the query.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const setup = () => {
  eddy = engine();
  eddy.execute("CREATE STREAM SRC (K INT KEY, X STRING) WITH (kafka_topic='src', value_format='JSON', partitions=1);");
  eddy.execute("CREATE STREAM DST (K INT KEY, D DECIMAL(4,1), E DECIMAL(4,1)) WITH (kafka_topic='dst', value_format='JSON', partitions=1);");
};

describe('INSERT INTO: numeric literals into DECIMAL columns', () => {
  it('casts literals that fit, after the key column', () => {
    setup();
    eddy.execute('INSERT INTO DST SELECT K, 12.5 AS D, 7 AS E FROM SRC;');
    insert(eddy, 'SRC', 'K, X', "1, 'x'", 5);
    expect(topic(eddy, 'dst').map((r) => r.key)).toEqual([1]);
    expect(eddy.readTopic('dst').map((r) => String(r.value))).toEqual(['{"D":12.5,"E":7.0}']);
  });

  it('leaves literals that do not fit, and the sink check refuses them', () => {
    setup();
    expect(() => eddy.execute('INSERT INTO DST SELECT K, 12.25 AS D, 7 AS E FROM SRC;')).toThrow('Incompatible schema between results and sink.');
    expect(() => eddy.execute('INSERT INTO DST SELECT K, 1.5 AS D, 1234 AS E FROM SRC;')).toThrow('Incompatible schema between results and sink.');
  });
});
