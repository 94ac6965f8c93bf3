// The WITH clause as ksqlDB reads it: a Kafka ConfigDef parses every known property by its type
// (STRING, INT, SHORT, LONG, BOOLEAN) from the literal's Java class before the names are checked,
// trims strings the Java way, runs the names-list validators, and its "for configuration" is
// reworded "for property". Then the topic injector refuses CLEANUP_POLICY and a non-windowed
// table's RETENTION_MS.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, refusalOf } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
});
afterEach(() => eddy?.close());

const refusal = (sql: string): string => refusalOf(eddy, sql);
const create = (withs: string, kind = 'STREAM'): string => `CREATE ${kind} S (K INT ${kind === 'TABLE' ? 'PRIMARY KEY' : 'KEY'}, V STRING) WITH (kafka_topic='s', value_format='JSON', ${withs});`;

describe('a number property given a literal of another class', () => {
  it('names the class the parser gave it: BigDecimal for 1.5, Double for 1e2, Long past 2^31, Boolean', () => {
    expect(refusal(create('partitions=1.5'))).toContain('Invalid value 1.5 for property PARTITIONS: Expected value to be a 32-bit integer, but it was a java.math.BigDecimal');
    expect(refusal(create('partitions=1e2'))).toContain('Invalid value 100.0 for property PARTITIONS: Expected value to be a 32-bit integer, but it was a java.lang.Double');
    expect(refusal(create('partitions=3000000000'))).toContain('Invalid value 3000000000 for property PARTITIONS: Expected value to be a 32-bit integer, but it was a java.lang.Long');
    expect(refusal(create('partitions=true'))).toContain('Invalid value true for property PARTITIONS: Expected value to be a 32-bit integer, but it was a java.lang.Boolean');
    expect(refusal(create('partitions=1, retention_ms=2.5'))).toContain('Invalid value 2.5 for property RETENTION_MS: Expected value to be a 64-bit integer (long), but it was a java.math.BigDecimal');
  });

  it('reads a quoted number (trimmed) and refuses quoted text as no number of the type', () => {
    eddy.execute(create("partitions=' 3 '"));
    expect(eddy.state.catalog.get('S')!.partitions).toBe(3);
    expect(refusal(create("partitions='three'"))).toContain('Invalid value three for property PARTITIONS: Not a number of type INT');
    expect(refusal(create("partitions=1, retention_ms='soon'"))).toContain('Invalid value soon for property RETENTION_MS: Not a number of type LONG');
  });

  it('takes any number for REPLICAS (made a short) but not a boolean', () => {
    eddy.execute(create('partitions=1, replicas=1.5'));
    expect(refusal("CREATE STREAM S2 (K INT KEY) WITH (kafka_topic='s2', value_format='JSON', partitions=1, replicas=false);")).toContain(
      'Invalid value false for property REPLICAS: Expected value to be a 16-bit integer (short), but it was a java.lang.Boolean',
    );
  });
});

describe('string and boolean properties', () => {
  it('refuses a number where a string is wanted', () => {
    expect(refusal("CREATE STREAM S (K INT KEY) WITH (kafka_topic=7, value_format='JSON', partitions=1);")).toContain(
      'Invalid value 7 for property KAFKA_TOPIC: Expected value to be a string, but it was a java.lang.Integer',
    );
  });

  it('trims strings before use: a topic of blanks is empty, a padded format name is found', () => {
    expect(refusal("CREATE STREAM S (K INT KEY) WITH (kafka_topic='   ', value_format='JSON', partitions=1);")).toContain('Invalid value  for property KAFKA_TOPIC: String must be non-empty');
    eddy.execute("CREATE STREAM S (K INT KEY, V STRING) WITH (kafka_topic=' padded ', value_format=' delimited ', value_delimiter=' ; ', partitions=1);");
    const def = eddy.state.catalog.get('S')!;
    expect([def.topic, def.valueFormat, def.valueDelimiter]).toEqual(['padded', 'DELIMITED', ';']);
  });

  it('takes true/false in any case for a boolean, and nothing else', () => {
    eddy.execute(create("partitions=1, wrap_single_value=' False '"));
    expect(eddy.state.catalog.get('S')!.wrapSingleValue).toBe(false);
    expect(refusal("CREATE STREAM S2 (K INT KEY, V INT) WITH (kafka_topic='s2', value_format='JSON', partitions=1, wrap_single_value=1);")).toContain(
      'Invalid value 1 for property WRAP_SINGLE_VALUE: Expected value to be either true or false',
    );
  });

  it('holds a names-list property to its names, before unknown names are looked at', () => {
    expect(refusal(create("partitions=1, window_type='sliding', bogus=1"))).toContain('Invalid value sliding for property WINDOW_TYPE: String must be one of: SESSION, HOPPING, TUMBLING, null');
    expect(refusal(create("partitions=1, value_protobuf_nullable_representation='boxed'"))).toContain(
      'Invalid value boxed for property VALUE_PROTOBUF_NULLABLE_REPRESENTATION: String must be one of: OPTIONAL, WRAPPER, null',
    );
  });
});

describe('topic settings ksqlDB infers', () => {
  it('refuses CLEANUP_POLICY for any source, and RETENTION_MS for a table', () => {
    expect(refusal(create("partitions=1, cleanup_policy='compact'"))).toContain(
      "Invalid config variable in the WITH clause: CLEANUP_POLICY.\nThe CLEANUP_POLICY config is automatically inferred based on the type of source (STREAM or TABLE).\nUsers can't set the CLEANUP_POLICY config manually.",
    );
    expect(refusal(create('partitions=1, retention_ms=1000', 'TABLE'))).toContain('Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.');
    eddy.execute(create('partitions=1, retention_ms=1000'));
  });
});

describe('the order of the checks', () => {
  it('judges the WITH clause before looking at what exists, IF NOT EXISTS or not', () => {
    eddy.execute(create('partitions=1'));
    expect(refusal("CREATE STREAM IF NOT EXISTS S (K INT KEY) WITH (kafka_topic='s', value_format='JSON', partitions=0.5);")).toContain('Invalid value 0.5 for property PARTITIONS');
  });
});

describe('CREATE … AS SELECT topic settings', () => {
  it('refuses RETENTION_MS for a table unless its query is windowed, and CLEANUP_POLICY always', () => {
    eddy.execute(create('partitions=1'));
    expect(refusal('CREATE TABLE C WITH (retention_ms=5000) AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;')).toContain('Non-windowed tables do not support retention.');
    eddy.execute('CREATE TABLE W WITH (retention_ms=5000) AS SELECT K, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY K;');
    expect(refusal("CREATE STREAM C2 WITH (cleanup_policy='delete') AS SELECT * FROM S;")).toContain('Invalid config variable in the WITH clause: CLEANUP_POLICY.');
  });
});

describe('PARTITIONS below 1', () => {
  it("is Kafka's refusal to create the topic, in ksqlDB's words; -1 asks for the broker's default", () => {
    expect(refusal(create('partitions=0'))).toContain('Failed to guarantee existence of topic s: Number of partitions must be larger than 0.');
    expect(refusal(create('partitions=-3'))).toContain('Failed to guarantee existence of topic s: Number of partitions must be larger than 0.');
    eddy.execute(create('partitions=-1'));
    expect(eddy.state.catalog.get('S')?.partitions).toBe(1);
  });
});
