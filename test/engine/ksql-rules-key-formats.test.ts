// Keys and the NONE key format as ksqlDB decides them for CREATE … AS SELECT: only an inherited
// NONE gives way to a format that can hold the result's key; a NONE the statement asks for is
// refused when there are key columns; PARTITION BY NULL leaves no key columns (a selected source
// key becomes a value column) and its key format is NONE, another one being refused.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic, refusalOf } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
  eddy.execute("CREATE STREAM SRC (ID INT KEY, V STRING) WITH (kafka_topic='src', value_format='JSON', partitions=1);");
});
afterEach(() => eddy?.close());

const refusal = (sql: string): string => refusalOf(eddy, sql);

const schemaOf = (name: string) => eddy.state.catalog.get(name)!.columns.map((c) => `${c.name}${c.role === 'key' ? ' KEY' : ''}`);

describe('the NONE key format', () => {
  it('asked for with key columns is refused, through KEY_FORMAT or FORMAT, for streams and tables', () => {
    expect(refusal("CREATE STREAM N1 WITH (key_format='none') AS SELECT ID, V FROM SRC;")).toContain("The 'NONE' format can only be used when no columns are defined. Got: [`ID` INTEGER KEY]");
    expect(refusal("CREATE TABLE N2 WITH (format='NONE') AS SELECT V, COUNT(*) AS C FROM SRC GROUP BY V;")).toContain(
      "The 'NONE' format can only be used when no columns are defined. Got: [`V` STRING KEY]",
    );
  });
});

describe('PARTITION BY NULL', () => {
  it('gives a keyless stream whose selected source key is a value column, keyed by nothing', () => {
    eddy.execute('CREATE STREAM N3 AS SELECT ID, V FROM SRC PARTITION BY NULL;');
    expect(schemaOf('N3')).toEqual(['ID', 'V']);
    expect(eddy.state.catalog.get('N3')!.keyFormat).toBe('NONE');
    insert(eddy, 'SRC', 'ID, V', "7, 'x'", 1);
    expect(topic(eddy, 'N3').map((r) => r.value)).toEqual([{ ID: 7, V: 'x' }]);
  });

  it('takes KEY_FORMAT NONE and refuses any other key format', () => {
    eddy.execute("CREATE STREAM N4 WITH (key_format='NONE') AS SELECT V FROM SRC PARTITION BY NULL;");
    expect(refusal("CREATE STREAM N5 WITH (key_format='KAFKA') AS SELECT V FROM SRC PARTITION BY NULL;")).toContain('Key format specified for stream without key columns.');
    expect(refusal("CREATE STREAM N6 WITH (format='JSON') AS SELECT ID, V FROM SRC PARTITION BY NULL;")).toContain('Key format specified for stream without key columns.');
  });
});
