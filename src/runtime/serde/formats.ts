// Key and value formats, as ksqlDB serialises them: JSON, DELIMITED, KAFKA and NONE here; the
// schema-registry formats in their own files (avro.ts, json-sr.ts, protobuf.ts).

import { formatType, type SqlType } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../../planner/values.js';
import { javaDouble } from '../../planner/expr/java-format.js';
import { longOf } from '../../planner/long.js';
import { DecodeError, jsonToValue, valueToJson } from './json-coercion.js';
import { utf8Text } from './utf8-text.js';
import { JsonNumber, parseJson, setField, stringifyJson, type Json } from '../../util/lossless-json.js';
import type { FormatName } from '../../planner/catalog.js';
import { formatSchemaProblem } from '../../planner/format-rules.js';
import type { ColumnSchema, Serde, SerdeOptions } from './serde-types.js';
import { avroSerde } from './avro.js';
import { projectingJsonDecoder } from './json-projection.js';
import { jsonSrSerde } from './json-sr.js';
import { protobufSerde } from './protobuf.js';

export type { FormatName };
export type { ColumnSchema, Serde, SerdeOptions };

export function createSerde(format: FormatName, columns: readonly ColumnSchema[], opts: SerdeOptions): Serde {
  // What a format can hold is the planner's rule; a serde never serves a schema the planner refused.
  const problem = formatSchemaProblem(format, columns, opts.role);
  if (problem !== undefined) throw new Error(problem);
  switch (format) {
    case 'JSON':
      return jsonSerde(columns, opts);
    case 'DELIMITED':
      return delimitedSerde(columns, opts);
    case 'KAFKA':
      return kafkaSerde(columns, opts);
    case 'AVRO':
      return avroSerde(columns, opts);
    case 'PROTOBUF':
      return protobufSerde(columns, opts, true);
    case 'PROTOBUF_NOSR':
      return protobufSerde(columns, opts, false);
    case 'JSON_SR':
      return jsonSrSerde(jsonSerde(columns, opts), columns, opts);
    default:
      return { serialize: () => null, deserialize: () => [] };
  }
}

// ------------------------------------------------------------------ JSON

/** Column kinds nativeObject can decode. */
const NATIVE_KINDS: ReadonlySet<SqlType['kind']> = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BOOLEAN']);

/**
 * A JSON object decoded with the engine's own JSON.parse, when that gives exactly what the
 * lossless parser would: every column present by its exact name, numbers only where an INTEGER,
 * BIGINT or DOUBLE takes them (those read Number(text) either way), strings and booleans (the same
 * in both). Anything else (a number for a STRING or DECIMAL, nesting, a missing or differently
 * cased name, invalid JSON) returns undefined and takes the lossless path. Native parsing is
 * several times faster, and chained queries read every record their predecessor wrote.
 */
export function nativeObject(text: string, columns: readonly ColumnSchema[]): Value[] | null | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (j === null) return null;
  if (typeof j !== 'object' || Array.isArray(j)) return undefined;
  const obj = j as Record<string, unknown>;
  const out = new Array<Value>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (!Object.hasOwn(obj, c.name)) return undefined;
    const x = obj[c.name];
    if (x === null) out[i] = null;
    else if (typeof x === 'number') {
      const k = c.type.kind;
      if (k === 'DOUBLE') out[i] = x;
      // Past 2^53 the double may not be the digits written: the lossless path keeps them exact.
      else if (k === 'BIGINT' && Number.isSafeInteger(Math.trunc(x)))
        out[i] = Math.trunc(x) + 0; // + 0: no -0, as the lossless path gives
      else if (k === 'INTEGER' && (x | 0) === Math.trunc(x)) out[i] = x | 0;
      else return undefined; // out of range too: the lossless path says why
    } else if (typeof x === 'string' || typeof x === 'boolean') out[i] = jsonToValue(x, c.type, `$.${c.name}`);
    else return undefined;
  }
  return out;
}

