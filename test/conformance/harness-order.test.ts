// The conformance runner does what ksqlDB's test harness does where a case can observe it: schema
// ids are handed out in the order the harness registers topics' schemas (a java.util.HashMap of
// topic names: the case's topics and those its CREATE statements imply, walked in hash order, key
// before value), and a topic's output records are compared in the order the inputs caused them.

import { describe, expect, it } from 'vitest';
import { javaHashMapOrder, javaStringHash } from '../../src/conformance/harness-topics.js';
import { expandCase } from '../../src/conformance/qtt-case.js';
import { runVariant } from '../../src/conformance/run-case.js';
import { partitionFor } from '../../src/runtime/log/partitioner.js';
import { parseJson } from '../../src/util/lossless-json.js';

const run = (c: object) => runVariant(expandCase(parseJson(JSON.stringify(c)))[0]!);

describe("Java's String.hashCode and HashMap order", () => {
  it('hashes in 32-bit arithmetic as Java does', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  it('walks buckets in order, insertion order within one, and grows past 12 keys', () => {
    // Buckets of 16: LONG_TRIPS 15, trips 6; Aa and BB share one.
    expect(javaHashMapOrder(['LONG_TRIPS', 'trips'])).toEqual(['trips', 'LONG_TRIPS']);
    expect(javaHashMapOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    const many = Array.from({ length: 13 }, (_, i) => `t${i}`);
    const order = javaHashMapOrder(many);
    expect(new Set(order)).toEqual(new Set(many));
    const bucket32 = (k: string) => {
      const h = javaStringHash(k);
      return (h ^ (h >>> 16)) & 31;
    };
    expect(order.map(bucket32)).toEqual([...order.map(bucket32)].sort((a, b) => a - b));
  });
});

describe('schema ids as the harness numbers them', () => {
  it("a CREATE's implied schema takes id 1 when its topic hashes first, so the sink's declared schema is id 2", () => {
    const outcome = run({
      name: 'sink schema by id',
      statements: [
        "CREATE STREAM TRIPS (RIDER STRING KEY, KM DOUBLE, CITY STRING) WITH (kafka_topic='trips', value_format='AVRO', partitions=1);",
        'CREATE STREAM LONG_TRIPS WITH (value_schema_id=2) AS SELECT RIDER, CITY FROM TRIPS;',
      ],
      topics: [
        {
          name: 'LONG_TRIPS',
          valueFormat: 'AVRO',
          valueSchema: {
            type: 'record',
            name: 'Long',
            fields: [
              { name: 'CITY', type: 'string' },
              { name: 'NOTE', type: ['null', 'string'], default: null },
            ],
          },
        },
      ],
      inputs: [{ topic: 'trips', key: 'ida', value: { KM: 3.5, CITY: 'Bergen' } }],
      outputs: [{ topic: 'LONG_TRIPS', key: 'ida', value: { CITY: 'Bergen', NOTE: null } }],
    });
    expect(outcome).toEqual({ status: 'passed' });
  });
});

describe('output order', () => {
  it('lists records in the order their inputs came, whatever partitions they land in', () => {
    // Two keys whose partitions of 8 run against the input order, with equal timestamps.
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const part = (k: string) => partitionFor(Buffer.from(k, 'utf8'), 8);
    const first = keys.find((k) => part(k) > 0)!;
    const second = keys.find((k) => part(k) < part(first))!;
    const outcome = run({
      name: 'order across partitions',
      statements: ["CREATE STREAM S (K STRING KEY, N INT) WITH (kafka_topic='s', value_format='JSON', partitions=8);", 'CREATE STREAM O AS SELECT K, N * 2 AS M FROM S;'],
      inputs: [
        { topic: 's', key: first, value: { N: 1 }, timestamp: 500 },
        { topic: 's', key: second, value: { N: 2 }, timestamp: 500 },
      ],
      outputs: [
        { topic: 'O', key: first, value: { M: 2 }, timestamp: 500 },
        { topic: 'O', key: second, value: { M: 4 }, timestamp: 500 },
      ],
    });
    expect(outcome).toEqual({ status: 'passed' });
  });
});

describe('a query that fails on a record', () => {
  it('is the exception Kafka Streams throws from that input (id 2: topic p hashes before BIG)', () => {
    const outcome = run({
      name: 'unserializable record',
      statements: ["CREATE STREAM P (ID STRING KEY, AMOUNT DOUBLE) WITH (kafka_topic='p', value_format='AVRO', partitions=1);", 'CREATE STREAM BIG WITH (value_schema_id=2) AS SELECT * FROM P;'],
      topics: [
        {
          name: 'BIG',
          valueFormat: 'AVRO',
          valueSchema: {
            type: 'record',
            name: 'Big',
            fields: [
              { name: 'AMOUNT', type: 'double' },
              { name: 'CURRENCY', type: 'string' },
            ],
          },
        },
      ],
      inputs: [{ topic: 'p', key: 'x', value: { AMOUNT: 2.5 } }],
      expectedException: { type: 'org.apache.kafka.streams.errors.StreamsException', message: 'Exception caught in process' },
    });
    expect(outcome).toEqual({ status: 'passed' });
  });
});
