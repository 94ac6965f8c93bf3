// A JSON object decoded for the columns a query reads, without building the rest. Most of a
// query over wide JSON records went into JSON.parse building every string of every record (a
// Nexmark bid's URL and padding) that the query never looks at. When the planner says which
// value columns a query reads (SourceNode.reads), the source's value decoder matches the record
// against one regular expression made from the schema: every field by its exact name, in the
// declared order, each value of a form its column takes, captured only where the query reads it.
//
// The match accepts only records that nativeObject (formats.ts) would decode, and the captured
// columns come out as nativeObject gives them; a record the expression does not match (another
// field order, an extra or missing field, escapes in a read string, a number too long to be
// exact, anything invalid) is decoded as before, whole, so what is accepted and what is refused
// (and why) does not change: only how much of an accepted record is built. The unread columns
// are null in the row; nothing reads them.

import type { SqlType } from '../../parser/sql-type.js';
import type { Value } from '../../planner/values.js';
import type { ColumnSchema } from './serde-types.js';

/** JSON's whitespace (JavaScript's \s is wider). */
const WS = '[ \\t\\n\\r]*';
/** A JSON string without escapes (its contents are the value as they are): read columns. */
const PLAIN_STRING = '"([^"\\\\\\u0000-\\u001f]*)"';
/** Any valid JSON string, escapes included (JSON.parse takes every one): unread columns. */
const ANY_STRING = '"[^"\\\\\\u0000-\\u001f]*(?:\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\\\\u0000-\\u001f]*)*"';
/** Integers whose every digit a double holds: 15 digits for BIGINT (< 2^53), 9 for INTEGER (< 2^31). */
const BIGINT = '-?(?:0|[1-9][0-9]{0,14})';
const INTEGER = '-?(?:0|[1-9][0-9]{0,8})';
/** JSON's number grammar: JSON.parse and Number() read it to the same double. */
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';

/** The value forms a column takes on the fast path, by kind (nativeObject's rules). */
function valueForm(type: SqlType, read: boolean): string | undefined {
  const cap = (s: string) => (read ? `(${s})` : `(?:${s})`);
  switch (type.kind) {
    case 'BIGINT':
      return `(?:${cap(BIGINT)}|null)`;
    case 'INTEGER':
      return `(?:${cap(INTEGER)}|null)`;
    case 'DOUBLE':
      return `(?:${cap(NUMBER)}|null)`;
    case 'BOOLEAN':
      return `(?:${cap('true|false')}|null)`;
    case 'STRING':
      return read ? `(?:${PLAIN_STRING}|null)` : `(?:${ANY_STRING}|null)`;
    default:
      return undefined;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A decoder of the read columns (`read[i]`: column i is read) of JSON objects with these columns,
 * or undefined when no column is left out or a column's kind has no fast form. It returns the row
 * (unread columns null), or undefined for a record it does not answer (decode it whole).
 */
export function projectingJsonDecoder(columns: readonly ColumnSchema[], read: readonly boolean[]): ((text: string) => Value[] | undefined) | undefined {
  if (columns.length === 0 || read.every((r) => r)) return undefined;
  let src = `^${WS}\\{`;
  const kinds: SqlType['kind'][] = [];
  const at: number[] = [];
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const form = valueForm(c.type, read[i] === true);
    if (form === undefined) return undefined;
    src += `${i ? `${WS},` : ''}${WS}${escapeRegExp(JSON.stringify(c.name))}${WS}:${WS}${form}`;
    if (read[i]) {
      kinds.push(c.type.kind);
      at.push(i);
    }
  }
  src += `${WS}\\}${WS}$`;
  const re = new RegExp(src);
  const nulls = new Array<Value>(columns.length).fill(null);
  return (text) => {
    const m = re.exec(text);
    if (m === null) return undefined;
    const out = nulls.slice();
    for (let g = 0; g < at.length; g++) {
      const s = m[g + 1];
      if (s === undefined) continue; // null in the record
      switch (kinds[g]) {
        case 'BIGINT':
          out[at[g]!] = Number(s) + 0; // + 0: no -0, as nativeObject gives
          break;
        case 'INTEGER':
          out[at[g]!] = Number(s) | 0;
          break;
        case 'DOUBLE':
          out[at[g]!] = Number(s);
          break;
        case 'BOOLEAN':
          out[at[g]!] = s === 'true';
          break;
        default:
          out[at[g]!] = s;
      }
    }
    return out;
  };
}
