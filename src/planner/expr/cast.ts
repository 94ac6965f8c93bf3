// CAST(x AS type), with ksqlDB's conversions. A conversion that fails throws; the compiler
// turns that into NULL plus a processing-log entry, as ksqlDB does.

import { formatType, type SqlType } from '../../parser/sql-type.js';
import { Decimal, isStruct, type Struct, type Value } from '../values.js';
import { longFromDouble, longToInt, parseLong, wrapLong, type Long } from '../long.js';
import { javaString } from './java-format.js';
import { numericRank, type MaybeType } from './types.js';
import { setField } from '../../util/lossless-json.js';

export function canCast(from: MaybeType, to: SqlType): boolean {
  if (from === null) return true;
  if (to.kind === 'STRING') return true;
  const fr = numericRank(from);
  const tr = numericRank(to);
  if (fr !== undefined && tr !== undefined) return true;
  if (from.kind === 'STRING') return ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'TIMESTAMP', 'DATE', 'TIME', 'BYTES'].includes(to.kind);
  if (from.kind === to.kind && (from.kind === 'ARRAY' || from.kind === 'MAP' || from.kind === 'STRUCT')) return true;
  if (from.kind === to.kind) return true;
  if (from.kind === 'TIMESTAMP' && (to.kind === 'DATE' || to.kind === 'TIME')) return true;
  if (from.kind === 'DATE' && to.kind === 'TIMESTAMP') return true;
  if (fr !== undefined && to.kind === 'TIMESTAMP') return false;
  return false;
}

function parseNumber(s: string, to: SqlType): number | bigint {
  const t = s.trim();
  if (to.kind === 'INTEGER' || to.kind === 'BIGINT') {
    if (!/^[+-]?\d+$/.test(t)) throw new Error(`Cannot cast '${s}' to ${formatType(to)}: invalid input syntax for type ${formatType(to)}: "${s}"`);
    if (to.kind === 'BIGINT') {
      // Exact, and refused past the 64-bit range, as Java's Long.parseLong.
      const long = parseLong(t);
      if (long === undefined) throw new Error(`Cannot cast '${s}' to BIGINT: out of range`);
      return long;
    }
    const n = Number(t);
    if (n > 2147483647 || n < -2147483648) throw new Error(`Cannot cast '${s}' to INTEGER: out of range`);
    return n;
  }
  if (t === '' || !Number.isFinite(Number(t))) {
    if (/^[+-]?(Infinity|NaN)$/.test(t)) return Number(t);
    throw new Error(`Cannot cast '${s}' to ${formatType(to)}: invalid input syntax for type DOUBLE: "${s}"`);
  }
  return Number(t);
}

export function parseTimestampText(s: string): number {
  const t = s.trim();
  // Any prefix of yyyy-MM-ddTHH:mm:ss.SSS, the rest defaulting (as ksqlDB's partial parser).
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) throw new Error(`Cannot parse '${s}' as a TIMESTAMP (expected yyyy-MM-ddTHH:mm:ss.SSS)`);
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let v = Date.UTC(Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  if (m[8] && m[8] !== 'Z') {
    const z = /([+-])(\d{2}):?(\d{2})/.exec(m[8])!;
    v -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return v;
}

function parseTimeText(s: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(s.trim());
  if (!m) throw new Error(`Cannot parse '${s}' as a TIME`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + Number((m[4] ?? '0').padEnd(3, '0').slice(0, 3));
}

export function castValue(v: Value, from: MaybeType, to: SqlType): Value {
  if (v === null) return null;
  switch (to.kind) {
    case 'STRING':
      return javaString(v, from);
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        // Like ksqlDB: any non-empty prefix of true/yes or false/no, ignoring case.
        const t = v.trim().toLowerCase();
        if (t !== '' && ('true'.startsWith(t) || 'yes'.startsWith(t))) return true;
        if (t !== '' && ('false'.startsWith(t) || 'no'.startsWith(t))) return false;
        throw new Error(`Cannot cast '${v}' to BOOLEAN`);
      }
      break;
    case 'INTEGER':
    case 'BIGINT': {
      // Java's narrowing: a long or a DECIMAL's whole part keeps its low bits; a double truncates and saturates.
      let n: Long;
      if (typeof v === 'string') n = parseNumber(v, to);
      else if (v instanceof Decimal) n = wrapLong(v.scale <= 0 ? v.rescale(0).unscaled : v.unscaled / 10n ** BigInt(v.scale));
      else if (typeof v === 'bigint') n = v;
      else n = from?.kind === 'DOUBLE' ? longFromDouble(v as number) : Math.trunc(v as number);
      return to.kind === 'INTEGER' ? longToInt(n) : n;
    }
    case 'DOUBLE':
      if (typeof v === 'string') return Number(parseNumber(v, to));
      if (v instanceof Decimal) return v.toNumber();
      if (typeof v === 'bigint') return Number(v);
      return v as number;
    case 'DECIMAL': {
      let d: Decimal;
      if (v instanceof Decimal) d = v;
      else if (typeof v === 'string') d = Decimal.parse(v);
      else d = Decimal.fromNumber(v as number | bigint);
      const r = d.rescale(to.scale);
      if (r.precision() > to.precision) throw new Error(`Cannot fit ${d.toString()} into DECIMAL(${to.precision}, ${to.scale})`);
      return r;
    }
    case 'TIMESTAMP':
      if (typeof v === 'string') return parseTimestampText(v);
      if (from?.kind === 'DATE') return (v as number) * 86_400_000;
      return v as number;
    case 'DATE':
      if (typeof v === 'string') return Math.floor(parseTimestampText(v) / 86_400_000);
      if (from?.kind === 'TIMESTAMP') return Math.floor((v as number) / 86_400_000);
      return v as number;
    case 'TIME':
      if (typeof v === 'string') return parseTimeText(v);
      if (from?.kind === 'TIMESTAMP') return (((v as number) % 86_400_000) + 86_400_000) % 86_400_000;
      return v as number;
    case 'BYTES':
      if (typeof v === 'string') return Buffer.from(v, 'base64');
      return v;
    case 'ARRAY':
      if (Array.isArray(v)) return v.map((x) => castValue(x, from?.kind === 'ARRAY' ? from.item : null, to.item));
      break;
    case 'MAP':
      if (v instanceof Map) return new Map([...v].map(([k, x]) => [castValue(k, from?.kind === 'MAP' ? from.key : null, to.key), castValue(x, from?.kind === 'MAP' ? from.value : null, to.value)]));
      break;
    case 'STRUCT':
      if (isStruct(v)) {
        const out: Struct = {};
        const ff = from?.kind === 'STRUCT' ? from.fields : [];
        for (const f of to.fields) {
          const src = ff.find((x) => x.name === f.name);
          setField(out, f.name, castValue(Object.hasOwn(v, f.name) ? (v[f.name] ?? null) : null, src?.type ?? null, f.type));
        }
        return out;
      }
      break;
    case 'CUSTOM':
      break;
  }
  throw new Error(`Cannot cast ${from ? formatType(from) : 'NULL'} to ${formatType(to)}`);
}
