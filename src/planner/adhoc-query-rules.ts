// (Eddy) Ad-hoc queries whose answer is finite: a pull query over static tables only, or a SELECT
// without FROM. Only these may sort (ORDER BY) or aggregate without GROUP BY: their input ends,
// so there is a last row to sort after and one group to report. Over a stream or a ksqlDB table
// ksqlDB's refusals stand.

import type { Query, Relation, SourceRef } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog } from './catalog.js';

function sourceRefs(r: Relation): SourceRef[] {
  return r.kind === 'SourceRef' ? [r] : [...sourceRefs(r.left), r.right];
}

/** No EMIT, not persistent, and every source a static table (no topic) read whole, or no source at all. */
export function isBoundedQuery(q: Query, catalog: Catalog, persistent: boolean): boolean {
  if (persistent || q.emit !== undefined) return false;
  if (!q.from) return true;
  return sourceRefs(q.from).every((r) => {
    const def = catalog.get(r.name);
    return def !== undefined && def.topic === undefined && r.schema === undefined;
  });
}

/** A SELECT without FROM is one row, answered once: clauses that need records arriving are refused. */
export function checkWithoutFrom(q: Query): void {
  if (q.from) return;
  if (q.emit) throw new SqlError(`EMIT ${q.emit} needs a FROM clause: a push query follows a stream or table as it changes, and a SELECT without FROM is one row, answered once.`, q);
  if (q.window) throw new SqlError('WINDOW needs a FROM clause: it groups the records of a stream or table by time.', q.window);
  if (q.partitionBy?.length) throw new SqlError('PARTITION BY needs a FROM clause: it re-keys the records of a stream or table.', q.partitionBy[0]!);
  const star = q.select.find((s) => s.kind === 'AllColumns');
  if (star) throw new SqlError('SELECT * needs a FROM clause: without one there are no columns to select.', star);
}
