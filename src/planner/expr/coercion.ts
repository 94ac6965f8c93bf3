// Implicit conversions applied when operands of different types meet (CASE branches, IN items,
// constructor elements, map keys).

import { typesEqual } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../values.js';
import { castValue } from './cast.js';
import { numericRank, type MaybeType } from './types.js';

/** Converts values of type `from` to `to` where a numeric widening to DECIMAL/DOUBLE is needed. */
export function coercer(from: MaybeType, to: MaybeType): (v: Value) => Value {
  if (!from || !to || typesEqual(from, to)) return (v) => v;
  if (to.kind === 'DECIMAL' && numericRank(from) !== undefined) return (v) => (v === null ? null : castValue(v, from, to));
  if (to.kind === 'DOUBLE' && from.kind === 'DECIMAL') return (v) => (v instanceof Decimal ? v.toNumber() : v);
  if (to.kind === 'DOUBLE' && from.kind === 'BIGINT') return (v) => (typeof v === 'bigint' ? Number(v) : v);
  if ((to.kind === 'TIMESTAMP' || to.kind === 'DATE' || to.kind === 'TIME') && from.kind === 'STRING') return (v) => (v === null ? null : castValue(v, from, to));
  return (v) => v;
}
