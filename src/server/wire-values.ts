// Row values on the wire by their column's type: DATE, TIME and TIMESTAMP go out as the strings
// ksqlDB's REST API writes (its ApiJsonMapper: `2026-12-01`, `10:20:30`, `2026-12-01T10:20:30.123`,
// UTC), wherever they stand, nested in ARRAY, MAP or STRUCT too. Every other value is valueJson's.

import { parseType, type SqlType } from '../parser/index.js';
import { isoDate, isoTimestamp } from '../planner/expr/java-format.js';
import { isStruct, type Value } from '../planner/values.js';
import { valueJson } from './protocol.js';

export type ValueWriter = (v: Value) => string;

/**
 * ksqlDB's `SqlTimeTypes.formatTime`: Java's `LocalTime.toString` of the whole seconds, so the
 * milliseconds are dropped and a time on the minute reads `10:20`.
 */
export function wireTime(ms: number): string {
  const s = Math.floor((((ms % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const hm = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}`;
  return s % 60 === 0 ? hm : `${hm}:${two(s % 60)}`;
}

function hasTemporal(t: SqlType): boolean {
  switch (t.kind) {
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return true;
    case 'ARRAY':
      return hasTemporal(t.item);
    case 'MAP':
      return hasTemporal(t.value);
    case 'STRUCT':
      return t.fields.some((f) => hasTemporal(f.type));
    default:
      return false;
  }
}

function typedWriter(t: SqlType): ValueWriter {
  if (!hasTemporal(t)) return valueJson;
  switch (t.kind) {
    case 'DATE':
      return (v) => (typeof v === 'number' ? `"${isoDate(v)}"` : valueJson(v));
    case 'TIME':
      return (v) => (typeof v === 'number' ? `"${wireTime(v)}"` : valueJson(v));
    case 'TIMESTAMP':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? `"${isoTimestamp(v)}"` : valueJson(v));
    case 'ARRAY': {
      const item = typedWriter(t.item);
      return (v) => (Array.isArray(v) ? `[${v.map(item).join(',')}]` : valueJson(v));
    }
    case 'MAP': {
      const value = typedWriter(t.value);
      return (v) => (v instanceof Map ? `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${value(x)}`).join(',')}}` : valueJson(v));
    }
    case 'STRUCT': {
      const fields = t.fields.map((f) => ({ name: f.name, write: typedWriter(f.type) }));
      return (v) => {
        if (v === null || !isStruct(v)) return valueJson(v);
        const s = v as Record<string, Value>;
        return `{${fields.map((f) => `${JSON.stringify(f.name)}:${Object.hasOwn(s, f.name) ? f.write(s[f.name]!) : 'null'}`).join(',')}}`;
      };
    }
    default:
      return valueJson;
  }
}

/** One writer per column, from the type text of its header (`ANY` and the like: valueJson). */
export function rowWriters(columns: readonly { readonly type: string }[]): ValueWriter[] {
  return columns.map((c) => {
    let t: SqlType;
    try {
      t = parseType(c.type);
    } catch {
      return valueJson;
    }
    return typedWriter(t);
  });
}
