// Numeric functions. Rounding is HALF_UP on the decimal value, as Java's BigDecimal does it.

import { T, type SqlType } from '../../../parser/sql-type.js';
import { Decimal, type Value } from '../../values.js';
import { ambiguousCall, P, scalar } from '../define.js';
import { longAbs, type Long } from '../../long.js';
import type { ScalarFunction } from '../types.js';

const n = (v: unknown) => v as number;
const d = (v: unknown) => v as Decimal;
const same = (t: readonly (SqlType | null)[]) => t[0] ?? T.DOUBLE;

/** Rounds half towards positive infinity, as ksqlDB's ROUND on DOUBLE does (-1.5 → -1). */
function roundDouble(x: number, places: number): number {
  if (!Number.isFinite(x)) return x;
  const d = Decimal.parse(String(x));
  if (d.scale <= places) return x;
  const factor = 10n ** BigInt(d.scale - places);
  let q = d.unscaled / factor;
  let r = d.unscaled - q * factor;
  if (r < 0n) {
    q -= 1n;
    r += factor;
  }
  if (2n * r >= factor) q += 1n;
  return places >= 0 ? new Decimal(q, places).toNumber() : Number(q) * 10 ** -places;
}

/**
 * A DECIMAL rounded to `places` decimal places as ksqlDB's ROUND does: HALF_UP above zero and
 * HALF_DOWN at or below, so a tie goes towards +∞ (2.5 → 3, -2.5 → -2), exact at any size.
 * The result has scale max(places, 0) (below 0, a multiple of 10^−places).
 */
export function roundDecimal(x: Decimal, places: number): Decimal {
  if (places >= x.scale) return x.rescale(places);
  const div = 10n ** BigInt(x.scale - places);
  let q = x.unscaled / div;
  let r = x.unscaled - q * div;
  if (r < 0n) {
    q -= 1n;
    r += div;
  }
  if (2n * r >= div) q += 1n;
  return places >= 0 ? new Decimal(q, places) : new Decimal(q * 10n ** BigInt(-places), 0);
}

function truncDecimal(x: Decimal, places: number): Decimal {
  if (places >= x.scale) return x;
  const div = 10n ** BigInt(x.scale - places);
  return new Decimal((x.unscaled / div) * div, x.scale).rescale(Math.max(places, 0));
}

function unary(name: string, description: string, f: (x: number) => number): ScalarFunction {
  return scalar(name, 'math', description, [{ params: [P.DOUBLE], returns: T.DOUBLE, fn: (a) => f(n(a[0])) }]);
}

function decimalOp(x: Decimal, f: (u: bigint, div: bigint) => bigint): Decimal {
  if (x.scale <= 0) return x;
  const div = 10n ** BigInt(x.scale);
  return new Decimal(f(x.unscaled, div), 0);
}

