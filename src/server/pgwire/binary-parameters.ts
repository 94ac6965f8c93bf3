// Parameters a client sends in binary format, as the text PostgreSQL would print for them (so
// parameters.ts turns both formats into the same literal). psycopg 3 sends most Python values in
// binary (int as int2/int4/int8, Decimal as numeric, datetime as timestamp, list as an array);
// node-postgres sends a Buffer this way with no type, meaning bytea. The layouts are PostgreSQL's
// send/recv functions: big-endian integers, dates and times counted from 2000-01-01 in days or
// microseconds, numeric as base-10000 digits, arrays as a header and one length-prefixed element
// per item.

import { ARRAY_ELEMENT, OID } from './types.js';

/** A client-visible refusal, with its SQLSTATE. */
export class ParameterError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** PostgreSQL's epoch for dates and timestamps, in ms since 1970-01-01. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

const two = (n: number): string => String(n).padStart(2, '0');

/** `HH:MM:SS.ffffff` of microseconds into a day. */
function timeOfDay(us: bigint): string {
  const day = 86_400_000_000n;
  const d = ((us % day) + day) % day;
  const s = Number(d / 1_000_000n);
  const frac = Number(d % 1_000_000n);
  const text = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return frac ? `${text}.${String(frac).padStart(6, '0').replace(/0+$/, '')}` : text;
}

function date(days: number): string {
  return new Date(PG_EPOCH_MS + days * 86_400_000).toISOString().slice(0, 10);
}

function timestamp(us: bigint): string {
  const day = 86_400_000_000n;
  const days = us >= 0n ? us / day : -((-us + day - 1n) / day);
  return `${date(Number(days))} ${timeOfDay(us - days * day)}`;
}

/** numeric's binary form: ndigits, weight, sign, dscale, then base-10000 digits. */
function numeric(b: Buffer): string {
  const ndigits = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  const digits = Array.from({ length: ndigits }, (_, i) => b.readInt16BE(8 + 2 * i));
  // Digit i stands for digits[i] * 10000^(weight - i).
  let int = '';
  for (let w = weight; w >= 0; w--) {
    const d = digits[weight - w] ?? 0;
    int += int ? String(d).padStart(4, '0') : String(d);
  }
  let frac = '';
  for (let i = weight + 1; frac.length < dscale; i++) frac += String(i < 0 ? 0 : (digits[i] ?? 0)).padStart(4, '0');
  const text = `${int || '0'}${dscale > 0 ? `.${frac.slice(0, dscale)}` : ''}`;
  return sign === 0x4000 ? `-${text}` : text;
}

function uuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An element of a PostgreSQL array's text form, quoted where it must be. */
function arrayItem(text: string | null): string {
  if (text === null) return 'NULL';
  if (text !== '' && !/[{}",\\\s]/.test(text) && text.toUpperCase() !== 'NULL') return text;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A one-dimensional array: ndim, has-null flag, element type, (size, lower bound), elements. */
function array(b: Buffer): string {
  const ndim = b.readInt32BE(0);
  const elem = b.readInt32BE(8);
  if (ndim === 0) return '{}';
  if (ndim !== 1) throw new ParameterError(`a ${ndim}-dimensional array parameter is not supported: Eddy's arrays have one dimension`, '0A000');
  const size = b.readInt32BE(12);
  let at = 20;
  const items: string[] = [];
  for (let i = 0; i < size; i++) {
    const len = b.readInt32BE(at);
    at += 4;
    if (len < 0) items.push(arrayItem(null));
    else {
      items.push(arrayItem(binaryParameter(b.subarray(at, at + len), elem).text));
      at += len;
    }
  }
  return `{${items.join(',')}}`;
}

/**
 * One binary parameter as text, with the type it is then read as (a typeless binary value is
 * bytea, as node-postgres means it).
 */
export function binaryParameter(b: Buffer, oid: number): { text: string; oid: number } {
  try {
    switch (oid) {
      case 0:
      case OID.BYTEA:
        return { text: `\\x${b.toString('hex')}`, oid: OID.BYTEA };
      case OID.BOOL:
        return { text: b[0] ? 't' : 'f', oid };
      case OID.INT2:
        return { text: String(b.readInt16BE(0)), oid };
      case OID.INT4:
        return { text: String(b.readInt32BE(0)), oid };
      case OID.INT8:
        return { text: String(b.readBigInt64BE(0)), oid };
      case OID.OID:
        return { text: String(b.readUInt32BE(0)), oid: OID.INT8 };
      case OID.FLOAT4:
        return { text: String(b.readFloatBE(0)), oid };
      case OID.FLOAT8:
        return { text: String(b.readDoubleBE(0)), oid };
      case OID.NUMERIC:
        return { text: numeric(b), oid };
      case OID.TEXT:
      case OID.VARCHAR:
      case OID.BPCHAR:
      case OID.NAME:
      case OID.CHAR:
      case OID.UNKNOWN:
      case OID.JSON:
        return { text: b.toString('utf8'), oid };
      case OID.JSONB:
        // A version byte (1), then the JSON text.
        return { text: b.subarray(1).toString('utf8'), oid: OID.JSON };
      case OID.UUID:
        return { text: uuid(b), oid: OID.TEXT };
      case OID.DATE:
        return { text: date(b.readInt32BE(0)), oid };
      case OID.TIME:
        return { text: timeOfDay(b.readBigInt64BE(0)), oid };
      case OID.TIMESTAMP:
        return { text: timestamp(b.readBigInt64BE(0)), oid };
      case OID.TIMESTAMPTZ:
        return { text: `${timestamp(b.readBigInt64BE(0))}+00`, oid };
      default:
        if (oid in ARRAY_ELEMENT) return { text: array(b), oid };
        throw new ParameterError(`binary format for a parameter of type ${oid} is not supported: send it as text`, '0A000');
    }
  } catch (e) {
    if (e instanceof ParameterError) throw e;
    throw new ParameterError(`incorrect binary data format in a parameter of type ${oid}`, '22P03');
  }
}
