// JSON ↔ SQL values for a declared type, with the leniency of ksqlDB's JSON deserializer
// (numbers from strings, strings from any scalar, case-insensitive struct fields).

import type { SqlType } from '../parser/sql-type.js';
import { formatType } from '../parser/sql-type.js';
import { Decimal, isStruct, type Struct, type Value } from './values.js';
import { longOf } from './long.js';
import { JsonNumber, setField, stringifyJson, type Json } from '../util/lossless-json.js';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

function fail(j: Json, t: SqlType, path: string): never {
  const shown = j instanceof JsonNumber ? j.text : typeof j === 'string' ? `"${j}"` : stringifyJson(j);
  throw new DecodeError(`Can't convert type. sourceType: ${jsonKind(j)}, requiredType: ${formatType(t)}, path: ${path}, value: ${shown}`);
}

function jsonKind(j: Json): string {
  if (j === null) return 'NullNode';
  if (j instanceof JsonNumber) {
    if (/[.eE]/.test(j.text)) return 'DoubleNode';
    const n = BigInt(j.text);
    return n >= INT_MIN && n <= INT_MAX ? 'IntNode' : n >= LONG_MIN && n <= LONG_MAX ? 'LongNode' : 'BigIntegerNode';
  }
  if (typeof j === 'string') return 'TextNode';
  if (typeof j === 'boolean') return 'BooleanNode';
  return Array.isArray(j) ? 'ArrayNode' : 'ObjectNode';
}

/** A string that does not read as the column's type: ksqlDB's wording (its JsonSerdeUtils), with the path and value. */
function failString(j: string, t: SqlType, path: string): never {
  throw new DecodeError(`Can't coerce string to type. targetType: ${formatType(t)}, path: ${path}, value: "${j}"`);
}

/**
 * Java's Double.parseDouble, as ksqlDB reads a DOUBLE from a JSON string: blanks around it
 * ignored, `[+-]NaN` and `[+-]Infinity` (how Eddy's JSON serializer, as Jackson's by default,
 * writes those values, so they read back), an optional f/F/d/D suffix. Hexadecimal floating literals (`0x1p3`) are not read.
 * Undefined when Java would throw.
 */
