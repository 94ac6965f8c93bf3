// ksqlDB's PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER': the generated Protobuf schema gives each
// primitive column a google.protobuf wrapper (nested struct fields too), so a NULL survives
// instead of reading back as the proto3 default (0, '', false).

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

describe('PROTOBUF nullable representation WRAPPER', () => {
  it('registers wrappers and keeps NULLs through a persistent query', () => {
    eddy = engine();
    eddy.execute(
      "CREATE STREAM S (ID INT KEY, N BIGINT, T STRING, P STRUCT<F DOUBLE>) WITH (kafka_topic='s', value_format='PROTOBUF', value_protobuf_nullable_representation='WRAPPER', partitions=1);",
    );
    eddy.execute("CREATE STREAM O WITH (value_format='PROTOBUF', value_protobuf_nullable_representation='wrapper') AS SELECT * FROM S;");
    const schema = eddy.state.registry.latest('O-value')!.schema;
    expect(schema).toContain('google.protobuf.Int64Value N = 1;');
    expect(schema).toContain('google.protobuf.DoubleValue F = 1;');
    insert(eddy, 'S', 'ID, N, T, P', '1, NULL, NULL, STRUCT(F := NULL)', 10);
    insert(eddy, 'S', 'ID, N, T, P', "2, 0, '', STRUCT(F := 0.0)", 20);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([
      { N: null, T: null, P: { F: null } },
      { N: 0, T: '', P: { F: 0 } },
    ]);
  });

  it('without it, NULL primitives read back as their defaults; other formats refuse the setting', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM S (ID INT KEY, N BIGINT) WITH (kafka_topic='s', value_format='PROTOBUF', partitions=1);");
    insert(eddy, 'S', 'ID, N', '1, NULL', 10);
    expect(topic(eddy, 's').map((r) => r.value)).toEqual([{ N: 0 }]);
    expect(() => eddy.execute("CREATE STREAM J (A INT) WITH (kafka_topic='j', value_format='JSON', value_protobuf_nullable_representation='WRAPPER', partitions=1);")).toThrow(
      'JSON does not support the following configs: [nullableRepresentation]',
    );
  });
});
