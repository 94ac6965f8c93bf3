// ksqlDB's ASSERT TOPIC / ASSERT SCHEMA: a statement that fails, with ksqlDB's words, unless the
// topic or schema is there (or, NOT EXISTS, is not); a topic's PARTITIONS and REPLICAS are checked
// too, any other property fails. After ASSERT only NOT, TOPIC and SCHEMA can come.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const message = (sql: string): string => {
  const [r] = eddy.execute(sql);
  return r!.kind === 'message' ? r!.message : `not a message: ${r!.kind}`;
};

describe('ASSERT TOPIC', () => {
  it('passes when the topic exists with the partitions asked, and names it as written', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (A INT) WITH (kafka_topic='orders_t', value_format='JSON', partitions=3);");
    expect(message('ASSERT TOPIC orders_t WITH (PARTITIONS=3, REPLICAS=1) TIMEOUT 2 SECONDS;')).toBe('Topic orders_t exists.');
    expect(message("ASSERT NOT EXISTS TOPIC 'ORDERS_T';")).toBe('Topic ORDERS_T does not exist.');
  });

  it('fails with each mismatch on its own line, an unknown property among them', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (A INT) WITH (kafka_topic='orders_t', value_format='JSON', partitions=3);");
    expect(() => eddy.execute('ASSERT TOPIC orders_t WITH (partitions=2, cleanup_policy=1);')).toThrow(
      'Mismatched configuration for topic orders_t: For config partitions, expected 2 got 3\nCannot assert unknown topic property: CLEANUP_POLICY',
    );
    expect(() => eddy.execute('ASSERT TOPIC missing_t;')).toThrow('Topic missing_t does not exist');
    expect(() => eddy.execute('ASSERT NOT EXISTS TOPIC orders_t;')).toThrow('Topic orders_t exists');
  });
});

describe('ASSERT SCHEMA', () => {
  it('looks a schema up by subject, by id, or both', () => {
    eddy = engine();
    const id = eddy.state.registry.register('s-value', { schemaType: 'AVRO', schema: '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}' });
    expect(message("ASSERT SCHEMA SUBJECT 's-value';")).toBe('Schema with subject s-value exists.');
    expect(message(`ASSERT SCHEMA ID ${id};`)).toBe(`Schema with id ${id} exists.`);
    expect(message(`ASSERT SCHEMA SUBJECT 's-value' ID ${id} TIMEOUT 10 MILLISECONDS;`)).toBe(`Schema with subject s-value id ${id} exists.`);
    expect(() => eddy.execute(`ASSERT SCHEMA SUBJECT 'other-value' ID ${id};`)).toThrow(`Schema with subject name other-value id ${id} does not exist`);
    expect(() => eddy.execute(`ASSERT NOT EXISTS SCHEMA ID ${id};`)).toThrow(`Schema with id ${id} exists`);
    expect(message(`ASSERT NOT EXISTS SCHEMA ID ${id + 1000};`)).toBe(`Schema with id ${id + 1000} does not exist.`);
  });

  it('needs a subject or an integer id', () => {
    eddy = engine();
    expect(() => eddy.execute('ASSERT SCHEMA TIMEOUT 1 SECOND;')).toThrow('ASSERT SCHEMA statements much include a subject name or an id');
    expect(() => eddy.execute('ASSERT SCHEMA ID 1.5;')).toThrow('ID must be an integer');
  });
});

describe('ASSERT grammar', () => {
  it('anything but NOT, TOPIC or SCHEMA after ASSERT is a syntax error at that word', () => {
    eddy = engine();
    expect(() => eddy.execute('ASSERT STREAM foo;')).toThrow("Syntax error at or near 'STREAM' at line 1:8");
  });
});