export const mathFunctions: ScalarFunction[] = [
  scalar('ABS', 'math', 'The absolute value.', [
    { params: [P.INT], returns: T.INTEGER, fn: (a) => Math.abs(n(a[0])) | 0 },
    { params: [P.LONG], returns: T.BIGINT, fn: (a) => longAbs(a[0] as Long) },
    { params: [P.DECIMAL], returns: same, fn: (a) => new Decimal(d(a[0]).unscaled < 0n ? -d(a[0]).unscaled : d(a[0]).unscaled, d(a[0]).scale) },
    { params: [P.DOUBLE], returns: T.DOUBLE, fn: (a) => Math.abs(n(a[0])) },
  ]),
  scalar('CEIL', 'math', 'The smallest integral value not less than the argument.', [
    { params: [P.INT], returns: T.INTEGER, fn: (a) => n(a[0]) },
    { params: [P.LONG], returns: T.BIGINT, fn: (a) => a[0] as Long },
    // ksqlDB keeps the DECIMAL's type and scale: CEIL(12.34) is 13.00.
    { params: [P.DECIMAL], returns: same, fn: (a) => decimalOp(d(a[0]), (u, div) => (u > 0n && u % div !== 0n ? u / div + 1n : u / div)).rescale(d(a[0]).scale) },
    { params: [P.DOUBLE], returns: T.DOUBLE, fn: (a) => Math.ceil(n(a[0])) },
  ]),
  scalar('FLOOR', 'math', 'The largest integral value not greater than the argument.', [
    { params: [P.INT], returns: T.INTEGER, fn: (a) => n(a[0]) },
    { params: [P.LONG], returns: T.BIGINT, fn: (a) => a[0] as Long },
    { params: [P.DECIMAL], returns: same, fn: (a) => decimalOp(d(a[0]), (u, div) => (u < 0n && u % div !== 0n ? u / div - 1n : u / div)).rescale(d(a[0]).scale) },
    { params: [P.DOUBLE], returns: T.DOUBLE, fn: (a) => Math.floor(n(a[0])) },
  ]),
  scalar('ROUND', 'math', 'Rounds to an integer or to a number of decimal places; a tie goes towards +∞.', [
    // ksqlDB's round(int) returns a long: ROUND of an INT is a BIGINT.
    { params: [P.INT], returns: T.BIGINT, fn: (a) => n(a[0]) as Long },
    { params: [P.LONG], returns: T.BIGINT, fn: (a) => a[0] as Long },
    // DECIMAL(p, s) → DECIMAL(p − s, 0), ksqlDB's schema for it (the integer digits).
    {
      params: [P.DECIMAL],
      returns: (t) => T.decimal(Math.max(1, (t[0] as { precision: number; scale: number }).precision - (t[0] as { scale: number }).scale), 0),
      fn: (a) => roundDecimal(d(a[0]), 0),
    },
    { params: [P.DOUBLE], returns: T.BIGINT, fn: (a) => roundDouble(n(a[0]), 0) },
    // ksqlDB declares no (INT, INT) or (BIGINT, INT): an integer widens to DOUBLE and to DECIMAL
    // alike, so its UDF index finds two equal overloads and refuses the call as ambiguous.
    {
      params: [P.LONG, P.INT],
      returns: (_t, infos) => {
        throw ambiguousCall('ROUND', infos);
      },
      fn: () => null,
    },
    // The source's scale is kept (ksqlDB: the requested places cannot change the type's scale).
    { params: [P.DECIMAL, P.INT], returns: same, fn: (a) => roundDecimal(d(a[0]), n(a[1])).rescale(d(a[0]).scale) },
    { params: [P.DOUBLE, P.INT], returns: T.DOUBLE, fn: (a) => roundDouble(n(a[0]), n(a[1])) },
  ]),
  scalar('TRUNC', 'math', 'Truncates towards zero, to an integer or to a number of decimal places.', [
    // ksqlDB's trunc(Integer) returns a Long: TRUNC of an INT is a BIGINT.
    { params: [P.INT], returns: T.BIGINT, fn: (a) => n(a[0]) },
    { params: [P.LONG], returns: T.BIGINT, fn: (a) => a[0] as Long },
    {
      params: [P.DECIMAL],
      returns: (t) => T.decimal(Math.max(1, (t[0] as { precision: number; scale: number }).precision - (t[0] as { scale: number }).scale), 0),
      fn: (a) => truncDecimal(d(a[0]), 0),
    },
    { params: [P.DOUBLE], returns: T.BIGINT, fn: (a) => Math.trunc(n(a[0])) },
    { params: [P.DECIMAL, P.INT], returns: same, fn: (a) => truncDecimal(d(a[0]), n(a[1])).rescale(d(a[0]).scale) },
    { params: [P.DOUBLE, P.INT], returns: T.DOUBLE, fn: (a) => truncDecimal(Decimal.parse(String(n(a[0]))), n(a[1])).toNumber() },
  ]),
  scalar('SIGN', 'math', 'The sign (-1, 0 or 1).', [
    { params: [P.INT], returns: T.INTEGER, fn: (a) => Math.sign(n(a[0])) },
    { params: [P.LONG], returns: T.INTEGER, fn: (a) => ((a[0] as Long) > 0 ? 1 : (a[0] as Long) < 0 ? -1 : 0) },
    { params: [P.DOUBLE], returns: T.INTEGER, fn: (a) => Math.sign(n(a[0])) },
  ]),
  scalar('POWER', 'math', 'x raised to y.', [{ params: [P.DOUBLE, P.DOUBLE], returns: T.DOUBLE, fn: (a) => Math.pow(n(a[0]), n(a[1])) }]),
  scalar('LOG', 'math', 'The natural logarithm, or the logarithm in a base: LOG(base, x).', [
    { params: [P.DOUBLE], returns: T.DOUBLE, fn: (a) => Math.log(n(a[0])) },
    // ksqlDB: a base of 0 or less, or 1, has no logarithm (NaN, not ±Infinity).
    { params: [P.DOUBLE, P.DOUBLE], returns: T.DOUBLE, fn: (a) => (n(a[0]) <= 0 || n(a[0]) === 1 ? NaN : Math.log(n(a[1])) / Math.log(n(a[0]))) },
  ]),
  unary('LN', 'The natural logarithm.', Math.log),
  unary('EXP', 'e raised to x.', Math.exp),
  unary('SQRT', 'The square root.', Math.sqrt),
  unary('CBRT', 'The cube root.', Math.cbrt),
  unary('SIN', 'The sine (radians).', Math.sin),
  unary('COS', 'The cosine (radians).', Math.cos),
  unary('TAN', 'The tangent (radians).', Math.tan),
  unary('COT', 'The cotangent (radians).', (x) => 1 / Math.tan(x)),
  unary('ASIN', 'The arc sine.', Math.asin),
  unary('ACOS', 'The arc cosine.', Math.acos),
  unary('ATAN', 'The arc tangent.', Math.atan),
  unary('SINH', 'The hyperbolic sine.', Math.sinh),
  unary('COSH', 'The hyperbolic cosine.', Math.cosh),
  unary('TANH', 'The hyperbolic tangent.', Math.tanh),
  unary('DEGREES', 'Radians to degrees.', (x) => (x * 180) / Math.PI),
  unary('RADIANS', 'Degrees to radians.', (x) => (x * Math.PI) / 180),
  scalar('ATAN2', 'math', 'The angle of the point (x, y).', [{ params: [P.DOUBLE, P.DOUBLE], returns: T.DOUBLE, fn: (a) => Math.atan2(n(a[0]), n(a[1])) }]),
  scalar('PI', 'math', 'π.', [{ params: [], returns: T.DOUBLE, fn: () => Math.PI }]),
  scalar('RANDOM', 'math', 'A random DOUBLE in [0, 1).', [{ params: [], returns: T.DOUBLE, fn: () => Math.random() }]),
  scalar('GEO_DISTANCE', 'math', "The great-circle distance between two points, in km (or 'mi').", [
    { params: [P.DOUBLE, P.DOUBLE, P.DOUBLE, P.DOUBLE], returns: T.DOUBLE, fn: (a) => geoDistance(n(a[0]), n(a[1]), n(a[2]), n(a[3]), 'km') },
    // A NULL unit means kilometres; NULL coordinates give NULL.
    {
      params: [P.DOUBLE, P.DOUBLE, P.DOUBLE, P.DOUBLE, P.STRING],
      returns: T.DOUBLE,
      nullTolerant: true,
      fn: (a) => (a.slice(0, 4).some((x) => x === null || x === undefined) ? null : geoDistance(n(a[0]), n(a[1]), n(a[2]), n(a[3]), a[4] === null || a[4] === undefined ? 'km' : String(a[4]))),
    },
  ]),
];

