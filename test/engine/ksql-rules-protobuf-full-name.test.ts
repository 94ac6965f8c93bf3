// A Protobuf schema may declare several messages: with KEY_/VALUE_SCHEMA_FULL_NAME a source reads
// its columns from, and writes with, the message that name gives (package-qualified or not,
// nested ones too), its message indexes in the wire format; without one, the first message.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const PROTO = 'syntax = "proto3"; package shop; message Other { int32 x = 1; } message Outer { message Inner { string NAME = 1; int32 N = 2; } int32 y = 1; }';
const valueColumns = (name: string) =>
  eddy.state.catalog
    .get(name)!
    .columns.filter((c) => c.role === 'value')
    .map((c) => c.name);

describe('SCHEMA_FULL_NAME over a schema of several messages', () => {
  it('reads and writes the nested message it names, with its message indexes', () => {
    eddy = engine();
    const id = eddy.state.registry.register('orders-value', { schemaType: 'PROTOBUF', schema: PROTO });
    eddy.execute(`CREATE STREAM O WITH (kafka_topic='orders', value_format='PROTOBUF', value_schema_id=${id}, value_schema_full_name='shop.Outer.Inner', partitions=1);`);
    expect(valueColumns('O')).toEqual(['NAME', 'N']);
    insert(eddy, 'O', 'NAME, N', "'pen', 3", 10);
    const [raw] = eddy.readTopic('orders');
    // magic byte, the schema id, then message indexes [1, 0] as zig-zag varints (count 2, 1, 0).
    expect([...(raw!.value as Buffer).subarray(5, 8)]).toEqual([4, 2, 0]);
    expect(topic(eddy, 'orders').map((r) => r.value)).toEqual([{ NAME: 'pen', N: 3 }]);
  });

  it('takes a name without the package, and the first message without a name', () => {
    eddy = engine();
    const id = eddy.state.registry.register('orders-value', { schemaType: 'PROTOBUF', schema: PROTO });
    eddy.execute(`CREATE STREAM A WITH (kafka_topic='orders', value_format='PROTOBUF', value_schema_id=${id}, value_schema_full_name='Outer', partitions=1);`);
    eddy.execute(`CREATE STREAM B WITH (kafka_topic='orders', value_format='PROTOBUF', value_schema_id=${id}, partitions=1);`);
    expect(valueColumns('A')).toEqual(['y']);
    expect(valueColumns('B')).toEqual(['x']);
  });
});
