// The type a parameter's place asks for, for the parameters a client sends untyped. PostgreSQL
// types an unknown parameter from its context; Eddy's grammar has no placeholders to type, so the
// common case is read here: `INSERT INTO s (a, b) VALUES ($1, $2)`, where a value that is a bare
// `$n` takes the type of its column. psycopg sends a Python str and a list of str untyped, so
// `'42'` into a STRING column stays a string and `{a,b}` into an ARRAY<STRING> column becomes an
// array, as in PostgreSQL. Anything else keeps parameters.ts's context-free reading.

import type { SqlType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import { ARRAY_ELEMENT, oidOf } from './types.js';

/** An identifier as Eddy normalises it: unquoted upper-cased, "quoted" or `quoted` as written. */
export function identifier(raw: string): string {
  const t = raw.trim();
  const q = /^(["`])([\s\S]*)\1$/.exec(t);
  return q ? q[2]!.replace(q[1] === '"' ? /""/g : /``/g, q[1]!) : t.toUpperCase();
}

/** Splits at top-level commas: not inside quotes, parentheses or brackets. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < s.length && !(s[j] === c && s[j + 1] !== c)) j += s[j] === c ? 2 : 1;
      cur += s.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Scalar kinds a parameter can be a literal of (a MAP or STRUCT cannot: their OID is JSON text). */
const LITERAL_KINDS: ReadonlySet<SqlType['kind']> = new Set(['STRING', 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'BOOLEAN', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP']);

/** The OID a value of `t` is sent as (oidOf's), for the types a parameter can be a literal of. */
function oidFor(t: SqlType): number | undefined {
  if (t.kind === 'ARRAY') {
    const e = oidFor(t.item);
    const arr = Object.entries(ARRAY_ELEMENT).find(([, el]) => el === e)?.[0];
    return arr === undefined ? undefined : Number(arr);
  }
  return LITERAL_KINDS.has(t.kind) ? oidOf(t) : undefined;
}

const INSERT = /^\s*INSERT\s+INTO\s+((?:"(?:[^"]|"")*"|`(?:[^`]|``)*`|[A-Za-z_][A-Za-z_0-9]*))\s*(?:\(([^)]*)\))?\s*VALUES\s*\(([\s\S]*)\)\s*;?\s*$/i;

/** Parameter number → the OID its column asks for, where `sql` is an INSERT … VALUES with bare `$n` values. */
export function parameterTargets(sql: string, source: (name: string) => SourceDef | undefined): Map<number, number> {
  const out = new Map<number, number>();
  const m = INSERT.exec(sql);
  if (!m) return out;
  const def = source(identifier(m[1]!));
  if (!def) return out;
  const names = m[2] !== undefined ? splitTopLevel(m[2]).map(identifier) : def.columns.filter((c) => c.role !== 'header').map((c) => c.name);
  const values = splitTopLevel(m[3]!);
  values.forEach((v, i) => {
    const p = /^\s*\$(\d+)\s*$/.exec(v);
    const column = def.columns.find((c) => c.name === names[i]);
    const oid = p && column ? oidFor(column.type) : undefined;
    if (p && oid !== undefined && !out.has(Number(p[1]))) out.set(Number(p[1]), oid);
  });
  return out;
}
