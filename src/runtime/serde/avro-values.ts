// SQL values ↔ the values avsc reads and writes, walked along an Avro schema. Unions are always
// wrapped ({branch: value}) so the branch is explicit; longs are bigints (avsc's numbers stop at
// 2^53); logical types are left to us (decimal's two's-complement bytes, date/time as numbers).

import avro from 'avsc';
import { Decimal, isStruct, type Value } from '../../planner/values.js';
import { JsonNumber, setField, type Json } from '../../util/lossless-json.js';
import type { AvroComplex, AvroSchema } from './avro-schema.js';

const LongAsBigInt = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  },
  fromJSON: (x: number | string) => BigInt(x),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** An avsc type for a schema, with wrapped unions and bigint longs. */
export function avroType(schema: AvroSchema): avro.Type {
  // The hook catches `{"type": "long", …}` (logical timestamps too), which the registry entry alone does not.
  const typeHook = (s: avro.Schema): avro.Type | undefined => (s === 'long' || (typeof s === 'object' && (s as { type?: unknown }).type === 'long') ? LongAsBigInt : undefined);
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true, registry: { long: LongAsBigInt }, typeHook });
}

/** Named types of a schema, by full and short name, for resolving references. */
export class AvroNames {
  private readonly named = new Map<string, AvroComplex>();
  constructor(root: AvroSchema) {
    this.collect(root, '');
  }
  private collect(s: AvroSchema, ns: string): void {
    if (Array.isArray(s)) return s.forEach((b) => this.collect(b, ns));
    if (typeof s !== 'object' || s === null) return;
    const space = typeof s.namespace === 'string' ? s.namespace : ns;
    if (typeof s.name === 'string') {
      this.named.set(s.name.includes('.') || !space ? s.name : `${space}.${s.name}`, s);
      this.named.set(s.name.split('.').pop()!, s);
    }
    if (s.type === 'record') for (const f of (s.fields as { type: AvroSchema }[]) ?? []) this.collect(f.type, space);
    else if (s.type === 'array') this.collect(s.items as AvroSchema, space);
    else if (s.type === 'map') this.collect(s.values as AvroSchema, space);
    else if (typeof s.type === 'object') this.collect(s.type, space);
  }
  resolve(s: AvroSchema): AvroSchema {
    if (typeof s === 'string' && this.named.has(s)) return this.named.get(s)!;
    if (typeof s === 'object' && !Array.isArray(s) && typeof s.type === 'object') return this.resolve(s.type);
    return s;
  }
  /** The name avsc gives a union branch: a named type's full name, else its type's name. */
  branchName(b: AvroSchema): string {
    const r = this.resolve(b);
    if (typeof r === 'string') return r;
    if (Array.isArray(r)) return 'union';
    if ((r.type === 'record' || r.type === 'enum' || r.type === 'fixed') && typeof r.name === 'string') {
      return [...this.named.entries()].find(([k, v]) => v === r && k.includes('.'))?.[0] ?? r.name;
    }
    return typeof r.type === 'string' ? r.type : 'union';
  }
}

function decimalFromBytes(b: Uint8Array, scale: number): Decimal {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  if (b.length && b[0]! & 0x80) n -= 1n << BigInt(8 * b.length);
  return new Decimal(n, scale);
}

function decimalToBytes(d: Decimal, scale: number): Buffer {
  let n = d.rescale(scale).unscaled;
  const out: number[] = [];
  for (;;) {
    out.unshift(Number(n & 0xffn));
    const done = n >= -128n && n < 128n;
    n >>= 8n;
    if (done) break;
  }
  return Buffer.from(out);
}

function logical(s: AvroSchema): string | undefined {
  return typeof s === 'object' && !Array.isArray(s) && typeof s.logicalType === 'string' ? s.logicalType : undefined;
}

/** A value avsc decoded, as JSON (numbers exact), for the column coercions of json-coercion. */
export function avroToJson(x: unknown, schema: AvroSchema, names: AvroNames): Json {
  if (x === null || x === undefined) return null;
  const s = names.resolve(schema);
  if (Array.isArray(s)) {
    const [branch, v] = Object.entries(x as Record<string, unknown>)[0]!;
    const b = s.find((c) => names.branchName(c) === branch) ?? s.find((c) => c !== 'null')!;
    return avroToJson(v, b, names);
  }
  const type = typeof s === 'string' ? s : (s.type as string);
  switch (type) {
    case 'int':
    case 'long':
      return new JsonNumber(String(x));
    case 'float':
    case 'double': {
      const n = x as number;
      return Number.isFinite(n) ? new JsonNumber(Number.isInteger(n) ? n.toFixed(1) : String(n)) : String(n);
    }
    case 'bytes':
    case 'fixed':
      if (logical(s) === 'decimal') return new JsonNumber(decimalFromBytes(x as Buffer, Number((s as AvroComplex).scale ?? 0)).toString());
      return Buffer.from(x as Buffer).toString('base64');
    case 'record': {
      const o: Record<string, Json> = {};
      for (const f of (s as AvroComplex).fields as { name: string; type: AvroSchema }[]) setField(o, f.name, avroToJson((x as Record<string, unknown>)[f.name], f.type, names));
      return o;
    }
    case 'array':
      return (x as unknown[]).map((v) => avroToJson(v, (s as AvroComplex).items as AvroSchema, names));
    case 'map': {
      const o: Record<string, Json> = {};
      for (const [k, v] of Object.entries(x as Record<string, unknown>)) setField(o, k, avroToJson(v, (s as AvroComplex).values as AvroSchema, names));
      return o;
    }
    default:
      return x as string | boolean; // string, boolean, enum
  }
}

