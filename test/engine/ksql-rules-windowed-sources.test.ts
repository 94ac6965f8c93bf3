// Windowed sources as ksqlDB validates them: the WINDOW_TYPE/WINDOW_SIZE properties of a CREATE,
// a windowed source needs a key, and a join pairs only compatible windows (session with session,
// hopping or tumbling with either). Each refusal carries ksqlDB's words.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, refusalOf } from './helpers.js';

let eddy: Eddy;
beforeAll(() => {
  eddy = engine();
  eddy.execute("CREATE STREAM E (K STRING KEY, V INT) WITH (kafka_topic='e', value_format='JSON', partitions=1);");
  eddy.execute('CREATE TABLE BY_TUMBLE AS SELECT K, COUNT(*) AS N FROM E WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY K;');
  eddy.execute('CREATE TABLE BY_HOP AS SELECT K, SUM(V) AS S FROM E WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY K;');
  eddy.execute('CREATE TABLE BY_SESSION AS SELECT K, MAX(V) AS M FROM E WINDOW SESSION (30 SECONDS) GROUP BY K;');
});
afterAll(() => eddy?.close());

const refusal = (sql: string): string => refusalOf(eddy, sql);

describe('WINDOW_TYPE and WINDOW_SIZE', () => {
  it('names the valid window types for an unknown one, whatever its case', () => {
    expect(refusal("CREATE TABLE W1 (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='w1', value_format='JSON', window_type='sliding', partitions=1);")).toContain(
      'Invalid value sliding for property WINDOW_TYPE: String must be one of: SESSION, HOPPING, TUMBLING, null',
    );
  });

  it('requires a size for hopping and tumbling windows, and refuses one for session windows (or no window type)', () => {
    expect(refusal("CREATE STREAM W2 (K STRING KEY, V INT) WITH (kafka_topic='w2', value_format='JSON', window_type='hopping', partitions=1);")).toContain(
      "HOPPING windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'",
    );
    expect(refusal("CREATE STREAM W3 (K STRING KEY, V INT) WITH (kafka_topic='w3', value_format='JSON', window_type='Session', window_size='1 MINUTE', partitions=1);")).toContain(
      "'WINDOW_SIZE' should not be set for SESSION windows.",
    );
    expect(refusal("CREATE STREAM W4 (K STRING KEY, V INT) WITH (kafka_topic='w4', value_format='JSON', window_size='1 MINUTE', partitions=1);")).toContain(
      "'WINDOW_SIZE' should not be set for SESSION windows.",
    );
  });

  it('refuses a windowed source without a key column, and takes one with a key', () => {
    expect(refusal("CREATE STREAM W5 (V INT) WITH (kafka_topic='w5', value_format='JSON', window_type='TUMBLING', window_size='2 SECONDS', partitions=1);")).toContain(
      'Windowed sources require a key column.',
    );
    eddy.execute("CREATE STREAM W6 (K STRING KEY, V INT) WITH (kafka_topic='w6', value_format='JSON', window_type='tumbling', window_size='2 SECONDS', partitions=1);");
  });
});

describe('window bounds in a persistent projection', () => {
  it('must be aliased, even in a windowed aggregation, as every system column', () => {
    expect(refusal('CREATE TABLE WB1 AS SELECT K, WINDOWEND, COUNT(*) AS N FROM E WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;')).toContain(
      'Reserved column name in select: `WINDOWEND`. Please remove or alias the column.',
    );
    eddy.execute('CREATE TABLE WB2 AS SELECT K, WINDOWEND AS UNTIL, COUNT(*) AS N FROM E WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;');
  });
});

describe('joins of windowed sources', () => {
  it('refuses a session-windowed side against a hopping or tumbling one, either way round', () => {
    eddy.execute("CREATE STREAM IN_SESSION (K STRING KEY, V INT) WITH (kafka_topic='in_session', value_format='JSON', window_type='SESSION', partitions=1);");
    eddy.execute("CREATE STREAM IN_TUMBLE (K STRING KEY, W INT) WITH (kafka_topic='in_tumble', value_format='JSON', window_type='TUMBLING', window_size='5 SECONDS', partitions=1);");
    eddy.execute("CREATE STREAM IN_HOP (K STRING KEY, X INT) WITH (kafka_topic='in_hop', value_format='JSON', window_type='HOPPING', window_size='10 SECONDS', partitions=1);");
    const message = refusal('CREATE STREAM J1 AS SELECT IN_SESSION.K, V, W FROM IN_SESSION JOIN IN_TUMBLE WITHIN 1 MINUTE ON IN_SESSION.K = IN_TUMBLE.K;');
    expect(message).toContain('Incompatible windowed sources.\nLeft source: SESSION\nRight source: TUMBLING\nSession windowed sources can only be joined to other session windowed sources');
    expect(refusal('SELECT IN_HOP.K, X, V FROM IN_HOP LEFT JOIN IN_SESSION WITHIN 1 MINUTE ON IN_HOP.K = IN_SESSION.K EMIT CHANGES;')).toContain('Left source: HOPPING\nRight source: SESSION');
  });

  it('says so before refusing a persistent query over windowed tables', () => {
    expect(refusal('CREATE TABLE J2 AS SELECT BY_SESSION.K, M, N FROM BY_SESSION JOIN BY_TUMBLE ON BY_SESSION.K = BY_TUMBLE.K;')).toContain(
      'Incompatible windowed sources.\nLeft source: SESSION\nRight source: TUMBLING',
    );
    expect(refusal('CREATE TABLE J3 AS SELECT BY_HOP.K, S, N FROM BY_HOP JOIN BY_TUMBLE ON BY_HOP.K = BY_TUMBLE.K;')).toContain('KSQL does not support persistent queries on windowed tables.');
  });
});
