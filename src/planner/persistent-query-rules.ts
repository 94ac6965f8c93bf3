// What ksqlDB refuses in a query before planning it: persistent queries over windowed tables,
// EMIT FINAL without a window; (Eddy) a persistent query without FROM.

import type { Query, Relation } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog } from './catalog.js';

function sourceNames(r: Relation): string[] {
  return r.kind === 'SourceRef' ? [r.name] : [...sourceNames(r.left), r.right.name];
}

export function checkPersistentQuery(q: Query, catalog: Catalog): void {
  // (Eddy) A SELECT without FROM answers once; a persistent query runs over what a source brings.
  if (!q.from)
    throw new SqlError('A persistent query (CREATE … AS SELECT, INSERT INTO … SELECT) needs a FROM clause: it runs over the records of a stream or table, and a SELECT without FROM has none.', q);
  const windowedTable = sourceNames(q.from).some((n) => catalog.get(n)?.kind === 'TABLE' && catalog.get(n)?.windowed !== undefined);
  // ksqlDB analyses the query (its join's window checks included) before this validation, so a
  // join whose windows do not fit is refused for that, by the join planner.
  if (windowedTable && !joinWindowsConflict(sourceNames(q.from), catalog)) {
    throw new SqlError('KSQL does not support persistent queries on windowed tables.', q.from);
  }
}

/** EMIT FINAL waits for a window to close: without a window it would never emit. */
export function checkEmitFinal(q: Query): void {
  if (q.emit === 'FINAL' && !q.window) throw new SqlError('EMIT FINAL is only supported for windowed aggregations.', q);
}

/** A joined source is windowed where the first is not (or the reverse), or session against hopping/tumbling. */
function joinWindowsConflict(names: string[], catalog: Catalog): boolean {
  const kind = (n: string) => catalog.get(n)?.windowed?.kind;
  const first = kind(names[0]!);
  return names.slice(1).some((n) => {
    const k = kind(n);
    return (first === undefined) !== (k === undefined) || (first !== undefined && k !== undefined && (first === 'SESSION') !== (k === 'SESSION'));
  });
}
