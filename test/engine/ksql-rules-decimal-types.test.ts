// DECIMAL(precision, scale) as ksqlDB's type parser reads it: the grammar takes any number in
// either place, then asks for integers ("Value must be integer for command: DECIMAL(SCALE)"),
// and SqlDecimal checks precision >= 1, scale >= 0 and precision >= scale, in that order, naming
// the type as DECIMAL(p,s). An unknown type name cannot be resolved.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, refusalOf } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
});
afterEach(() => eddy?.close());

const column = (type: string): string => refusalOf(eddy, `CREATE STREAM S (K INT KEY, V ${type}) WITH (kafka_topic='s', value_format='JSON', partitions=1);`);

describe('DECIMAL parameters', () => {
  it('are refused in SqlDecimal order and words, in a column and in a CAST alike', () => {
    expect(column('DECIMAL(0, 0)')).toContain('DECIMAL precision must be >= 1: DECIMAL(0,0)');
    expect(column('DECIMAL(-2, 1)')).toContain('DECIMAL precision must be >= 1: DECIMAL(-2,1)');
    expect(column('DECIMAL(4, -1)')).toContain('DECIMAL scale must be >= 0: DECIMAL(4,-1)');
    expect(column('DECIMAL(3, 4)')).toContain('DECIMAL precision must be >= scale: DECIMAL(3,4)');
    eddy.execute("CREATE STREAM T (K INT KEY, V STRING) WITH (kafka_topic='t', value_format='JSON', partitions=1);");
    expect(refusalOf(eddy, 'SELECT CAST(V AS DECIMAL(2, 3)) FROM T EMIT CHANGES;')).toContain('DECIMAL precision must be >= scale: DECIMAL(2,3)');
  });

  it('must be integers', () => {
    expect(column('DECIMAL(4.5, 1)')).toContain('Value must be integer for command: DECIMAL(PRECISION)');
    expect(column('DECIMAL(4, 1.0)')).toContain('Value must be integer for command: DECIMAL(SCALE)');
  });

  it('have no upper bound of their own', () => {
    eddy.execute("CREATE STREAM S (K INT KEY, V DECIMAL(40, 38)) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    expect(eddy.state.catalog.get('S')!.columns[1]!.type).toMatchObject({ kind: 'DECIMAL', precision: 40, scale: 38 });
  });
});

describe('an unknown type name', () => {
  it('cannot be resolved', () => {
    expect(column('MONEY')).toContain('Cannot resolve unknown type: MONEY');
  });
});
