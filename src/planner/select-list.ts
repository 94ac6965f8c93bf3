// The SELECT list as columns: `*`, `a.*` and `s->*` expanded, each column named as ksqlDB names it
// (join prefixes, KSQL_COL_n for unnamed expressions).

import type { Expr, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { compile, type ErrorRoute } from './compile.js';
import type { PlannedRelation } from './plan-relation.js';
import { PSEUDO_COLUMNS } from './relation-scope.js';
import type { Scope } from './scope.js';

export interface SelectColumn {
  readonly expr: Expr;
  readonly name: string;
  readonly loc: Expr['loc'];
}

export function columnName(e: Expr, rel: PlannedRelation): string | undefined {
  if (e.kind === 'ColumnRef') {
    // In a join, `l.b` is named L_B when another source also has a B; otherwise just B.
    if (!rel.isJoin || !e.source) return e.name;
    const entry = rel.entries.find((x) => x.alias === e.source || x.sourceName === e.source);
    const pseudo = (PSEUDO_COLUMNS as readonly string[]).includes(e.name);
    const owners = rel.entries.filter((x) => pseudo || x.columns.some((c) => c.name === e.name)).length;
    return entry && owners > 1 ? `${entry.alias}_${e.name}` : e.name;
  }
  if (e.kind === 'Dereference') return e.field;
  return undefined;
}

/** Expand `*`, `a.*` and `s->*`, and name every column as ksqlDB does. */
export function selectColumns(q: Query, rel: PlannedRelation, scope: Scope, errors: ErrorRoute, transient: boolean): SelectColumn[] {
  const out: SelectColumn[] = [];
  let generated = 0;
  for (const item of q.select) {
    if (item.kind === 'AllColumns') {
      const entries = item.source ? rel.entries.filter((e) => e.alias === item.source || e.sourceName === item.source) : rel.entries;
      if (entries.length === 0) throw new SqlError(`Source '${item.source}' is not in the FROM clause.`, item);
      // After PARTITION BY over a join, `*` is what ksqlDB's repartition node holds: each side as its
      // pre-join projection lays it out (values, the side's ROWTIME, ROWPARTITION and ROWOFFSET,
      // then its keys), named alias_column — prefixed, the pseudo columns are not recognised as
      // such and stay (UserRepartitionNode.resolveSelectStar / PlanNode.orderColumns).
      if (q.partitionBy?.length && rel.isJoin && !item.source) {
        for (const e of entries) {
          const values = e.columns.filter((c) => c.role !== 'key').map((c) => c.name);
          const keys = e.columns.filter((c) => c.role === 'key').map((c) => c.name);
          for (const name of [...values, 'ROWTIME', 'ROWPARTITION', 'ROWOFFSET', ...keys]) {
            out.push({ expr: { kind: 'ColumnRef', source: e.alias, name, loc: item.loc }, name: `${e.alias}_${name}`, loc: item.loc });
          }
        }
        continue;
      }
      for (const e of entries) {
        // After PARTITION BY the old key columns are values, placed after the others.
        const repartitioned = !!q.partitionBy?.length && !rel.isJoin;
        const ordered = repartitioned ? [...e.columns.filter((c) => c.role !== 'key'), ...e.columns.filter((c) => c.role === 'key')] : e.columns;
        for (const c of ordered) {
          out.push({
            expr: { kind: 'ColumnRef', source: e.alias, name: c.name, loc: item.loc },
            name: rel.isJoin ? `${e.alias}_${c.name}` : c.name,
            loc: item.loc,
          });
          // A transient query over a windowed source shows the window bounds after the key.
          const lastKey = c.role === 'key' && e.columns.filter((x) => x.role === 'key').at(-1) === c;
          if (transient && e.windowed && lastKey && !rel.isJoin) {
            for (const w of ['WINDOWSTART', 'WINDOWEND']) out.push({ expr: { kind: 'ColumnRef', name: w, loc: item.loc }, name: w, loc: item.loc });
          }
          // In a join, each windowed source's bounds follow its key, named after the source.
          if (e.windowed && lastKey && rel.isJoin) {
            for (const w of ['WINDOWSTART', 'WINDOWEND']) out.push({ expr: { kind: 'ColumnRef', source: e.alias, name: w, loc: item.loc }, name: `${e.alias}_${w}`, loc: item.loc });
          }
        }
      }
    } else if (item.kind === 'StructAll') {
      const t = compile(item.expr, scope, errors).type;
      if (t.kind !== 'STRUCT') throw new SqlError(`Expected STRUCT type for '->*' but got ${t.kind}`, item);
      for (const f of t.fields) out.push({ expr: { kind: 'Dereference', base: item.expr, field: f.name, loc: item.loc }, name: f.name, loc: item.loc });
    } else {
      if (item.expr.kind === 'NullLiteral') throw new SqlError(`Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).`, item);
      let name = item.alias ?? columnName(item.expr, rel);
      // Generated names skip those the sources already use (a source may have a KSQL_COL_n).
      while (name === undefined) {
        const candidate = `KSQL_COL_${generated++}`;
        if (!rel.entries.some((e) => e.columns.some((c) => c.name === candidate))) name = candidate;
      }
      out.push({ expr: item.expr, name, loc: item.loc });
    }
  }
  return out;
}
