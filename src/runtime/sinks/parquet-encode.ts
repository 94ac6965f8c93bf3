// One batch's rows as one Parquet file (hyparquet-writer, pure JS), with a schema derived from the
// SQL types. Every field is OPTIONAL (SQL NULL). The mapping (docs/sql.md, "Parquet"):
//   BOOLEAN → BOOLEAN          INT → INT32          BIGINT → INT64 (as bigint: exact past 2^53)
//   DOUBLE → DOUBLE            STRING → BYTE_ARRAY (STRING)     BYTES → BYTE_ARRAY
//   DECIMAL(p,s) → DECIMAL(p,s) on INT32 (p ≤ 9), INT64 (p ≤ 18) or FIXED_LEN_BYTE_ARRAY, exact
//   DATE → INT32 (DATE)        TIME → INT32 (TIME millis, local: not adjusted to UTC)
//   TIMESTAMP → INT64 (TIMESTAMP millis, adjusted to UTC: Eddy holds an instant, ms since epoch)
//   ARRAY → LIST (3-level)     MAP → MAP (key REQUIRED: an entry with a NULL key is left out)
//   STRUCT → group             a type not known here (CUSTOM) → BYTE_ARRAY (JSON) text
// The rows are converted here to what the writer stores (bigint, unscaled digits, {key, value}
// entries), so nothing goes through a double on the way.

import type { SchemaElement } from 'hyparquet-writer';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SqlType } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../../planner/values.js';
import type { SinkColumn } from './sink-writer.js';
import { jsonText } from './sink-values.js';

type Stored = null | boolean | number | bigint | string | Uint8Array | Stored[] | { [k: string]: Stored };

/** The file's schema: the root, then each column's elements in pre-order. */
export function parquetSchema(columns: readonly SinkColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap((c) => elements(c.name, c.type))];
}

/** A whole file: the rows (in the columns' order) under the schema `parquetSchema` gave. */
export function encodeParquet(columns: readonly SinkColumn[], schema: SchemaElement[], rows: readonly (readonly Value[])[]): Uint8Array {
  const columnData = columns.map((c, i) => ({ name: c.name, data: rows.map((r) => stored(r[i] ?? null, c.type)) }));
  // Per-file statistics let readers skip files (min/max per column chunk); snappy is the built-in codec.
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, createdBy: 'eddy' }));
}

function elements(name: string, t: SqlType, repetition: 'OPTIONAL' | 'REQUIRED' = 'OPTIONAL'): SchemaElement[] {
  const e = { name, repetition_type: repetition } as const;
  switch (t.kind) {
    case 'BOOLEAN':
      return [{ ...e, type: 'BOOLEAN' }];
    case 'INTEGER':
      return [{ ...e, type: 'INT32' }];
    case 'BIGINT':
      return [{ ...e, type: 'INT64' }];
    case 'DOUBLE':
      return [{ ...e, type: 'DOUBLE' }];
    case 'STRING':
      return [{ ...e, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }];
    case 'BYTES':
      return [{ ...e, type: 'BYTE_ARRAY' }];
    case 'DATE':
      return [{ ...e, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }];
    case 'TIME':
      // A time of day with no zone: not adjusted to UTC, so no TIME_MILLIS converted type (that one means adjusted).
      return [{ ...e, type: 'INT32', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MILLIS' } }];
    case 'TIMESTAMP':
      return [{ ...e, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } }];
    case 'DECIMAL': {
      const { precision, scale } = t;
      const physical = precision <= 9 ? { type: 'INT32' as const } : precision <= 18 ? { type: 'INT64' as const } : { type: 'FIXED_LEN_BYTE_ARRAY' as const, type_length: decimalBytes(precision) };
      return [{ ...e, ...physical, converted_type: 'DECIMAL', precision, scale, logical_type: { type: 'DECIMAL', precision, scale } }];
    }
    case 'ARRAY':
      return [{ ...e, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 }, ...elements('element', t.item)];
    case 'MAP':
      return [
        { ...e, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        ...elements('key', t.key, 'REQUIRED'),
        ...elements('value', t.value),
      ];
    case 'STRUCT':
      return [{ ...e, num_children: t.fields.length }, ...t.fields.flatMap((f) => elements(f.name, f.type))];
    case 'CUSTOM':
      return [{ ...e, type: 'BYTE_ARRAY', logical_type: { type: 'JSON' } }];
  }
}

/** The fewest bytes whose two's complement holds every unscaled value of `precision` digits. */
function decimalBytes(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let n = 1;
  while (1n << BigInt(8 * n - 1) <= max) n++;
  return n;
}

/** A value as the writer stores it for its element (see the mapping above). */
function stored(v: Value, t: SqlType): Stored {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BIGINT':
    case 'TIMESTAMP':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'DECIMAL': {
      const d = v instanceof Decimal ? v : Decimal.parse(String(v));
      return d.rescale(t.scale).unscaled;
    }
    case 'BYTES':
      return v instanceof Uint8Array ? v : Buffer.from(String(v));
    case 'ARRAY':
      return (v as Value[]).map((x) => stored(x, t.item));
    case 'MAP': {
      const out: Stored[] = [];
      for (const [k, x] of v as Map<Value, Value>) if (k !== null && k !== undefined) out.push({ key: stored(k, t.key), value: stored(x, t.value) });
      return out;
    }
    case 'STRUCT': {
      const s = v as Record<string, Value>;
      const out: { [k: string]: Stored } = {};
      for (const f of t.fields) out[f.name] = stored(s[f.name] ?? null, f.type);
      return out;
    }
    case 'CUSTOM':
      return Buffer.from(jsonText(v));
    default:
      return v as boolean | number | string;
  }
}
