// Aggregate states hold SQL values; these encode them for the state store.

import { fromJsonValue, toJsonValue } from '../../value-json.js';
import type { Value } from '../../values.js';

export function toState(v: unknown): unknown {
  return toJsonValue(v);
}

export function fromState(d: unknown): Value {
  return fromJsonValue(d);
}
