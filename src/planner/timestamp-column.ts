// Event time from a column (WITH (timestamp='col'[, timestamp_format='…'])).

import type { SqlType } from '../parser/sql-type.js';
import { parseMillis } from './functions/scalar/java-time-format.js';
import type { Value } from './values.js';

export function parseTimestampColumn(v: Value, type: SqlType, format: string | undefined): number | undefined {
  if (v === null) return undefined;
  if (typeof v === 'number') return type.kind === 'DATE' ? v * 86_400_000 : v;
  if (typeof v === 'string') {
    if (!format) {
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    try {
      return parseMillis(v.trim(), format);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
