// Columns read from a registered schema: a source that names its schema by id keeps the schema's
// field spelling (ksqlDB's ORIGINAL_FIELD_NAME policy), one that reads the subject's latest schema
// upper-cases them (its default policy), nested fields included. AVRO, JSON_SR and PROTOBUF.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const schema = JSON.stringify({
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensorId', type: ['null', 'string'], default: null },
    { name: 'Pos', type: ['null', { type: 'record', name: 'P', fields: [{ name: 'lat', type: 'double' }] }], default: null },
  ],
});

function columns(source: string): string[] {
  const def = eddy.state.catalog.list().find((s) => s.name === source)!;
  return def.columns.filter((c) => c.role === 'value').map((c) => `${c.name} ${c.type.kind === 'STRUCT' ? c.type.fields.map((f) => f.name).join('/') : c.type.kind}`);
}

describe('inferred AVRO field names', () => {
  it('keeps the spelling with VALUE_SCHEMA_ID, upper-cases without', () => {
    eddy = engine();
    const id = eddy.state.registry.register('readings-value', { schemaType: 'AVRO', schema });
    eddy.execute(`CREATE STREAM BY_ID WITH (kafka_topic='readings', value_format='AVRO', value_schema_id=${id}, partitions=1);`);
    eddy.execute("CREATE STREAM BY_SUBJECT WITH (kafka_topic='readings', value_format='AVRO', partitions=1);");
    expect(columns('BY_ID')).toEqual(['sensorId STRING', 'Pos lat']);
    expect(columns('BY_SUBJECT')).toEqual(['SENSORID STRING', 'POS LAT']);
    // The kept spelling is a quoted identifier, as in ksqlDB.
    expect(() => eddy.execute('CREATE STREAM O AS SELECT `sensorId`, `Pos`->`lat` AS LAT FROM BY_ID;')).not.toThrow();
  });
});

describe('inferred JSON_SR field names', () => {
  it('keeps the spelling with VALUE_SCHEMA_ID, upper-cases without', () => {
    eddy = engine();
    const js = JSON.stringify({ type: 'object', properties: { deviceId: { type: 'string' }, tags: { type: 'object', properties: { zoneName: { type: 'string' } } } } });
    const id = eddy.state.registry.register('devices-value', { schemaType: 'JSON', schema: js });
    eddy.execute(`CREATE STREAM BY_ID WITH (kafka_topic='devices', value_format='JSON_SR', value_schema_id=${id}, partitions=1);`);
    eddy.execute("CREATE STREAM BY_SUBJECT WITH (kafka_topic='devices', value_format='JSON_SR', partitions=1);");
    expect(columns('BY_ID')).toEqual(['deviceId STRING', 'tags zoneName']);
    expect(columns('BY_SUBJECT')).toEqual(['DEVICEID STRING', 'TAGS ZONENAME']);
  });
});

describe('inferred PROTOBUF field names', () => {
  it('keeps the spelling with VALUE_SCHEMA_ID, upper-cases without', () => {
    eddy = engine();
    const proto = 'syntax = "proto3";\nmessage Meter { string meterId = 1; Spot spot = 2; }\nmessage Spot { int32 floorNo = 1; }\n';
    const id = eddy.state.registry.register('meters-value', { schemaType: 'PROTOBUF', schema: proto });
    eddy.execute(`CREATE STREAM BY_ID WITH (kafka_topic='meters', value_format='PROTOBUF', value_schema_id=${id}, partitions=1);`);
    eddy.execute("CREATE STREAM BY_SUBJECT WITH (kafka_topic='meters', value_format='PROTOBUF', partitions=1);");
    expect(columns('BY_ID')).toEqual(['meterId STRING', 'spot floorNo']);
    expect(columns('BY_SUBJECT')).toEqual(['METERID STRING', 'SPOT FLOORNO']);
  });
});
