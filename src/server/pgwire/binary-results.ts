// Result columns in PostgreSQL's binary format, for a Bind that asks for them (pgJDBC does once a
// statement has run five times and it has turned it into a named one). Each value is made from
// the text types.ts writes for its column, so both formats always say the same thing: the
// layouts are PostgreSQL's send functions (big-endian integers, IEEE doubles, numeric as
// base-10000 digits, date/time/timestamp counted from 2000-01-01 in days or microseconds).

import { OID } from './types.js';

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

/** numeric's binary form from its text: ndigits, weight, sign, dscale, base-10000 digits. */
export function numericBinary(text: string): Buffer {
  const head = (ndigits: number, weight: number, sign: number, dscale: number) => {
    const b = Buffer.alloc(8);
    b.writeInt16BE(ndigits, 0);
    b.writeInt16BE(weight, 2);
    b.writeUInt16BE(sign, 4);
    b.writeInt16BE(dscale, 6);
    return b;
  };
  if (text === 'NaN') return head(0, 0, 0xc000, 0);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a numeric: ${text}`);
  const negative = m[1] === '-';
  const int = (m[2] ?? '').replace(/^0+/, '');
  const frac = m[3] ?? '';
  const dscale = frac.length;
  const intPadded = int.padStart(Math.ceil(int.length / 4) * 4, '0');
  const fracPadded = frac.padEnd(Math.ceil(frac.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  // Leading zero groups move the weight down; trailing zero groups carry nothing.
  while (groups.length && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length && groups[groups.length - 1] === 0) groups.pop();
  if (!groups.length) return head(0, 0, 0, dscale);
  const body = Buffer.alloc(groups.length * 2);
  groups.forEach((g, i) => body.writeInt16BE(g, i * 2));
  return Buffer.concat([head(groups.length, weight, negative ? 0x4000 : 0, dscale), body]);
}

/** `HH:MM:SS[.fff]` as microseconds into the day. */
function timeMicros(text: string): bigint {
  const m = /^(\d+):(\d\d):(\d\d)(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`not a time: ${text}`);
  const us = BigInt((m[4] ?? '').padEnd(6, '0').slice(0, 6) || '0');
  return (BigInt(m[1]!) * 3600n + BigInt(m[2]!) * 60n + BigInt(m[3]!)) * 1_000_000n + us;
}

function dateDays(text: string): number {
  const ms = Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`not a date: ${text}`);
  return Math.round((ms - PG_EPOCH_MS) / 86_400_000);
}

/** Whether a column of this type can be sent in binary. */
export function hasBinary(oid: number): boolean {
  return [OID.BOOL, OID.BYTEA, OID.INT8, OID.INT4, OID.TEXT, OID.JSON, OID.FLOAT8, OID.DATE, OID.TIME, OID.TIMESTAMP, OID.NUMERIC].includes(oid as never);
}

/** One value, in the text types.ts wrote for its column, in binary. */
export function binaryCell(oid: number, text: string): Buffer {
  switch (oid) {
    case OID.BOOL:
      return Buffer.from([text === 't' ? 1 : 0]);
    case OID.BYTEA:
      return Buffer.from(text.replace(/^\\x/, ''), 'hex');
    case OID.INT4:
      return int32(Number(text));
    case OID.INT8:
      return int64(BigInt(text));
    case OID.FLOAT8: {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(Number(text));
      return b;
    }
    case OID.NUMERIC:
      return numericBinary(text);
    case OID.DATE:
      return int32(dateDays(text));
    case OID.TIME:
      return int64(timeMicros(text));
    case OID.TIMESTAMP: {
      const days = BigInt(dateDays(text));
      return int64(days * 86_400_000_000n + timeMicros(text.slice(11)));
    }
    default:
      // text and json: the binary form is the text.
      return Buffer.from(text, 'utf8');
  }
}