const MILES = ['mi', 'mile', 'miles'];
const KMS = ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'];

function geoDistance(lat1: number, lon1: number, lat2: number, lon2: number, unit: string): Value {
  if (lat1 < -90 || lat2 < -90 || lat1 > 90 || lat2 > 90) throw new Error('valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees');
  if (lon1 < -180 || lon2 < -180 || lon1 > 180 || lon2 > 180) throw new Error('valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees');
  // ksqlDB: the unit is trimmed and case-insensitive; blank means kilometres.
  const u = unit.trim().toLowerCase();
  const radius = u === '' || KMS.includes(u) ? 6371 : MILES.includes(u) ? 3959 : NaN;
  if (Number.isNaN(radius))
    throw new Error(`GeoDistance function units parameter must be one of ${[...MILES, ...KMS].slice(0, -1).join(', ')} or ${KMS[KMS.length - 1]}. Values are case-insensitive.`);
  // The haversine formula in the operation order ksqlDB's Java uses, so doubles agree to the last digit.
  const rad = (deg: number) => (deg / 180) * Math.PI;
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const h = Math.pow(Math.sin(dLat / 2), 2) + Math.pow(Math.sin(dLon / 2), 2) * Math.cos(rad(lat1)) * Math.cos(rad(lat2));
  return 2 * Math.asin(Math.sqrt(h)) * radius;
}
