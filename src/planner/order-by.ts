// ORDER BY (Eddy): sorts the answer of a bounded ad-hoc query (adhoc-query-rules.ts) after its
// projection, as PostgreSQL does. An item names a select column by position (ORDER BY 2), by its
// output name (an alias), or by being the same expression; any other expression of the input is
// computed as an extra column after the visible ones and dropped once the rows are sorted. NULLs
// sort as PostgreSQL's defaults: last ascending, first descending. ksqlDB has no ORDER BY — its
// grammar reads `S ORDER` as an alias and fails at BY — so anywhere else the clause is refused
// with that syntax error, at the BY.

import type { Expr, OrderBy, OrderItem } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { ColumnDef } from './catalog.js';
import { exprText } from './expr-text.js';

export interface SortKey {
  /** The column of the planned row sorted by. */
  readonly index: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  readonly text: string;
}

export interface OrderPlan {
  readonly keys: readonly SortKey[];
  /** Columns the caller sees; the planned row's columns after them exist only to sort by. */
  readonly width: number;
}

/** What an item sorts by: a select column (by name), or an input expression computed for the sort. */
export type OrderTarget = { readonly kind: 'column'; readonly name: string } | { readonly kind: 'extra'; readonly expr: Expr };

/** ksqlDB's syntax error at BY (its grammar has no ORDER BY), with the statement as ksqlDB ends it, then Eddy's advice. */
export function refuseOrderBy(orderBy: OrderBy, statement: string | undefined): never {
  throw new SqlError('Syntax Error\n', orderBy.by, {
    // ksqlDB quotes the statement as sent, its `;` included.
    ...(statement !== undefined ? { statement: statement.trim().replace(/;?$/, ';') } : {}),
    hint: 'ksqlDB SQL has no ORDER BY (a stream has no end to sort by); sort the answer in the client, or keep a table keyed by what you would sort on. (Eddy sorts the answer of a query over static tables, or of a SELECT without FROM.)',
  });
}

interface NamedColumn {
  readonly expr: Expr;
  readonly name: string;
}

/** Each item's target among the select list (expanded `*` included), or as an extra column. */
export function orderTargets(items: readonly OrderItem[], columns: readonly NamedColumn[]): OrderTarget[] {
  return items.map((item) => {
    const e = item.expr;
    if (e.kind === 'NumberLiteral' && /^\d+$/.test(e.text)) {
      const col = columns[Number(e.text) - 1];
      if (!col) throw new SqlError(`ORDER BY position ${e.text} is not in select list (it has ${columns.length} column${columns.length === 1 ? '' : 's'}).`, item);
      return { kind: 'column', name: col.name };
    }
    // A bare name is an output column first (an alias may hide an input column), as in PostgreSQL.
    if (e.kind === 'ColumnRef' && !e.source) {
      const byName = columns.find((c) => c.name === e.name);
      if (byName) return { kind: 'column', name: byName.name };
    }
    const text = exprText(e);
    const same = columns.find((c) => exprText(c.expr) === text);
    return same ? { kind: 'column', name: same.name } : { kind: 'extra', expr: e };
  });
}

/** Sort keys over the planned row: `names` are its columns in order, `width` of them visible. */
export function orderPlan(items: readonly OrderItem[], targets: readonly OrderTarget[], row: readonly ColumnDef[], width: number): OrderPlan {
  let extra = width;
  const keys = items.map((item, i): SortKey => {
    const t = targets[i]!;
    const index = t.kind === 'column' ? row.slice(0, width).findIndex((c) => c.name === t.name) : extra++;
    const col = row[index];
    if (!col) throw new SqlError(`ORDER BY ${exprText(item.expr)}: not a column of the answer.`, item);
    if (col.type.kind === 'ARRAY' || col.type.kind === 'MAP' || col.type.kind === 'STRUCT') {
      throw new SqlError(`ORDER BY ${exprText(item.expr)}: values of type ${col.type.kind} have no order; sort by a field or element of it.`, item);
    }
    return { index, descending: item.descending, nullsFirst: item.nulls ? item.nulls === 'FIRST' : item.descending, text: `${exprText(item.expr)}${item.descending ? ' DESC' : ''}` };
  });
  return { keys, width };
}