/** A value of a native kind as valueToJson and stringifyJson write it. */
function nativeJson(v: Value, kind: SqlType['kind']): string {
  if (v === null || v === undefined) return 'null';
  switch (kind) {
    case 'STRING':
    case 'BOOLEAN':
      return JSON.stringify(v);
    case 'BIGINT':
      return String(v as number | bigint);
    default: {
      const n = v as number;
      // JSON has no NaN or Infinity: Jackson writes them as strings.
      if (!Number.isFinite(n)) return `"${String(n)}"`;
      return kind === 'DOUBLE' && Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
  }
}

function jsonSerde(columns: readonly ColumnSchema[], opts: SerdeOptions): Serde {
  // A key with one column, or a value declared WRAP_SINGLE_VALUE=false, is the bare JSON value.
  const unwrapped = columns.length === 1 && (opts.role === 'key' || opts.wrapSingleValue === false);
  const upper = columns.map((c) => c.name.toUpperCase());
  // Only where every column is of a kind nativeObject can answer: for any other a record would be parsed twice.
  const native = !unwrapped && columns.every((c) => NATIVE_KINDS.has(c.type.kind));
  const names = columns.map((c) => c.name);
  // The object's text written directly, field after field, where stringifyJson would write the same:
  // no name an array index (an object lists those first), no `__proto__` (setField's special case).
  // Only the columns the query reads, where the planner said which (json-projection.ts).
  const projected =
    native && opts.readColumns
      ? projectingJsonDecoder(
          columns,
          columns.map((_, i) => opts.readColumns!.includes(i)),
        )
      : undefined;
  const direct = native && columns.length > 0 && names.every((n) => !/^(0|[1-9]\d*)$/.test(n) && n !== '__proto__') ? names.map((n, i) => `${i ? ',' : '{'}${JSON.stringify(n)}:`) : undefined;
  return {
    serialize(values) {
      if (values === null) return null;
      if (direct) {
        let out = '';
        for (let i = 0; i < direct.length; i++) out += direct[i]! + nativeJson(values[i] ?? null, columns[i]!.type.kind);
        return Buffer.from(`${out}}`, 'utf8');
      }
      if (unwrapped) return Buffer.from(stringifyJson(valueToJson(values[0] ?? null, columns[0]!.type)), 'utf8');
      if (columns.length === 0 && opts.role === 'key') return null;
      const o: Record<string, Json> = {};
      columns.forEach((c, i) => setField(o, c.name, valueToJson(values[i] ?? null, c.type)));
      return Buffer.from(stringifyJson(o), 'utf8');
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      let text: string;
      try {
        text = utf8Text(bytes);
      } catch (e) {
        throw new DecodeError(`Failed to deserialize ${opts.role} as JSON: ${(e as Error).message}`);
      }
      if (projected) {
        const row = projected(text);
        if (row !== undefined) return row;
      }
      if (native) {
        const fast = nativeObject(text, columns);
        if (fast !== undefined) return fast;
      }
      let j: Json;
      try {
        j = parseJson(text);
      } catch (e) {
        throw new DecodeError(`Failed to deserialize ${opts.role} as JSON: ${(e as Error).message}`);
      }
      if (unwrapped) return [jsonToValue(j, columns[0]!.type)];
      if (j === null) return null;
      if (typeof j !== 'object' || Array.isArray(j) || j instanceof JsonNumber) {
        // A bare value for a single-column value is accepted unless wrapping was demanded.
        if (columns.length === 1 && opts.wrapSingleValue !== true) return [jsonToValue(j, columns[0]!.type)];
        throw new DecodeError(`Failed to deserialize ${opts.role}: expected a JSON object, got ${stringifyJson(j).slice(0, 80)}`);
      }
      const obj = j as Record<string, Json>;
      // Field names matched case-insensitively; the upper-cased index is built only on a miss.
      let byUpper: Map<string, Json> | undefined;
      const upperIndex = () => {
        byUpper = new Map<string, Json>();
        for (const [k, x] of Object.entries(obj)) if (!byUpper.has(k.toUpperCase())) byUpper.set(k.toUpperCase(), x);
        return byUpper;
      };
      return columns.map((c, i) => {
        const x = Object.hasOwn(obj, c.name) ? obj[c.name]! : (byUpper ?? upperIndex()).get(upper[i]!);
        return x === undefined ? null : jsonToValue(x, c.type, `$.${c.name}`);
      });
    },
  };
}

// ------------------------------------------------------------------ DELIMITED

const DELIMITERS: Record<string, string> = { TAB: '\t', SPACE: ' ', COMMA: ',', SEMICOLON: ';', PIPE: '|' };

function delimitedSerde(columns: readonly ColumnSchema[], opts: SerdeOptions): Serde {
  const raw = opts.delimiter ?? ',';
  const delim = DELIMITERS[raw.toUpperCase()] ?? raw;
  if (delim.length !== 1) throw new Error(`Invalid delimiter '${raw}': a single character, or TAB, SPACE, COMMA, SEMICOLON or PIPE`);
  return {
    serialize(values) {
      if (values === null) return null;
      if (columns.length === 0) return opts.role === 'key' ? null : Buffer.from('', 'utf8');
      if (opts.role === 'key' && values.every((v) => v === null || v === undefined)) return null;
      return Buffer.from(columns.map((c, i) => formatField(values[i] ?? null, c.type, delim, i === 0)).join(delim), 'utf8');
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      const fields = splitCsv(utf8Text(bytes), delim);
      if (fields.length !== columns.length) throw new DecodeError(`Unexpected field count, csvFields:${fields.length} schemaFields:${columns.length}`);
      return columns.map((c, i) => parseField(fields[i]!, c));
    },
  };
}

function formatField(v: Value, t: SqlType, delim: string, first: boolean): string {
  if (v === null) return '';
  let s: string;
  if (t.kind === 'BYTES') s = Buffer.from(v as Uint8Array).toString('base64');
  else if (v instanceof Decimal) s = v.toString();
  else if (t.kind === 'DOUBLE') s = javaDouble(v as number);
  else s = String(v);
  // Commons CSV's minimal quoting: delimiter, quote or line break inside, a leading character at
  // or below '#', trailing whitespace, or an empty first field (else a lone one reads as no field).
  const quote = t.kind === 'STRING' && ((s === '' && first) || s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r') || s.charCodeAt(0) <= 0x23 || /\s$/.test(s));
  return quote ? `"${s.replace(/"/g, '""')}"` : s;
}

function splitCsv(line: string, delim: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new DecodeError('Unterminated quoted field');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += line[i++];
      }
      out.push(s);
    } else {
      const j = line.indexOf(delim, i);
      const s = j < 0 ? line.slice(i) : line.slice(i, j);
      out.push(s === '' ? null : s);
      i = j < 0 ? line.length : j;
    }
    if (i >= line.length) break;
    if (line[i] !== delim) throw new DecodeError(`Malformed delimited field near position ${i}`);
    i++;
    if (i === line.length) {
      out.push(null);
      break;
    }
  }
  return out;
}

