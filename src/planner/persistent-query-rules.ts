// What ksqlDB refuses in a persistent query (CSAS/CTAS/INSERT INTO … SELECT) before planning it:
// output columns named after pseudo-columns, queries over windowed tables, EMIT FINAL without a
// window.

import type { Query, Relation } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog } from './catalog.js';

/** Pseudo-columns whose names an output column may not take. */
const RESERVED = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET'];

function sourceNames(r: Relation): string[] {
  return r.kind === 'SourceRef' ? [r.name] : [...sourceNames(r.left), r.right.name];
}

export function checkPersistentQuery(q: Query, catalog: Catalog): void {
  for (const item of q.select) {
    if (item.kind !== 'SelectExpr') continue;
    if (item.alias !== undefined) {
      if (RESERVED.includes(item.alias)) throw new SqlError(`\`${item.alias}\` is a reserved column name. You cannot use it as an alias for a column.`, item);
    } else if (item.expr.kind === 'ColumnRef' && !item.expr.source && RESERVED.includes(item.expr.name)) {
      throw new SqlError(`Reserved column name in select: \`${item.expr.name}\`. Please remove or alias the column.`, item);
    }
  }
  if (sourceNames(q.from).some((n) => { const s = catalog.get(n); return s?.kind === 'TABLE' && s.windowed !== undefined; })) {
    throw new SqlError('KSQL does not support persistent queries on windowed tables.', q.from);
  }
}

/** EMIT FINAL waits for a window to close: without a window it would never emit. */
export function checkEmitFinal(q: Query): void {
  if (q.emit === 'FINAL' && !q.window) throw new SqlError('EMIT FINAL is only supported for windowed aggregations.', q);
}
