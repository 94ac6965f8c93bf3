// CREATE … AS SELECT with KEY_/VALUE_SCHEMA_ID writes with a schema the registry already holds, so
// ksqlDB checks at CREATE time that the query's columns fit it: each of its value (key) columns
// must be the schema's column at the same position, same name and type; the schema may go on with
// more columns. Otherwise: 'The following value columns are changed, missing or reordered: […].
// Schema from schema registry is […]'.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

function withSchema(fields: object[]): number {
  eddy = engine();
  eddy.execute("CREATE STREAM TRIPS (RIDER STRING KEY, KM DOUBLE, CITY STRING) WITH (kafka_topic='trips', value_format='AVRO', partitions=1);");
  return eddy.state.registry.register('long_trips-value', { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'Trip', fields }) });
}

describe('a sink written with a schema id', () => {
  it('refuses value columns the schema has elsewhere, under another type, or not at all', () => {
    const id = withSchema([
      { name: 'CITY', type: 'string' },
      { name: 'KM', type: 'double' },
    ]);
    expect(() => eddy.execute(`CREATE STREAM LONG_TRIPS WITH (kafka_topic='long_trips', value_schema_id=${id}) AS SELECT RIDER, KM, CITY FROM TRIPS;`)).toThrow(
      'The following value columns are changed, missing or reordered: [`KM` DOUBLE, `CITY` STRING]. Schema from schema registry is [`CITY` STRING, `KM` DOUBLE]',
    );
    const typed = eddy.state.registry.register('other-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify({
        type: 'record',
        name: 'Trip2',
        fields: [
          { name: 'KM', type: 'long' },
          { name: 'CITY', type: 'string' },
        ],
      }),
    });
    expect(() => eddy.execute(`CREATE STREAM LONG_TRIPS WITH (kafka_topic='long_trips', value_schema_id=${typed}) AS SELECT RIDER, KM, CITY FROM TRIPS;`)).toThrow(
      'The following value columns are changed, missing or reordered: [`KM` DOUBLE]. Schema from schema registry is [`KM` BIGINT, `CITY` STRING]',
    );
  });

  it('takes a schema that goes on with an optional column, and writes its default', () => {
    const id = withSchema([
      { name: 'KM', type: 'double' },
      { name: 'CITY', type: 'string' },
      { name: 'NOTE', type: ['null', 'string'], default: null },
    ]);
    eddy.execute(`CREATE STREAM LONG_TRIPS WITH (kafka_topic='long_trips', value_schema_id=${id}) AS SELECT RIDER, KM, CITY FROM TRIPS WHERE KM > 10;`);
    insert(eddy, 'TRIPS', 'RIDER, KM, CITY', "'ida', 12.5, 'Oslo'", 5);
    expect(topic(eddy, 'long_trips').map((r) => [r.key, r.value])).toEqual([['ida', { KM: 12.5, CITY: 'Oslo' }]]);
  });

  it('checks key columns too, worded with KEY', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM TRIPS (RIDER STRING KEY, KM DOUBLE) WITH (kafka_topic='trips', key_format='JSON_SR', value_format='JSON_SR', partitions=1);");
    const id = eddy.state.registry.register('by_rider-key', { schemaType: 'JSON', schema: JSON.stringify({ type: 'integer' }) });
    expect(() => eddy.execute(`CREATE STREAM BY_RIDER WITH (kafka_topic='by_rider', key_schema_id=${id}) AS SELECT * FROM TRIPS;`)).toThrow(
      'The following key columns are changed, missing or reordered: [`RIDER` STRING KEY]. Schema from schema registry is [`ROWKEY` BIGINT KEY]',
    );
  });
});

describe('AVRO written with a registered schema', () => {
  it('writes a field left NULL as the default its schema declares, nested fields too', () => {
    eddy = engine();
    const schema = {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'SKU', type: 'string' },
        { name: 'QTY', type: 'int', default: 1 },
        {
          name: 'SHIP',
          type: {
            type: 'record',
            name: 'Ship',
            fields: [
              { name: 'MODE', type: 'string', default: 'ground' },
              { name: 'DAYS', type: ['null', 'long'], default: null },
            ],
          },
        },
      ],
    };
    const id = eddy.state.registry.register('orders-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) });
    eddy.execute(`CREATE STREAM ORDERS WITH (kafka_topic='orders', value_format='AVRO', value_schema_id=${id}, partitions=1);`);
    eddy.execute("INSERT INTO ORDERS (SKU, SHIP) VALUES ('a-1', STRUCT(DAYS := 3));");
    eddy.execute("INSERT INTO ORDERS (SKU, QTY, SHIP) VALUES ('b-2', 4, STRUCT(MODE := 'air'));");
    expect(topic(eddy, 'orders').map((r) => r.value)).toEqual([
      { SKU: 'a-1', QTY: 1, SHIP: { MODE: 'ground', DAYS: 3 } },
      { SKU: 'b-2', QTY: 4, SHIP: { MODE: 'air', DAYS: null } },
    ]);
  });
});

describe('JSON_SR written with a registered schema', () => {
  it('writes every property the schema declares, in its order, NULL where the columns have none', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM READINGS (SENSOR STRING KEY, TEMP DOUBLE) WITH (kafka_topic='readings', value_format='JSON_SR', partitions=1);");
    const schema = { type: 'object', properties: { TEMP: { type: 'number' }, UNIT: { type: 'string' }, PLACE: { type: 'string' } } };
    const id = eddy.state.registry.register('hot-value', { schemaType: 'JSON', schema: JSON.stringify(schema) });
    eddy.execute(`CREATE STREAM HOT WITH (kafka_topic='hot', value_schema_id=${id}) AS SELECT * FROM READINGS WHERE TEMP > 30;`);
    insert(eddy, 'READINGS', 'SENSOR, TEMP', "'s1', 31.5", 1);
    const [raw] = eddy.readTopic('hot');
    expect(raw!.value!.subarray(5).toString('utf8')).toBe('{"TEMP":31.5,"UNIT":null,"PLACE":null}');
  });
});