function parseField(s: string | null, c: ColumnSchema): Value {
  if (s === null) return null;
  try {
    return jsonToValue(c.type.kind === 'STRING' || c.type.kind === 'BYTES' ? s : /^-?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(s.trim()) ? parseJson(s.trim()) : s, c.type, c.name);
  } catch (e) {
    throw new DecodeError(`Failed to parse '${s}' as ${formatType(c.type)} for column ${c.name}: ${(e as Error).message}`);
  }
}

// ------------------------------------------------------------------ KAFKA

function kafkaSerde(columns: readonly ColumnSchema[], opts: SerdeOptions): Serde {
  if (columns.length === 0) return { serialize: () => null, deserialize: () => [] };
  const t = columns[0]!.type;
  return {
    serialize(values) {
      if (values === null) return null;
      const v = values[0] ?? null;
      if (v === null) return null;
      switch (t.kind) {
        case 'INTEGER': {
          const b = Buffer.alloc(4);
          b.writeInt32BE(v as number);
          return b;
        }
        case 'BIGINT': {
          const b = Buffer.alloc(8);
          b.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number)));
          return b;
        }
        case 'DOUBLE': {
          const b = Buffer.alloc(8);
          b.writeDoubleBE(v as number);
          return b;
        }
        case 'STRING':
          return Buffer.from(String(v), 'utf8');
        default:
          return Buffer.from(v as Uint8Array);
      }
    },
    deserialize(bytes) {
      if (bytes === null) return opts.role === 'key' ? [null] : null;
      switch (t.kind) {
        case 'INTEGER':
          if (bytes.length !== 4) throw new DecodeError(`Size of data received by IntegerDeserializer is not 4`);
          return [bytes.readInt32BE(0)];
        case 'BIGINT':
          if (bytes.length !== 8) throw new DecodeError(`Size of data received by LongDeserializer is not 8`);
          return [longOf(bytes.readBigInt64BE(0))];
        case 'DOUBLE':
          if (bytes.length !== 8) throw new DecodeError(`Size of data received by DoubleDeserializer is not 8`);
          return [bytes.readDoubleBE(0)];
        case 'STRING':
          return [utf8Text(bytes)];
        default:
          return [Buffer.from(bytes)];
      }
    },
  };
}
