// Log records ↔ Recs for one source: key and value bytes through the source's formats, header
// columns from record headers, event time from the record or the TIMESTAMP column.

import type { SourceDef } from '../planner/catalog.js';
import type { Rec } from '../planner/record.js';
import type { Value } from '../planner/values.js';
import type { AppendRecord, LogRecord } from './log/index.js';
import { createSerde, type Serde } from './serde/index.js';
import { splitWindowedKey } from './log/index.js';
import { parseTimestampColumn } from '../planner/timestamp-column.js';
import { RegistryUnavailableError, type SchemaRegistry } from './registry/schema-registry.js';

export interface DecodeResult {
  readonly rec?: Rec;
  readonly error?: string;
}

export interface RecordCodec {
  decode(r: LogRecord): DecodeResult;
  encode(r: Rec): AppendRecord;
  /** The key bytes of a row whose columns are `cols` (null for a source without key columns). */
  encodeKey(cols: readonly Value[]): Buffer | null;
}

/** The positions among def's value columns of the read ones, its TIMESTAMP column always among them (decode reads it). */
function valuePositions(def: SourceDef, reads: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  def.columns.forEach((c, i) => {
    if (c.role !== 'value') return;
    if (reads.includes(i) || c.name === def.timestampColumn) out.push(at);
    at++;
  });
  return out;
}

