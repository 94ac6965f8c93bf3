// How SQL values live in memory. One representation per SQL type, chosen for speed on the hot
// path (plain numbers and strings) and exactness where SQL demands it (DECIMAL).
//
//   BOOLEAN → boolean          INTEGER, DOUBLE → number
//   BIGINT → number when a safe integer (|v| ≤ 2^53 − 1), else bigint (exact; see long.ts)
//   STRING → string            BYTES → Uint8Array (Buffer)
//   TIMESTAMP → number (ms since epoch, UTC)
//   DATE → number (days since epoch)     TIME → number (ms since midnight)
//   DECIMAL(p,s) → Decimal (unscaled bigint + scale)
//   ARRAY → Value[]            MAP → Map<Value, Value> (insertion ordered)
//   STRUCT → Struct (plain object, field name → value; field names as declared)
//   NULL → null
//
export type Value = null | boolean | number | bigint | string | Uint8Array | Decimal | Value[] | Map<Value, Value> | Struct;

export interface Struct {
  [field: string]: Value;
}

export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  static parse(text: string): Decimal {
    const t = text.trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`invalid decimal: ${text}`);
    const sign = m[1] === '-' ? -1n : 1n;
    const int = m[2] || '0';
    const frac = m[3] ?? '';
    const exp = m[4] ? parseInt(m[4], 10) : 0;
    let unscaled = BigInt(int + frac) * sign;
    let scale = frac.length - exp;
    if (scale < 0) {
      unscaled *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return new Decimal(unscaled, scale);
  }

  static fromNumber(n: number | bigint, scale?: number): Decimal {
    if (typeof n === 'bigint') return scale === undefined ? new Decimal(n, 0) : new Decimal(n, 0).rescale(scale);
    const d = Decimal.parse(Number.isInteger(n) ? n.toFixed(0) : String(n));
    return scale === undefined ? d : d.rescale(scale);
  }

  /** Rescale with HALF_UP rounding, as ksqlDB (Java BigDecimal) does. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const div = 10n ** BigInt(this.scale - scale);
    const q = this.unscaled / div;
    const r = this.unscaled % div;
    const abs2r = (r < 0n ? -r : r) * 2n;
    const adj = abs2r >= div ? (this.unscaled < 0n ? -1n : 1n) : 0n;
    return new Decimal(q + adj, scale);
  }

  /** Number of significant digits (Java BigDecimal.precision()). */
  precision(): number {
    const digits = (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString().length;
    return Math.max(digits, 1);
  }

  toNumber(): number {
    return Number(this.toString());
  }

  compare(o: Decimal): number {
    const s = Math.max(this.scale, o.scale);
    const a = this.rescale(s).unscaled;
    const b = o.rescale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-this.scale);
    digits = digits.padStart(this.scale + 1, '0');
    const cut = digits.length - this.scale;
    return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
  }

  toJSON(): string {
    return this.toString();
  }
}

export function isDecimal(v: unknown): v is Decimal {
  return v instanceof Decimal;
}

export function isStruct(v: Value): v is Struct {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array) && !(v instanceof Decimal);
}