export function javaParseDouble(text: string): number | undefined {
  // String.trim(): every character up to U+0020, not Unicode spaces.
  const m = /^[\x00-\x20]*([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)[\x00-\x20]*$/.exec(text);
  if (!m) return undefined;
  if (m[2] === 'NaN') return NaN;
  const v = m[2] === 'Infinity' ? Infinity : Number(m[2]!.replace(/[fFdD]$/, ''));
  return m[1] === '-' ? -v : v;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** A whole number within the column type's range; one outside it is rejected, never wrapped. */
function integer(j: Json, t: SqlType, path: string, bits: 32 | 64): number | bigint {
  let whole: bigint;
  if (j instanceof JsonNumber) whole = /[.eE]/.test(j.text) ? wholePart(Number(j.text)) : BigInt(j.text);
  // Java's Integer.parseInt / Long.parseLong, as ksqlDB reads a string: a sign and digits, no blanks.
  else if (typeof j === 'string') {
    if (!/^[+-]?\d+$/.test(j)) return failString(j, t, path);
    whole = BigInt(j);
  } else return fail(j, t, path);
  const [min, max] = bits === 32 ? [INT_MIN, INT_MAX] : [LONG_MIN, LONG_MAX];
  if (whole < min || whole > max) {
    if (typeof j === 'string') throw new DecodeError(`Can't coerce string to type. targetType: ${formatType(t)}, path: ${path}, value: "${j}" is out of range`);
    throw new DecodeError(`Can't convert type. sourceType: ${jsonKind(j)}, requiredType: ${formatType(t)}, path: ${path}, value: ${j instanceof JsonNumber ? j.text : String(j)} is out of range`);
  }
  // BIGINT stays exact (a bigint past 2^53); times and INT are numbers.
  return t.kind === 'BIGINT' ? longOf(whole) : Number(whole);
}

/** A fractional number's whole part, as Jackson's intValue/longValue truncate (NaN and infinities: out of any range). */
function wholePart(x: number): bigint {
  return Number.isFinite(x) ? BigInt(Math.trunc(x)) : LONG_MAX + 1n;
}

export function jsonToValue(j: Json, t: SqlType, path = '$'): Value {
  if (j === null) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      if (typeof j === 'boolean') return j;
      if (typeof j === 'string' && /^(true|false)$/i.test(j)) return j.toLowerCase() === 'true';
      return fail(j, t, path);
    case 'INTEGER':
      return integer(j, t, path, 32);
    case 'BIGINT':
      return integer(j, t, path, 64);
    case 'DOUBLE':
      if (j instanceof JsonNumber) return Number(j.text);
      if (typeof j === 'string') return javaParseDouble(j) ?? failString(j, t, path);
      return fail(j, t, path);
    case 'DECIMAL': {
      const text = j instanceof JsonNumber ? j.text : typeof j === 'string' ? j.trim() : undefined;
      if (text === undefined) return fail(j, t, path);
      let d: Decimal;
      try {
        d = Decimal.parse(text);
      } catch {
        return fail(j, t, path);
      }
      const r = d.rescale(t.scale);
      if (r.precision() > t.precision) throw new DecodeError(`Cannot fit decimal '${text}' into DECIMAL(${t.precision}, ${t.scale}) without rounding. (Requires ${r.precision()},${t.scale})`);
      return r;
    }
    case 'STRING':
      if (typeof j === 'string') return j;
      if (j instanceof JsonNumber) return j.text;
      if (typeof j === 'boolean') return String(j);
      return stringifyJson(j);
    case 'BYTES':
      if (typeof j === 'string') return Buffer.from(j, 'base64');
      return fail(j, t, path);
    case 'TIMESTAMP':
    case 'TIME':
      return integer(j, t, path, 64);
    case 'DATE':
      return integer(j, t, path, 32);
    case 'ARRAY':
      if (!Array.isArray(j)) return fail(j, t, path);
      return j.map((x, i) => jsonToValue(x, t.item, `${path}[${i}]`));
    case 'MAP': {
      if (typeof j !== 'object' || Array.isArray(j) || j instanceof JsonNumber) return fail(j, t, path);
      const m = new Map<Value, Value>();
      for (const [k, x] of Object.entries(j)) m.set(jsonToValue(k, t.key, `${path}.${k}`), jsonToValue(x, t.value, `${path}.${k}`));
      return m;
    }
    case 'STRUCT': {
      if (typeof j !== 'object' || Array.isArray(j) || j instanceof JsonNumber) return fail(j, t, path);
      const upper = new Map<string, Json>();
      for (const [k, x] of Object.entries(j)) upper.set(k.toUpperCase(), x);
      const s: Struct = {};
      for (const f of t.fields) {
        // Own fields only: an inherited name (`constructor`, a `__proto__` key's fields) is no field.
        const x = Object.hasOwn(j, f.name) ? j[f.name]! : upper.get(f.name.toUpperCase());
        setField(s, f.name, x === undefined ? null : jsonToValue(x, f.type, `${path}.${f.name}`));
      }
      return s;
    }
    case 'CUSTOM':
      throw new DecodeError(`unresolved type ${t.name}`);
  }
}

export function valueToJson(v: Value, t: SqlType): Json {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
    case 'STRING':
      return v as boolean | string;
    case 'BIGINT':
      return new JsonNumber(String(v as number | bigint));
    case 'INTEGER':
    case 'DOUBLE':
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME': {
      const n = v as number;
      // JSON has no NaN or Infinity: Jackson writes them as strings.
      if (!Number.isFinite(n)) return String(n);
      return new JsonNumber(t.kind === 'DOUBLE' && Number.isInteger(n) ? n.toFixed(1) : String(n));
    }
    case 'DECIMAL':
      return new JsonNumber((v as Decimal).toString());
    case 'BYTES':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'ARRAY':
      return (v as Value[]).map((x) => valueToJson(x, t.item));
    case 'MAP': {
      const o: Record<string, Json> = {};
      for (const [k, x] of v as Map<Value, Value>) setField(o, String(k), valueToJson(x, t.value));
      return o;
    }
    case 'STRUCT': {
      const s = isStruct(v) ? v : {};
      const o: Record<string, Json> = {};
      for (const f of t.fields) setField(o, f.name, valueToJson(Object.hasOwn(s, f.name) ? s[f.name]! : null, f.type));
      return o;
    }
    case 'CUSTOM':
      return null;
  }
}