function serdeFor(def: SourceDef, role: 'key' | 'value', registry: SchemaRegistry | undefined, readColumns?: readonly number[]): Serde {
  const cols = def.columns.filter((c) => c.role === role).map((c) => ({ name: c.name, type: c.type }));
  const format = role === 'key' ? def.keyFormat : def.valueFormat;
  const delimiter = role === 'key' ? def.keyDelimiter : def.valueDelimiter;
  return createSerde(format as Parameters<typeof createSerde>[0], cols, {
    role,
    ...(role === 'value' && def.wrapSingleValue !== undefined ? { wrapSingleValue: def.wrapSingleValue } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(readColumns ? { readColumns } : {}),
    ...(registry ? { registry } : {}),
    ...(def.topic ? { topic: def.topic } : {}),
    sourceName: def.name,
    ...(role === 'key' ? (def.keySchemaId !== undefined ? { schemaId: def.keySchemaId } : {}) : def.valueSchemaId !== undefined ? { schemaId: def.valueSchemaId } : {}),
    ...(role === 'key' ? (def.keySchemaFullName ? { schemaFullName: def.keySchemaFullName } : {}) : def.valueSchemaFullName ? { schemaFullName: def.valueSchemaFullName } : {}),
    ...((role === 'key' ? def.keyProtobufWrappers : def.valueProtobufWrappers) ? { protobufWrappers: true } : {}),
  });
}

/**
 * `registry`: where AVRO, PROTOBUF and JSON_SR schemas live (the engine's; without one those formats fail).
 * `reads`: the columns (indexes into def.columns) a query reads, as its plan's SourceNode says;
 * the value format may then leave the other value columns null. Absent: every column.
 */
export function recordCodec(def: SourceDef, registry?: SchemaRegistry, reads?: readonly number[]): RecordCodec {
  const keySerde = serdeFor(def, 'key', registry);
  const valueSerde = serdeFor(def, 'value', registry, reads && valuePositions(def, reads));
  const keyCount = def.columns.filter((c) => c.role === 'key').length;
  const valueCount = def.columns.filter((c) => c.role === 'value').length;
  const headerCols = def.columns.filter((c) => c.role === 'header');
  const tsIndex = def.timestampColumn ? def.columns.findIndex((c) => c.name === def.timestampColumn) : -1;
  const tsType = tsIndex >= 0 ? def.columns[tsIndex]!.type : undefined;

  const session = def.windowed?.kind === 'SESSION';
  const noKeys: Value[] = [];
  const decode = (lr: LogRecord): DecodeResult => {
    let r = lr;
    // On Kafka a windowed key carries its window in its bytes (records.ts); the embedded log keeps it apart.
    if (def.windowed && !r.window && r.key && keyCount) {
      const split = splitWindowedKey(r.key, session, def.windowed.sizeMs);
      if (!split) return { error: `Failed to deserialise key: ${r.key.length} bytes cannot hold a ${session ? 'session' : 'time'} window (${session ? 16 : 8} bytes)` };
      r = { ...r, key: split.key, window: split.window };
    }
    let keyVals: Value[] | null;
    let valueVals: Value[] | null;
    try {
      keyVals = keyCount ? keySerde.deserialize(r.key) : noKeys;
    } catch (e) {
      if (e instanceof RegistryUnavailableError) throw e;
      return { error: `Failed to deserialise key: ${(e as Error).message}` };
    }
    try {
      valueVals = r.value === null ? null : valueSerde.deserialize(r.value);
    } catch (e) {
      if (e instanceof RegistryUnavailableError) throw e;
      return { error: `Failed to deserialise value: ${(e as Error).message}` };
    }
    // A stream record without a value still flows: projections forward it as a null value
    // (PARTITION BY gives it its new key); filters, aggregations and joins drop it.
    const tombstone = valueVals === null;
    const vals = valueVals ?? new Array<Value>(valueCount).fill(null);
    // Without key columns the value's array (a new one per record) is the row as it is.
    const cols: Value[] = keyCount === 0 ? vals : [...(keyVals ?? new Array<Value>(keyCount).fill(null)), ...vals];
    for (const h of headerCols) {
      if (h.headerKey !== undefined) {
        const hit = [...r.headers].reverse().find((x) => x.key === h.headerKey);
        cols.push(hit?.value ?? null);
      } else cols.push(r.headers.map((x) => ({ KEY: x.key, VALUE: x.value })));
    }
    let ts = r.timestamp;
    if (tsIndex >= 0 && !tombstone) {
      const v = cols[tsIndex] ?? null;
      const t = typeof v === 'number' && tsType!.kind !== 'DATE' ? v : parseTimestampColumn(v, tsType!, def.timestampFormat);
      if (t === undefined || t < 0) return { error: `Invalid timestamp in column ${def.timestampColumn}: ${String(cols[tsIndex])}` };
      ts = t;
    }
    // The common record (no window, headers, tombstone or absent key) as one literal: one object shape.
    const plain = !r.window && !r.headers.length && !tombstone && !(keyCount && r.key === null);
    const rec: Rec = plain
      ? { cols, ts, partition: r.partition, offset: r.offset }
      : {
          cols,
          ts,
          partition: r.partition,
          offset: r.offset,
          ...(r.window ? { window: r.window } : {}),
          ...(r.headers.length ? { headers: r.headers } : {}),
          ...(tombstone ? { tombstone: true } : {}),
          ...(keyCount && r.key === null ? { keyAbsent: true } : {}),
        };
    return { rec };
  };

  const encode = (r: Rec): AppendRecord => {
    const keyVals = r.cols.slice(0, keyCount);
    const valueVals = r.cols.slice(keyCount, keyCount + valueCount);
    return {
      timestamp: r.ts,
      key: keyCount && !r.keyAbsent ? keySerde.serialize(keyVals) : null,
      value: r.tombstone ? null : valueSerde.serialize(valueVals),
      ...(r.window ? { window: r.window, ...(session ? { sessionWindow: true } : {}) } : {}),
      // The input record's headers go out with what it became, as Kafka Streams forwards them (ksqlDB's KsProcessor).
      ...(r.headers?.length ? { headers: r.headers } : {}),
    };
  };
  const encodeKey = (cols: readonly Value[]): Buffer | null => (keyCount ? keySerde.serialize(cols.slice(0, keyCount)) : null);
  return { decode, encode, encodeKey };
}
