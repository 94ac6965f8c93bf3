// ksqlDB's refusals, one rule per case, each with the words ksqlDB uses: statements it rejects
// must not run in Eddy either, and the user should read the same reason.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, refusalOf } from './helpers.js';

let eddy: Eddy;
beforeAll(() => {
  eddy = engine();
  eddy.execute("CREATE STREAM S (K INT KEY, A INT, B STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
  eddy.execute("CREATE STREAM KV (K INT KEY, A INT) WITH (kafka_topic='kv', value_format='KAFKA', partitions=1);");
  eddy.execute("CREATE TABLE T (K INT PRIMARY KEY, A INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);");
  eddy.execute("CREATE TABLE U (K INT PRIMARY KEY, C INT) WITH (kafka_topic='u', value_format='JSON', partitions=1);");
});
afterAll(() => eddy?.close());

const refusal = (sql: string): string => refusalOf(eddy, sql);

describe('joins', () => {
  it('refuses the same source twice, by name, whatever the aliases', () => {
    expect(refusal('CREATE STREAM O1 AS SELECT * FROM S L JOIN S R WITHIN 1 SECOND ON L.K = R.K;')).toContain("Can not join 'S' to 'S': self joins are not yet supported.");
    expect(refusal('CREATE TABLE O2 AS SELECT * FROM T X JOIN U Y ON X.K = Y.K JOIN T Z ON X.K = Z.K;')).toContain("N-way joins do not support multiple occurrences of the same source. Source: 'T'.");
  });

  it('names a joined column ALIAS_COLUMN when a WHERE over the join compares unlike types', () => {
    expect(refusal('CREATE STREAM O5 AS SELECT S.K, S.A FROM S JOIN T ON S.K = T.K WHERE S.A > S.B;')).toContain(
      'Error in WHERE expression: Cannot compare S_A (INTEGER) to S_B (STRING) with GREATER_THAN.',
    );
  });

  it('refuses KAFKA-formatted values in a join or a GROUP BY, naming the sources by alias', () => {
    const join = refusal('CREATE STREAM O3 AS SELECT * FROM S JOIN KV V WITHIN 1 SECOND ON S.K = V.K;');
    expect(join).toContain("Source(s) V are using the 'KAFKA' value format. This format does not yet support JOIN.\nThe KAFKA format is primarily intended for use as a key format.");
    expect(refusal('CREATE TABLE O4 AS SELECT A, COUNT(*) FROM KV GROUP BY A;')).toContain("Source(s) KV are using the 'KAFKA' value format. This format does not yet support GROUP BY.");
  });
});

describe('format settings', () => {
  it('takes a delimiter of one character, TAB or SPACE, and only for DELIMITED', () => {
    expect(refusal("CREATE STREAM D1 (A INT) WITH (kafka_topic='d1', value_format='DELIMITED', value_delimiter='');")).toContain(
      "Failed to prepare statement: Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
    );
    expect(refusal("CREATE STREAM D2 (A INT) WITH (kafka_topic='d2', value_format='DELIMITED', value_delimiter='<>');")).toContain(
      "Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<>'. Delimiter must be a single character or TAB,SPACE",
    );
    expect(refusal("CREATE STREAM D3 (A INT) WITH (kafka_topic='d3', value_format='JSON', value_delimiter='|');")).toContain('JSON does not support the following configs: [delimiter]');
    expect(refusal("CREATE STREAM D4 (A INT) WITH (kafka_topic='d4', value_format='JSON', value_avro_schema_full_name='x.Y');")).toContain(
      'JSON does not support the following configs: [fullSchemaName]',
    );
    eddy.execute("CREATE STREAM D5 (A INT, B INT) WITH (kafka_topic='d5', value_format='DELIMITED', value_delimiter='TAB');");
  });

  it('refuses WRAP_SINGLE_VALUE where the format cannot honour it', () => {
    expect(refusal("CREATE STREAM W1 WITH (value_format='DELIMITED', wrap_single_value=true) AS SELECT K, A FROM S;")).toContain(
      "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
    );
    expect(refusal("CREATE STREAM W2 (K INT KEY, A INT) WITH (kafka_topic='w2', value_format='KAFKA', wrap_single_value=true);")).toContain(
      "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
    );
    expect(refusal("CREATE STREAM W3 WITH (value_format='JSON', wrap_single_value=false) AS SELECT K, A, B FROM S;")).toContain("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    eddy.execute("CREATE STREAM W4 WITH (value_format='DELIMITED', wrap_single_value=false) AS SELECT K, A FROM S;");
  });
});

describe('expressions', () => {
  it('refuses constructors whose every element is an untyped NULL', () => {
    expect(refusal('SELECT ARRAY[NULL, NULL] FROM S EMIT CHANGES;')).toContain(
      'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
    );
    expect(refusal("SELECT MAP('a' := NULL) FROM S EMIT CHANGES;")).toContain('Cannot construct a map with all NULL values');
    expect(refusal('SELECT MAP(NULL := 1) FROM S EMIT CHANGES;')).toContain(
      'Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.',
    );
  });

  it('refuses comparing an untyped NULL, also with another NULL', () => {
    expect(refusal('SELECT NULL <> NULL FROM S EMIT CHANGES;')).toContain("Comparison with NULL not supported: NULL <> NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.");
    expect(refusal('SELECT A = NULL FROM S EMIT CHANGES;')).toContain('Comparison with NULL not supported: INTEGER = NULL');
  });

  it('words a CAST it cannot do in a SELECT item as its code generator does: Invalid Select: ….', () => {
    expect(refusal('CREATE STREAM O9 AS SELECT K, CAST(B AS ARRAY<INT>) AS X FROM S;')).toBe('line 1:31: Invalid Select: Cast of STRING to ARRAY<INTEGER> is not supported.');
    expect(refusal('CREATE TABLE O10 AS SELECT K, CAST(COUNT(*) AS MAP<STRING, INT>) AS X FROM S GROUP BY K;')).toContain('Invalid Select: Cast of BIGINT to MAP<STRING, INTEGER> is not supported.');
  });

  it('refuses numeric literals past BIGINT and DOUBLE, at the position ksqlDB reports', () => {
    expect(refusal('SELECT 9223372036854775808 FROM S EMIT CHANGES;')).toBe('Failed to prepare statement: line 1:9: Invalid numeric literal: 9223372036854775808');
    expect(refusal('SELECT 1.8E308 FROM S EMIT CHANGES;')).toBe('Failed to prepare statement: line 1:9: Number overflows DOUBLE: 1.8E308');
  });
});

describe('pull-query WHERE', () => {
  // ksqlDB's WHERE type check takes a BETWEEN as BOOLEAN without looking at its bounds; a pull
  // query's WHERE is then interpreted as `x >= low AND x <= high`, and the interpreter words it.
  it('reports a BETWEEN bound of the wrong type as the interpreter does, the other bound too', () => {
    eddy.execute('CREATE TABLE TV AS SELECT K, A FROM T;');
    expect(refusal("SELECT * FROM TV WHERE A BETWEEN 1 AND 'ten';")).toMatch(
      /^line \d+:\d+: Invalid expression: Cannot compare A \(INTEGER\) to 'ten' \(STRING\) with LESS_THAN_OR_EQUAL\.\nStatement: \(A BETWEEN 1 AND 'ten'\)$/,
    );
    expect(refusal("SELECT * FROM TV WHERE K = 1 AND A NOT BETWEEN 'one' AND 10;")).toContain("Invalid expression: Cannot compare A (INTEGER) to 'one' (STRING) with GREATER_THAN_OR_EQUAL.");
  });

  it('keeps the type check wording for a plain comparison, in a pull query as in a push query', () => {
    expect(refusal("SELECT * FROM TV WHERE A > 'ten';")).toContain("Error in WHERE expression: Cannot compare A (INTEGER) to 'ten' (STRING) with GREATER_THAN.");
    expect(refusal("SELECT * FROM S WHERE A BETWEEN 1 AND 'ten' EMIT CHANGES;")).toContain('Error in WHERE expression: Cannot compare A (INTEGER)');
  });
});

describe('schema ids on formats without schema inference', () => {
  // ksqlDB's schema injector builds each side's format (key first) before anything else; when the
  // schema id is all the format refuses, it says the format cannot infer a schema.
  it('names the side and the format, with or without columns, in CREATE and CREATE AS', () => {
    expect(refusal("CREATE STREAM SI1 (A INT) WITH (kafka_topic='si1', value_format='JSON', value_schema_id=5, partitions=1);")).toContain(
      'VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is JSON.',
    );
    expect(refusal("CREATE TABLE SI2 WITH (kafka_topic='si2', format='DELIMITED', key_schema_id=3, value_schema_id=4);")).toContain(
      'KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is DELIMITED.',
    );
    expect(refusal("CREATE STREAM SI3 WITH (value_format='JSON', value_schema_id=7) AS SELECT * FROM S;")).toContain(
      'VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is JSON.',
    );
  });

  it('keeps the format wording when more than the schema id is refused', () => {
    expect(refusal("CREATE STREAM SI4 (A INT) WITH (kafka_topic='si4', value_format='JSON', value_schema_id=5, value_schema_full_name='x.Y', partitions=1);")).toContain(
      'JSON does not support the following configs: [fullSchemaName, schemaId]',
    );
  });
});
