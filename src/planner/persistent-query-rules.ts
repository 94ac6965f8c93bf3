// What ksqlDB refuses in a persistent query (CSAS/CTAS/INSERT INTO … SELECT) before planning it:
// output columns named after pseudo-columns, queries over windowed tables, EMIT FINAL without a
// window.

import type { Query, Relation } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog } from './catalog.js';

/** Pseudo-columns whose names an output column may not take. */
const RESERVED = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'];

function sourceNames(r: Relation): string[] {
  return r.kind === 'SourceRef' ? [r.name] : [...sourceNames(r.left), r.right.name];
}

export function checkPersistentQuery(q: Query, catalog: Catalog): void {
  for (const item of q.select) {
    if (item.kind !== 'SelectExpr') continue;
    const e = item.expr;
    const name = item.alias ?? (e.kind === 'ColumnRef' && !e.source ? e.name : undefined);
    if (name === undefined || !RESERVED.includes(name)) continue;
    // Selecting the pseudo-column itself under its own name, or naming something else after one.
    if (e.kind === 'ColumnRef' && e.name === name) throw new SqlError(`Reserved column name in select: \`${name}\`. Please remove or alias the column.`, item);
    throw new SqlError(`\`${name}\` is a reserved column name. You cannot use it as an alias for a column.`, item);
  }
  if (sourceNames(q.from).some((n) => { const s = catalog.get(n); return s?.kind === 'TABLE' && s.windowed !== undefined; })) {
    throw new SqlError('KSQL does not support persistent queries on windowed tables.', q.from);
  }
}

/** EMIT FINAL waits for a window to close: without a window it would never emit. */
export function checkEmitFinal(q: Query): void {
  if (q.emit === 'FINAL' && !q.window) throw new SqlError('EMIT FINAL is only supported for windowed aggregations.', q);
}
