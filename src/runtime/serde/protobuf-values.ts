// SQL values ↔ protobufjs messages, walked along the message type. proto3 has no null for a
// scalar: a null is written as absent and read back as the type's default (0, "", false, []), as
// ksqlDB reads it; wrappers (google.protobuf.*Value) and nested messages keep null.

import protobuf from 'protobufjs';
import { Decimal, isStruct, type Value } from '../../planner/values.js';
import { JsonNumber, setField, type Json } from '../../util/lossless-json.js';
import { fullNameOf } from './protobuf-schema.js';

const DAY_MS = 86_400_000;

function decimalFromBytes(b: Uint8Array, scale: number): Decimal {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  if (b.length && b[0]! & 0x80) n -= 1n << BigInt(8 * b.length);
  return new Decimal(n, scale);
}

function decimalToBytes(d: Decimal): Buffer {
  let n = d.unscaled;
  const out: number[] = [];
  for (;;) {
    out.unshift(Number(n & 0xffn));
    const done = n >= -128n && n < 128n;
    n >>= 8n;
    if (done) break;
  }
  return Buffer.from(out);
}

function num(x: unknown): Json {
  return new JsonNumber(String(x));
}

function dbl(x: number): Json {
  return Number.isFinite(x) ? new JsonNumber(Number.isInteger(x) ? x.toFixed(1) : String(x)) : String(x);
}

/** A decoded message (protobufjs toObject with defaults, longs and bytes as strings) as JSON. */
export function protoToJson(obj: Record<string, unknown> | null | undefined, type: protobuf.Type): Json {
  if (obj === null || obj === undefined) return null;
  const name = fullNameOf(type);
  switch (name) {
    case 'google.protobuf.Timestamp':
      return num(Number(obj.seconds ?? 0) * 1000 + Math.floor(Number(obj.nanos ?? 0) / 1e6));
    case 'google.type.Date':
      return num(Math.floor(Date.UTC(Number(obj.year ?? 1970), Number(obj.month ?? 1) - 1, Number(obj.day ?? 1)) / DAY_MS));
    case 'google.type.TimeOfDay':
      return num(((Number(obj.hours ?? 0) * 60 + Number(obj.minutes ?? 0)) * 60 + Number(obj.seconds ?? 0)) * 1000 + Math.floor(Number(obj.nanos ?? 0) / 1e6));
    case 'confluent.type.Decimal':
      return new JsonNumber(decimalFromBytes(Buffer.from(String(obj.value ?? ''), 'base64'), Number(obj.scale ?? 0)).toString());
  }
  if (name.startsWith('google.protobuf.') && name.endsWith('Value')) return elementToJson(obj.value, type.fields.value!);
  const out: Record<string, Json> = {};
  for (const f of type.fieldsArray) {
    const x = obj[f.name];
    if (f instanceof protobuf.MapField) {
      const o: Record<string, Json> = {};
      for (const [k, v] of Object.entries((x ?? {}) as Record<string, unknown>)) setField(o, k, elementToJson(v, f));
      setField(out, f.name, o);
    } else if (f.repeated)
      setField(
        out,
        f.name,
        ((x ?? []) as unknown[]).map((v) => elementToJson(v, f)),
      );
    else setField(out, f.name, elementToJson(x, f));
  }
  return out;
}

function elementToJson(x: unknown, f: protobuf.Field): Json {
  const r = f.resolvedType;
  if (r instanceof protobuf.Type) return protoToJson(x as Record<string, unknown> | null, r);
  if (x === null || x === undefined) return null;
  if (r instanceof protobuf.Enum) return typeof x === 'number' ? (r.valuesById[x] ?? String(x)) : String(x);
  switch (f.type) {
    case 'bool':
    case 'string':
      return x as boolean | string;
    case 'bytes':
      return String(x); // base64, as toObject gave it
    case 'float':
    case 'double':
      return dbl(Number(x));
    default:
      return num(x);
  }
}

export class ProtoEncodeError extends Error {}

/** A row or struct as the plain object protobufjs' fromObject takes; nulls are left out. */
export function valueToProto(v: Value, type: protobuf.Type, path: string): Record<string, unknown> {
  const name = fullNameOf(type);
  switch (name) {
    case 'google.protobuf.Timestamp': {
      const ms = v as number;
      return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 };
    }
    case 'google.type.Date': {
      const d = new Date((v as number) * DAY_MS);
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    }
    case 'google.type.TimeOfDay': {
      const ms = v as number;
      return { hours: Math.floor(ms / 3_600_000), minutes: Math.floor(ms / 60_000) % 60, seconds: Math.floor(ms / 1000) % 60, nanos: (ms % 1000) * 1e6 };
    }
    case 'confluent.type.Decimal': {
      const d = v instanceof Decimal ? v : Decimal.fromNumber(v as number);
      return { value: decimalToBytes(d), precision: d.precision(), scale: d.scale };
    }
  }
  if (name.startsWith('google.protobuf.') && name.endsWith('Value')) return { value: elementToProto(v, type.fields.value!, path) };
  if (!isStruct(v)) throw new ProtoEncodeError(`${path}: expected a struct for message ${name}`);
  const upper = new Map(Object.entries(v).map(([k, x]) => [k.toUpperCase(), x]));
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    const x = Object.hasOwn(v, f.name) ? v[f.name] : upper.get(f.name.toUpperCase());
    if (x === null || x === undefined) continue;
    if (f instanceof protobuf.MapField) {
      const o: Record<string, unknown> = {};
      for (const [k, e] of x as Map<Value, Value>) if (e !== null) o[String(k)] = elementToProto(e, f, `${path}.${f.name}`);
      out[f.name] = o;
    } else if (f.repeated) out[f.name] = (x as Value[]).map((e) => (e === null ? defaultOf(f) : elementToProto(e, f, `${path}.${f.name}`)));
    else out[f.name] = elementToProto(x, f, `${path}.${f.name}`);
  }
  return out;
}

/** Protobuf's repeated fields cannot hold null: ksqlDB writes the element's default. */
function defaultOf(f: protobuf.Field): unknown {
  if (f.resolvedType instanceof protobuf.Type) return {};
  if (f.resolvedType instanceof protobuf.Enum) return 0;
  return f.type === 'string' ? '' : f.type === 'bool' ? false : f.type === 'bytes' ? Buffer.alloc(0) : 0;
}

function elementToProto(x: Value, f: protobuf.Field, path: string): unknown {
  const r = f.resolvedType;
  if (r instanceof protobuf.Type) return valueToProto(x, r, path);
  if (r instanceof protobuf.Enum) return String(x);
  switch (f.type) {
    case 'bool':
      return Boolean(x);
    case 'string':
      return typeof x === 'string' ? x : String(x);
    case 'bytes':
      return Buffer.from(x as Uint8Array);
    case 'float':
    case 'double':
      return x instanceof Decimal ? x.toNumber() : (x as number);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return typeof x === 'bigint' ? String(x) : String(Math.trunc(x as number));
    default:
      return x as number;
  }
}

export function decodeMessage(type: protobuf.Type, payload: Uint8Array): Record<string, unknown> {
  const msg = type.decode(payload);
  return type.toObject(msg, { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true }) as Record<string, unknown>;
}

export function encodeMessage(type: protobuf.Type, obj: Record<string, unknown>): Uint8Array {
  return type.encode(type.fromObject(obj)).finish();
}
