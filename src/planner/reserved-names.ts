// A persistent query's output columns cannot take the names of ksqlDB's pseudo-columns: the sink
// would then carry a value column that its own ROWTIME (or ROWOFFSET…) shadows.

import type { Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';

const PSEUDO_COLUMNS = ['ROWTIME', 'ROWOFFSET', 'ROWPARTITION', 'WINDOWSTART', 'WINDOWEND'];

/**
 * ksqlDB's analyzer checks every select item of a persistent query against the system columns,
 * window bounds included, windowed or not: `SELECT K, WINDOWSTART …` must alias it. `join`: there
 * a qualified `s.ROWTIME` is named `S_ROWTIME`, which is no pseudo-column.
 */
export function checkReservedOutputNames(q: Query, join: boolean): void {
  for (const item of q.select) {
    if (item.kind !== 'SelectExpr') continue;
    const pseudoRef = item.expr.kind === 'ColumnRef' && PSEUDO_COLUMNS.includes(item.expr.name);
    const ref = item.expr.kind === 'ColumnRef' && !(join && item.expr.source) ? item.expr.name : undefined;
    const name = item.alias ?? ref;
    if (!name || !PSEUDO_COLUMNS.includes(name)) continue;
    if (pseudoRef) throw new SqlError(`Reserved column name in select: \`${name}\`. Please remove or alias the column.`, item);
    throw new SqlError(`\`${name}\` is a reserved column name. You cannot use it as an alias for a column.`, item);
  }
}
