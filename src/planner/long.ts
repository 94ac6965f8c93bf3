// BIGINT in memory: a JS number while the value is a safe integer (|v| ≤ 2^53 − 1), a JS bigint
// beyond. Most values are small, so the hot path keeps number speed; the rare large one stays
// exact instead of rounding to a double. The form is canonical — a safe value is never a bigint —
// so keys, equality and text are the same whichever way a value was computed.
//
// Arithmetic follows Java's long, as ksqlDB compiles BIGINT expressions to Java: + - * wrap at
// 64 bits, / truncates, / and % by zero fail.

export type Long = number | bigint;

export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = -SAFE_MAX;

/** The canonical form of a 64-bit integer held as a bigint. */
export function longOf(b: bigint): Long {
  return b >= SAFE_MIN && b <= SAFE_MAX ? Number(b) : b;
}

/** Java's long wrap-around: the low 64 bits, signed. */
export function wrapLong(b: bigint): Long {
  return longOf(BigInt.asIntN(64, b));
}

/** A bigint of a Long (or of any whole number). */
export function bigOf(v: Long): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Java's `(long) x` for a double: truncate, NaN → 0, saturate at the ends. */
export function longFromDouble(x: number): Long {
  if (Number.isSafeInteger(x)) return x + 0;
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  if (Number.isSafeInteger(t)) return t + 0;
  if (t >= 2 ** 63) return LONG_MAX;
  if (t <= -(2 ** 63)) return LONG_MIN;
  return BigInt(t);
}

/** A value typed BIGINT that may have been computed as a double (a function body): canonical. */
export function canonicalLong(v: unknown): unknown {
  return typeof v === 'number' && !Number.isSafeInteger(v) && Number.isFinite(v) ? longFromDouble(v) : typeof v === 'bigint' ? longOf(v) : v;
}

/** Text of a whole decimal number as a Long, or undefined outside the 64-bit range. */
export function parseLong(text: string): Long | undefined {
  const b = BigInt(text);
  return b < LONG_MIN || b > LONG_MAX ? undefined : longOf(b);
}

/** A number for code that works in doubles (DOUBLE arithmetic, time functions). */
export function toDouble(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

// Two safe integers whose exact result is within ±2^53 give an exact double; a result outside
// that range is not a safe integer, so the check below is exact and the bigint path runs only then.

export function longAdd(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return wrapLong(bigOf(a) + bigOf(b));
}

export function longSub(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return wrapLong(bigOf(a) - bigOf(b));
}

export function longMul(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (Number.isSafeInteger(r)) return r + 0;
  }
  return wrapLong(bigOf(a) * bigOf(b));
}

export function longDiv(a: Long, b: Long): Long {
  if (b === 0 || b === 0n) throw new Error('/ by zero');
  // Below 2^52 the double quotient cannot round onto a neighbouring whole number.
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a) < 2 ** 52) return Math.trunc(a / b) + 0;
  return wrapLong(bigOf(a) / bigOf(b));
}

export function longRem(a: Long, b: Long): Long {
  if (b === 0 || b === 0n) throw new Error('/ by zero');
  if (typeof a === 'number' && typeof b === 'number') return (a % b) + 0;
  return longOf(bigOf(a) % bigOf(b));
}

export function longNeg(a: Long): Long {
  return typeof a === 'number' ? 0 - a : wrapLong(-a);
}

export function longAbs(a: Long): Long {
  return typeof a === 'number' ? Math.abs(a) : wrapLong(a < 0n ? -a : a);
}

/** Java's `(int) long`: the low 32 bits. */
export function longToInt(a: Long): number {
  return typeof a === 'number' ? a | 0 : Number(BigInt.asIntN(32, a));
}