export class AvroEncodeError extends Error {}

/**
 * A field's `default` (Avro's JSON encoding of a value: a union's is of its first branch, bytes
 * and fixed are strings of code points 0–255) as avsc writes it.
 */
function defaultToAvro(d: unknown, schema: AvroSchema, names: AvroNames, path: string): unknown {
  const s = names.resolve(schema);
  if (Array.isArray(s)) {
    const first = s[0]!;
    return first === 'null' ? null : { [names.branchName(first)]: defaultToAvro(d, first, names, path) };
  }
  if (d === null) throw new AvroEncodeError(`null default for non-optional ${path}`);
  const type = typeof s === 'string' ? s : (s.type as string);
  switch (type) {
    case 'long':
      return BigInt(d as number);
    case 'bytes':
    case 'fixed':
      return Buffer.from(String(d), 'latin1');
    case 'record': {
      const o: Record<string, unknown> = {};
      const given = d as Record<string, unknown>;
      for (const f of (s as AvroComplex).fields as { name: string; type: AvroSchema; default?: unknown }[])
        o[f.name] = defaultToAvro(Object.hasOwn(given, f.name) ? given[f.name] : (f.default ?? null), f.type, names, `${path}.${f.name}`);
      return o;
    }
    case 'array':
      return (d as unknown[]).map((x, i) => defaultToAvro(x, (s as AvroComplex).items as AvroSchema, names, `${path}[${i}]`));
    case 'map':
      return Object.fromEntries(Object.entries(d as Record<string, unknown>).map(([k, x]) => [k, defaultToAvro(x, (s as AvroComplex).values as AvroSchema, names, `${path}.${k}`)]));
    default:
      return d; // int, float, double, boolean, string, enum: as JSON has them
  }
}

/** A SQL value as avsc writes it for `schema`; throws AvroEncodeError when it cannot fit. */
export function valueToAvro(v: Value | undefined, schema: AvroSchema, names: AvroNames, path: string): unknown {
  const s = names.resolve(schema);
  if (Array.isArray(s)) {
    if (v === null || v === undefined) {
      if (s.includes('null')) return null;
      throw new AvroEncodeError(`null value for non-optional ${path}`);
    }
    let last: unknown;
    for (const b of s) {
      if (b === 'null') continue;
      try {
        return { [names.branchName(b)]: valueToAvro(v, b, names, path) };
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new AvroEncodeError(`no union branch fits ${path}`);
  }
  if (v === null || v === undefined) throw new AvroEncodeError(`null value for non-optional ${path}`);
  const type = typeof s === 'string' ? s : (s.type as string);
  switch (type) {
    case 'int':
      if (typeof v !== 'number') throw new AvroEncodeError(`${path}: expected a number`);
      return v | 0;
    case 'long':
      if (typeof v === 'bigint') return v;
      if (typeof v !== 'number') throw new AvroEncodeError(`${path}: expected a number`);
      return BigInt(Math.trunc(v));
    case 'float':
    case 'double':
      if (v instanceof Decimal) return v.toNumber();
      if (typeof v !== 'number') throw new AvroEncodeError(`${path}: expected a number`);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw new AvroEncodeError(`${path}: expected a boolean`);
      return v;
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Decimal) return String(v);
      throw new AvroEncodeError(`${path}: expected a string`);
    case 'enum': {
      const symbols = (s as AvroComplex).symbols as string[];
      if (typeof v !== 'string' || !symbols.includes(v)) throw new AvroEncodeError(`${path}: ${String(v)} is not one of ${symbols.join(', ')}`);
      return v;
    }
    case 'bytes':
    case 'fixed':
      if (logical(s) === 'decimal') {
        const d = v instanceof Decimal ? v : typeof v === 'number' ? Decimal.fromNumber(v) : undefined;
        if (!d) throw new AvroEncodeError(`${path}: expected a decimal`);
        return decimalToBytes(d, Number((s as AvroComplex).scale ?? 0));
      }
      if (!(v instanceof Uint8Array)) throw new AvroEncodeError(`${path}: expected bytes`);
      return Buffer.from(v);
    case 'record': {
      if (!isStruct(v)) throw new AvroEncodeError(`${path}: expected a struct`);
      const upper = new Map(Object.entries(v).map(([k, x]) => [k.toUpperCase(), x]));
      const o: Record<string, unknown> = {};
      for (const f of (s as AvroComplex).fields as { name: string; type: AvroSchema; default?: unknown }[]) {
        const x = Object.hasOwn(v, f.name) ? v[f.name] : upper.get(f.name.toUpperCase());
        // As Kafka Connect's Struct.get: a field left NULL takes the default its schema declares.
        o[f.name] =
          (x === null || x === undefined) && f.default !== undefined && f.default !== null
            ? defaultToAvro(f.default, f.type, names, `${path}.${f.name}`)
            : valueToAvro(x ?? null, f.type, names, `${path}.${f.name}`);
      }
      return o;
    }
    case 'array':
      if (!Array.isArray(v)) throw new AvroEncodeError(`${path}: expected an array`);
      return v.map((x, i) => valueToAvro(x, (s as AvroComplex).items as AvroSchema, names, `${path}[${i}]`));
    case 'map': {
      if (!(v instanceof Map)) throw new AvroEncodeError(`${path}: expected a map`);
      const o: Record<string, unknown> = {};
      for (const [k, x] of v) o[String(k)] = valueToAvro(x, (s as AvroComplex).values as AvroSchema, names, `${path}.${String(k)}`);
      return o;
    }
    default:
      throw new AvroEncodeError(`${path}: unsupported Avro type ${type}`);
  }
}
