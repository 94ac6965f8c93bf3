// The key of a join's result, as ksqlDB defines it. Every expression the ON clauses make equal to
// the key is tracked through n-way joins; the source columns among them are "viable": the
// projection names the key after the first viable column it selects. When no column is viable
// (FULL OUTER joins, joins on expressions) the key is the synthetic column ROWKEY. Foreign-key
// joins are keyed by the left table's primary key instead.

import type { ColumnRef, Expr, JoinType } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import { formatType } from '../parser/sql-type.js';
import { exprText } from './expr-text.js';

export interface JoinKeyInfo {
  /** Expressions (qualified with aliases) known to equal the joined record's key. */
  readonly equivalents: readonly Expr[];
  /** The source columns among them, in FROM order. */
  readonly viable: readonly ColumnRef[];
  readonly synthetic: boolean;
  /** FULL OUTER joins: both ON expressions; selecting both also carries the synthetic key. */
  readonly fullOuterSides?: readonly Expr[];
  /** Foreign-key joins: the result is keyed by the left table's primary key columns. */
  readonly foreignKey?: { readonly table: string; readonly keyColumns: readonly ColumnRef[] };
}

export function primaryKeyJoinKey(type: JoinType, left: Expr, right: Expr, leftKey: JoinKeyInfo | undefined): JoinKeyInfo {
  if (type === 'FULL') return { equivalents: [], viable: [], synthetic: true, fullOuterSides: [left, right] };
  const leftText = exprText(left);
  const carried = leftKey?.equivalents.some((e) => exprText(e) === leftText) ? leftKey.equivalents : [left];
  const equivalents = [...carried, right];
  const viable = equivalents.filter((e): e is ColumnRef => e.kind === 'ColumnRef');
  return { equivalents, viable, synthetic: viable.length === 0 };
}

export function foreignKeyJoinKey(table: string, keyColumns: readonly ColumnRef[]): JoinKeyInfo {
  return { equivalents: keyColumns, viable: keyColumns, synthetic: false, foreignKey: { table, keyColumns } };
}

export interface ProjectedColumn {
  readonly expr: Expr;
  readonly name: string;
}

export interface JoinProjectionKey {
  /** Select columns that become key columns, in key order. */
  readonly keyIdx: number[];
  /** Key columns the projection lacks (a transient query's ROWKEY). */
  readonly missing: { expr: Expr; name: string }[];
  /** Whether the key columns read the joined record's key rather than their own column. */
  readonly readsJoinKey: boolean;
}

/**
 * Which select columns carry the key of a join's result. `same` compares two expressions by
 * what they bind to. Persistent queries must select the key; push queries get ROWKEY added.
 * `selectsAll`: the projection has an unqualified `*`.
 */
export function joinProjectionKey(
  key: JoinKeyInfo,
  columns: readonly ProjectedColumn[],
  same: (a: Expr, b: Expr) => boolean,
  at: Expr | { loc: Expr['loc'] },
  sink: string,
  persistent: boolean,
  selectsAll: boolean,
): JoinProjectionKey {
  const rowkey: Expr = { kind: 'ColumnRef', name: 'ROWKEY', loc: at.loc };
  const selectedRowkey = columns.findIndex((c) => c.expr.kind === 'ColumnRef' && !c.expr.source && c.expr.name === 'ROWKEY');
  if (selectedRowkey >= 0) return { keyIdx: [selectedRowkey], missing: [], readsJoinKey: false };
  if (key.foreignKey) {
    const keyIdx: number[] = [];
    for (const k of key.foreignKey.keyColumns) {
      const hit = columns.findIndex((c) => same(c.expr, k));
      if (hit < 0) {
        throw new SqlError(
          `Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (\`${key.foreignKey.table}\`). Missing column: \`${k.name}\`.`,
          at,
        );
      }
      keyIdx.push(hit);
    }
    return { keyIdx, missing: [], readsJoinKey: false };
  }
  if (key.synthetic) {
    // `SELECT *` brings the synthetic key along, as does selecting both sides of a FULL join.
    const both = key.fullOuterSides?.every((side) => columns.some((c) => same(c.expr, side))) ?? false;
    if (persistent && !both && !selectsAll) {
      throw new SqlError(
        `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build \`${sink}\` must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...).\nROWKEY was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.`,
        at,
      );
    }
    return { keyIdx: [], missing: [{ expr: rowkey, name: 'ROWKEY' }], readsJoinKey: false };
  }
  for (const v of key.viable) {
    const hit = columns.findIndex((c) => same(c.expr, v));
    if (hit >= 0) return { keyIdx: [hit], missing: [], readsJoinKey: true };
  }
  if (persistent) {
    const names = key.viable.map(exprText);
    const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
    throw new SqlError(`The query used to build \`${sink}\` must include the join expression${names.length === 1 ? '' : 's'} ${list} in its projection (eg, SELECT ${names[0]!}...).`, at);
  }
  return { keyIdx: [], missing: [{ expr: rowkey, name: 'ROWKEY' }], readsJoinKey: false };
}

function containsMap(t: SqlType): boolean {
  switch (t.kind) {
    case 'MAP':
      return true;
    case 'ARRAY':
      return containsMap(t.item);
    case 'STRUCT':
      return t.fields.some((f) => containsMap(f.type));
    default:
      return false;
  }
}

/** A join's key becomes a record key, and maps do not serialize as stable keys. */
export function checkJoinKeyType(leftExpr: Expr, type: SqlType, at: Expr): void {
  if (!containsMap(type)) return;
  const name = leftExpr.kind === 'ColumnRef' ? (leftExpr.source ? `${leftExpr.source}_${leftExpr.name}` : leftExpr.name) : 'ROWKEY';
  throw new SqlError(
    `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${name}\`. Column type: ${formatType(type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
    at,
  );
}
