// How ksqlDB refuses a format for the columns it is given: the serde of each side (key first,
// then value) is built from a persistence schema, and any refusal comes framed with the side,
// the format, that schema (columns and wrapping features) and the reason. Explicit
// WRAP_SINGLE_VALUE is judged against what the value format can do before any column is counted;
// delimiters are one UTF-16 char or TAB/SPACE, "empty" meaning Java's trim (every char <= U+0020).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, refusalOf } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
});
afterEach(() => eddy?.close());

const refusal = (sql: string): string => refusalOf(eddy, sql);
const stream = (cols: string, withs: string): string => `CREATE STREAM S (${cols}) WITH (kafka_topic='s', partitions=1, ${withs});`;

describe('a format that cannot hold the columns', () => {
  it('is reported in the serde frame for a value: side, format, schema, reason', () => {
    expect(refusal(stream('K INT KEY, FLAG BOOLEAN', "value_format='KAFKA'"))).toContain(
      "Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`FLAG` BOOLEAN], features=[]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'",
    );
    expect(refusal(stream('K INT KEY, A STRING, B STRING', "value_format='KAFKA'"))).toContain(
      "Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` STRING, `B` STRING], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`A` STRING, `B` STRING]",
    );
  });

  it('names key columns with KEY, in the frame and in the reason', () => {
    expect(refusal(stream('A INT KEY, B INT KEY, V STRING', "key_format='KAFKA', value_format='JSON'"))).toContain(
      "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` INTEGER KEY, `B` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER KEY, `B` INTEGER KEY]",
    );
  });

  it('frames NONE with columns too, the key side being judged first', () => {
    expect(refusal(stream('K INT KEY, V STRING', "format='NONE'"))).toContain('Key format does not support schema.\nformat: NONE\nschema: Persistence{columns=[`K` INTEGER KEY], features=[]}');
    expect(refusal(stream('K INT KEY, V STRING', "value_format='NONE'"))).toContain(
      "Value format does not support schema.\nformat: NONE\nschema: Persistence{columns=[`V` STRING], features=[]}\nreason: The 'NONE' format can only be used when no columns are defined. Got: [`V` STRING]",
    );
  });

  it('shows the unwrapping feature an explicit WRAP_SINGLE_VALUE=false gives', () => {
    expect(refusal(stream('K INT KEY, V TIMESTAMP', "value_format='KAFKA', wrap_single_value=false"))).toContain(
      "schema: Persistence{columns=[`V` TIMESTAMP], features=[UNWRAP_SINGLES]}\nreason: The 'KAFKA' format does not support type 'TIMESTAMP'",
    );
  });

  it('frames a CREATE … AS SELECT sink the same way', () => {
    eddy.execute(stream('K INT KEY, V STRING', "value_format='JSON'"));
    expect(refusal("CREATE STREAM OUT WITH (value_format='DELIMITED') AS SELECT K, ARRAY[V] AS L FROM S;")).toContain(
      "Value format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`L` ARRAY<STRING>], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `L`",
    );
  });

  it('names both Protobuf formats PROTOBUF in the map-key rule they share', () => {
    expect(refusal(stream('K INT KEY, M MAP<INT, STRING>', "value_format='PROTOBUF_NOSR'"))).toContain(
      'reason: PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.',
    );
  });
});

describe('an explicit WRAP_SINGLE_VALUE', () => {
  it('is refused where the value format cannot honour it, before the column count matters', () => {
    expect(refusal(stream('K INT KEY, V STRING', "value_format='PROTOBUF', wrap_single_value=false"))).toContain("Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'.");
    expect(refusal(stream('K INT KEY, V STRING', "value_format='NONE', wrap_single_value=false"))).toContain("Format 'NONE' does not support 'WRAP_SINGLE_VALUE' set to 'false'.");
    expect(refusal(stream('K INT KEY, A STRING, B STRING', "value_format='DELIMITED', wrap_single_value=true"))).toContain("Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
  });

  it('is taken where the format can write a bare single value', () => {
    eddy.execute(stream('K INT KEY, V STRING', "value_format='PROTOBUF_NOSR', wrap_single_value=false"));
    expect(eddy.state.catalog.get('S')!.wrapSingleValue).toBe(false);
  });
});

describe('format names and delimiters', () => {
  it('names an unknown format upper-cased, as it is looked up', () => {
    expect(refusal(stream('K INT KEY, V STRING', "value_format='csvish'"))).toContain('Unknown format: CSVISH');
  });

  it('counts as empty a delimiter of chars up to U+0020 only, as Java trims', () => {
    expect(refusal(stream('K INT KEY, V STRING', "value_format='DELIMITED', value_delimiter='\u0001'"))).toContain('Delimiter cannot be empty');
    // A no-break space is above U+0020: one char, so a valid delimiter.
    eddy.execute(stream('K INT KEY, V STRING', "value_format='DELIMITED', value_delimiter='\u00a0'"));
    expect(eddy.state.catalog.get('S')!.valueDelimiter).toBe('\u00a0');
  });

  it('takes the names TAB and SPACE only as written, upper case', () => {
    expect(refusal(stream('K INT KEY, V STRING', "value_format='DELIMITED', value_delimiter='Tab'"))).toContain("Invalid delimiter value: 'Tab'. Delimiter must be a single character or TAB,SPACE");
  });
});
