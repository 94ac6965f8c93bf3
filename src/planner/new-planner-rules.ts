// ksqlDB's experimental new query planner (ksql.new.query.planner.enabled=true, off by default):
// it plans only a SELECT of columns from one stream, and its projection keeps just the key
// columns it names — a key left out is dropped, so the output has no key, instead of being
// carried along or refused. What it cannot plan it refuses up front, in its own words
// (EngineExecutor.throwIfUnsupported, logicalplanner/LogicalPlanner, SelectNode).

import type { Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog } from './catalog.js';

export const NEW_QUERY_PLANNER = 'ksql.new.query.planner.enabled';

export function newPlannerEnabled(properties: ReadonlyMap<string, string> | undefined): boolean {
  return properties?.get(NEW_QUERY_PLANNER)?.trim().toLowerCase() === 'true';
}

/** Refuse what the new planner does not plan; a push or persistent query's, not a pull query's. */
export function checkNewPlannerQuery(q: Query, catalog: Catalog): void {
  const unsupported = (what: string) => new SqlError(`New query planner does not support ${what}. Set ${NEW_QUERY_PLANNER}=false.`, q);
  if (q.where) throw unsupported('WHERE');
  if (q.groupBy) throw unsupported('GROUP BY');
  if (q.having) throw unsupported('HAVING');
  if (q.window) throw unsupported('WINDOWS');
  if (q.partitionBy) throw unsupported('PARTITION BY');
  if (q.limit !== undefined) throw unsupported('LIMIT');
  if (q.from?.kind === 'Join') throw unsupported('joins');
  const source = q.from?.kind === 'SourceRef' ? catalog.get(q.from.name) : undefined;
  if (source?.kind === 'TABLE') throw new SqlError('Input TABLES are not supported by the new planner', q.from);
  for (const item of q.select) {
    if (item.kind === 'AllColumns') continue;
    if (item.kind === 'SelectExpr' && item.expr.kind === 'ColumnRef') continue;
    throw new SqlError('New query planner only support column references, no expressions or aliases.', item);
  }
}
