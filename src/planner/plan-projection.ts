// The projection of a persistent (or PARTITION BY) query: which select columns become the
// output's keys — PARTITION BY expressions, a join's key, the source's own key — and ksqlDB's
// refusals when a key is missing or repeated.

import type { Expr, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { ColumnDef } from './catalog.js';
import { compile, compileSelectItem, tableFunction, type ErrorRoute } from './compile.js';
import { exprText } from './expr-text.js';
import { callsTableFunction, planTableFunctionCall } from './function-calls.js';
import { joinProjectionKey } from './join-key.js';
import type { TableFunctionImpl } from './functions/types.js';
import type { CompiledExpr, FlatMapNode, PlanNode, ProjectNode, Schema } from './plan.js';
import type { PlannedRelation } from './plan-relation.js';
import type { PlannedQuery } from './planned-query.js';
import { bindingIndex, sameExpr } from './query-exprs.js';
import type { RelationScope } from './relation-scope.js';
import type { Binding } from './scope.js';
import { columnName, type SelectColumn } from './select-list.js';

export function planProjection(
  q: Query,
  rel: PlannedRelation,
  scope: RelationScope,
  input: PlanNode,
  columns: SelectColumn[],
  errors: ErrorRoute,
  sink: string,
  persistent: boolean,
  newPlanner = false,
): PlannedQuery {
  // Which select columns become key columns of the output.
  const keyIdx: number[] = [];
  if ((q.partitionBy?.length ?? 0) > 1 && q.partitionBy!.some((e) => e.kind === 'NullLiteral')) throw new SqlError('Cannot PARTITION BY multiple columns including NULL', q.partitionBy![0]!);
  const partitionBy = q.partitionBy?.filter((e) => e.kind !== 'NullLiteral');
  let keyExprs: { expr: Expr; name: string }[] = [];
  // A join's key column holds the joined record's key, whichever source's column names it.
  let joinKeyValue: Binding | undefined;
  if (partitionBy && partitionBy.length) {
    let gen = columns.filter((c) => /^KSQL_COL_\d+$/.test(c.name)).length;
    keyExprs = partitionBy.map((pe) => {
      try {
        compile(pe, scope, errors);
      } catch (e) {
        if (pe.kind === 'ColumnRef')
          throw new SqlError(`PARTITION BY column '${pe.name}' cannot be resolved. '${pe.name}' must be a column in the source schema since PARTITION BY is applied on the input.`, pe);
        throw e;
      }
      const hit = columns.findIndex((c) => sameExpr(c.expr, pe, scope));
      if (hit >= 0) keyIdx.push(hit);
      if (persistent)
        keyOnceInProjection(
          columns.filter((c) => sameExpr(c.expr, pe, scope)),
          q,
        );
      const name = hit >= 0 ? columns[hit]!.name : (columnName(pe, rel) ?? `KSQL_COL_${gen++}`);
      return { expr: pe, name };
    });
    const unselected = keyExprs.filter((k) => !columns.some((c) => sameExpr(c.expr, k.expr, scope)));
    // One unselected key is carried into the output; several, or one whose name a value column
    // takes, cannot be.
    if (persistent && unselected.length && (partitionBy.length > 1 || unselected.some((k) => columns.some((c) => c.name === k.name)))) {
      const texts = keyExprs.map((k) => qualifiedText(k.expr, rel));
      const plural = texts.length > 1;
      throw new SqlError(
        `The query used to build \`${sink}\` must include the partitioning expression${plural ? 's' : ''} ${texts.join(' and ')} in its projection (eg, SELECT ${texts.join(', ')}...).`,
        q,
      );
    }
  } else if (q.partitionBy?.length === 1 && q.partitionBy[0]!.kind === 'NullLiteral') {
    // PARTITION BY NULL: ksqlDB's repartition keeps the value columns only — the result has no
    // key columns, and a selected source key is a value column of it.
  } else if (rel.isJoin && rel.joinKeyInfo) {
    const selectsAll = q.select.some((i) => i.kind === 'AllColumns' && !i.source);
    const k = joinProjectionKey(rel.joinKeyInfo, columns, (a, b) => sameExpr(a, b, scope), q, sink, persistent, selectsAll);
    keyIdx.push(...k.keyIdx);
    keyExprs = k.missing;
    if (k.readsJoinKey && rel.joinKey) joinKeyValue = rel.joinKey;
  } else {
    const keyCols = rel.entries[0]!.columns.map((c, i) => ({ c, i })).filter((x) => x.c.role === 'key');
    for (const { i } of keyCols) {
      const hit = columns.findIndex((c) => bindingIndex(c.expr, scope) === i);
      if (hit >= 0) keyIdx.push(hit);
      // The new planner drops a key the projection leaves out (new-planner-rules.ts).
      else if (!newPlanner) keyExprs.push({ expr: { kind: 'ColumnRef', name: rel.entries[0]!.columns[i]!.name, loc: q.loc }, name: rel.entries[0]!.columns[i]!.name });
      if (persistent)
        keyOnceInProjection(
          columns.filter((c) => bindingIndex(c.expr, scope) === i),
          q,
        );
    }
    // A stream's unselected key is carried, unless a value column already takes its name.
    const clash = keyExprs.some((k) => columns.some((c) => c.name === k.name));
    if (keyExprs.length && (rel.isTable || clash) && persistent) {
      const names = keyExprs.map((k) => k.name).join(', ');
      throw new SqlError(
        `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build \`${sink}\` must include the key column${keyExprs.length > 1 ? 's' : ''} ${names} in its projection (eg, SELECT ${names}...).`,
        q,
      );
    }
  }

  const hasTableFn = callsTableFunction(columns, scope, rel.isTable);
  const outCols: ColumnDef[] = [];
  const exprs: (CompiledExpr | { tableFunction: TableFunctionImpl; args: CompiledExpr[]; text: string })[] = [];
  const seen = new Set<string>();
  const push = (name: string, role: 'key' | 'value', e: Expr, loc: Expr['loc']) => {
    if (seen.has(name)) throw new SqlError(`Duplicate column name '${name}' in the projection. Use AS to give it another name.`, loc);
    seen.add(name);
    if (role === 'key' && joinKeyValue) {
      const c = compile(e, scope, errors);
      exprs.push({ text: c.text, type: c.type, eval: joinKeyValue.read });
      outCols.push({ name, type: c.type, role });
    } else if (e.kind === 'FunctionCall' && tableFunction(e.name, scope)) {
      const { impl, args } = planTableFunctionCall(e, scope, errors);
      exprs.push({ tableFunction: impl, args, text: exprText(e) });
      outCols.push({ name, type: impl.returnType, role });
    } else {
      const c = compileSelectItem(e, scope, errors);
      exprs.push(c);
      outCols.push({ name, type: c.type, role });
    }
  };
  // Keys first: projected key columns in select order, then keys not in the projection
  // (PARTITION BY expressions that are not selected, or a stream's unselected key: carried).
  for (const i of keyIdx) push(columns[i]!.name, 'key', columns[i]!.expr, columns[i]!.loc);
  for (const k of keyExprs) {
    if (!columns.some((c) => sameExpr(c.expr, k.expr, scope))) push(k.name, 'key', k.expr, k.expr.loc);
  }
  columns.forEach((c, i) => {
    if (!keyIdx.includes(i)) push(c.name, 'value', c.expr, c.loc);
  });
  const schema: Schema = { columns: outCols, isTable: rel.isTable, ...(rel.node.schema.windowed ? { windowed: rel.node.schema.windowed } : {}) };
  // Without PARTITION BY or a join, a stream's key columns are the source's own, unchanged.
  const keyPassThrough = !partitionBy?.length && !rel.isJoin && !rel.isTable;
  const root: ProjectNode | FlatMapNode = hasTableFn
    ? { kind: 'FlatMap', input, exprs, schema }
    : { kind: 'Project', input, exprs: exprs as CompiledExpr[], schema, ...(keyPassThrough ? { keyPassThrough } : {}) };
  return { root, output: schema, relation: rel };
}

/** A key column may appear once in a persistent query's projection (it is one column of the key). */
function keyOnceInProjection(uses: readonly SelectColumn[], q: Query): void {
  if (uses.length < 2) return;
  throw new SqlError(`The projection contains a key column (\`${uses[0]!.name}\`) more than once, aliased as: ${uses.map((u) => u.name).join(' and ')}.`, q);
}

/** `SRC.COL` for a column of the (single) source, as ksqlDB names partitioning expressions. */
function qualifiedText(e: Expr, rel: PlannedRelation): string {
  if (e.kind === 'ColumnRef' && !e.source && !rel.isJoin) return `${rel.entries[0]!.alias}.${e.name}`;
  return exprText(e);
}
