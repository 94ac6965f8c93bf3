// A pull query over a static table whose WHERE fixes every primary-key column to a literal (an
// AND of `KEY = literal`) names at most one row: the runtime reads it through the table's
// primary-key index instead of scanning. The whole WHERE still runs over what is read.

import type { Expr, Query } from '../parser/ast.js';
import type { ColumnDef, SourceDef } from './catalog.js';
import type { Value } from './values.js';

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'Logical' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** The literal as a value of the key's type, when that is exact (anything else: scan). */
function keyLiteral(e: Expr, key: ColumnDef): Value | undefined {
  if (key.type.kind === 'STRING' && e.kind === 'StringLiteral') return e.value;
  if ((key.type.kind === 'INTEGER' || key.type.kind === 'BIGINT') && e.kind === 'NumberLiteral' && /^\d{1,15}$/.test(e.text)) return Number(e.text);
  return undefined;
}

/** The primary key the query looks up, in key-column order, or undefined when it must scan. */
export function staticKeyLookup(q: Query, def: SourceDef): Value[] | undefined {
  return def.topic ? undefined : keyLookup(q, def);
}

/** The primary key a query over one source fixes with `key = literal` conjuncts (every key column), or undefined. */
export function keyLookup(q: Query, def: SourceDef): Value[] | undefined {
  if (q.from?.kind !== 'SourceRef' || q.from.schema !== undefined || !q.where) return undefined;
  const keys = def.columns.filter((c) => c.role === 'key');
  if (!keys.length) return undefined;
  const fixed = new Map<string, Value>();
  for (const e of conjuncts(q.where)) {
    if (e.kind !== 'Comparison' || e.op !== '=') continue;
    for (const [col, other] of [
      [e.left, e.right],
      [e.right, e.left],
    ] as const) {
      const key = col.kind === 'ColumnRef' ? keys.find((k) => k.name === col.name) : undefined;
      const v = key ? keyLiteral(other, key) : undefined;
      if (key && v !== undefined) fixed.set(key.name, v);
    }
  }
  return keys.every((k) => fixed.has(k.name)) ? keys.map((k) => fixed.get(k.name)!) : undefined;
}
