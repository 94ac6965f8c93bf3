// GROUP BY / WINDOW / aggregate functions / HAVING: the Aggregate node, whether it must
// repartition, and the keys-then-values projection over its result (ksqlDB's rules for grouping
// keys in the select list).

import type { Expr, FunctionCall, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { formatType, type SqlType } from '../parser/sql-type.js';
import { AggregateScope } from './aggregate-scope.js';
import type { ColumnDef, SourceDef } from './catalog.js';
import { aggregateFunction, compile, compileClause, compileSelectItem, isAggregateCall, type ErrorRoute } from './compile.js';
import { exprText, walkExpr } from './expr-text.js';
import { argInfo, quoteDeclaredName } from './function-calls.js';
import { inputsOf, type AggregateCall, type CompiledExpr, type PlanNode, type ProjectNode, type Schema } from './plan.js';
import { kafkaValueFormatRefusal, type PlannedRelation } from './plan-relation.js';
import type { PlannedQuery } from './planned-query.js';
import { containsAggregate, sameExpr } from './query-exprs.js';
import type { RelationScope } from './relation-scope.js';
import { columnName, type SelectColumn } from './select-list.js';
import { rejectWindowBounds } from './window-bounds.js';

/**
 * GROUP BY exactly the key columns of the one source read (in any order), or over a join exactly
 * its join key: every group lies in one input partition.
 */
export function groupsBySourceKey(groupBy: readonly Expr[], rel: PlannedRelation): boolean {
  if (rel.isJoin) return groupBy.length === 1 && !!rel.joinKeyInfo?.equivalents.some((e) => exprText(e) === exprText(groupBy[0]!));
  if (rel.entries.length !== 1) return false;
  const entry = rel.entries[0]!;
  const keys = entry.columns.filter((c) => c.role === 'key').map((c) => c.name);
  const names = groupBy.map((g) => (g.kind === 'ColumnRef' && (g.source === undefined || g.source === entry.alias) ? g.name : undefined));
  return keys.length > 0 && names.length === keys.length && new Set(names).size === names.length && keys.every((k) => names.includes(k));
}

export function planAggregate(
  q: Query,
  rel: PlannedRelation,
  scope: RelationScope,
  input: PlanNode,
  columns: SelectColumn[],
  errors: ErrorRoute,
  sink: string,
  persistent: boolean,
  bounded: boolean,
  properties?: ReadonlyMap<string, string>,
): PlannedQuery {
  // (Eddy) A bounded query without GROUP BY aggregates its whole input as one group, as SQL does.
  if (!q.groupBy?.length && !bounded) {
    throw new SqlError('Aggregate functions require a GROUP BY clause in ksqlDB (GROUP BY a column or expression).', q);
  }
  if (q.partitionBy?.length) throw new SqlError('PARTITION BY is not supported with GROUP BY.', q.partitionBy[0]!);
  const groupBy = q.groupBy ?? [];
  for (const g of groupBy) {
    if (containsAggregate(g, scope)) {
      let name = '';
      walkExpr(g, (x) => {
        if (!name && isAggregateCall(x, scope)) name = (x as FunctionCall).name;
      });
      throw new SqlError(`GROUP BY does not support aggregate functions: ${name} is an aggregate function.`, g);
    }
  }
  const kafkaSources = rel.entries.filter((e) => sourceNamed(rel, e.sourceName)?.valueFormat === 'KAFKA').map((e) => e.alias);
  if (kafkaSources.length) throw new SqlError(kafkaValueFormatRefusal(kafkaSources, 'GROUP BY'), q);
  for (const g of groupBy) rejectWindowBounds(g, scope, false, (name) => `Window bounds column ${name} can only be used in the SELECT clause of windowed aggregations`);
  const groupCompiled = groupBy.map((g) => compile(g, scope, errors));

  // Collect distinct aggregate calls from SELECT and HAVING.
  const calls: FunctionCall[] = [];
  const collect = (e: Expr) =>
    walkExpr(e, (x) => {
      if (x.kind === 'Lambda') return false;
      if (isAggregateCall(x, scope)) {
        if (!calls.some((c) => exprText(c) === exprText(x))) calls.push(x);
        return false;
      }
      return true;
    });
  columns.forEach((c) => collect(c.expr));
  if (q.having) collect(q.having);
  const aggregates: AggregateCall[] = calls.map((call) => {
    for (const a of call.args) if (containsAggregate(a, scope)) throw new SqlError(`Aggregate functions can not be nested: ${exprText(call)}`, call);
    const fn = aggregateFunction(call.name, scope)!;
    const compiled = call.args.map((a) => compile(a, scope, errors));
    // The first argument is always the aggregated value, even when it is a literal (SUM(1));
    // only the arguments after it can be constant settings (TOPK(x, 3)).
    const infos = call.args.map((a, i) => (i === 0 ? { type: compiled[0]!.type, isConstant: false, text: compiled[0]!.text } : argInfo(a, compiled[i]!)));
    let impl;
    try {
      impl = fn.resolve(infos, { properties: properties ?? new Map(), onError: (m) => errors.sink(m) });
    } catch (e) {
      throw new SqlError(quoteDeclaredName((e as Error).message, fn.name, scope), call);
    }
    return { text: exprText(call), impl, args: compiled.filter((_, i) => !infos[i]!.isConstant) };
  });

  // A bounded query reads a static table's rows once: nothing is retracted, so no undo is needed.
  if (rel.isTable && !bounded) {
    const noUndo = aggregates.filter((a) => !a.impl.undo).map((a) => a.text.replace(/\(.*$/, ''));
    const names = [...new Set(noUndo)];
    if (names.length) {
      const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
      throw new SqlError(`The aggregation function${names.length === 1 ? '' : 's'} ${list} cannot be applied to a table source, only to a stream source.`, q);
    }
  }
  const aggScope = new AggregateScope(
    groupBy,
    groupCompiled.map((g) => g.type),
    aggregates.map((a) => a.text),
    aggregates.map((a) => a.impl.returnType),
    scope,
    q.window !== undefined || rel.windowed,
  );
  const windowed = q.window ? { kind: q.window.kind, ...(q.window.kind !== 'SESSION' ? { sizeMs: q.window.size.ms } : {}) } : undefined;
  const aggColumns: ColumnDef[] = [
    ...groupBy.map((g, i) => ({ name: `KSQL_GROUP_${i}`, type: groupCompiled[i]!.type, role: 'key' as const, text: exprText(g) })),
    ...aggregates.map((a, j) => ({ name: `KSQL_AGG_${j}`, type: a.impl.returnType, role: 'value' as const })),
  ];
  let node: PlanNode = {
    kind: 'Aggregate',
    input,
    groupBy: groupCompiled,
    aggregates,
    ...(q.window ? { window: q.window } : {}),
    emitFinal: q.emit === 'FINAL',
    ...(groupsBySourceKey(groupBy, rel) ? {} : { repartition: true }),
    schema: { columns: aggColumns, isTable: true, ...(windowed ? { windowed } : {}) },
  };
  if (q.having) {
    const predicate = compileClause('HAVING', q.having, aggScope, errors);
    if (predicate.type.kind !== 'BOOLEAN') throw new SqlError(`HAVING expression must be boolean: ${exprText(q.having)}`, q.having);
    node = { kind: 'Filter', input: node, predicate, schema: node.schema };
  }

  // Keys: one per GROUP BY expression, named after the select column that holds it.
  const keyIdx: number[] = [];
  const keyNames: string[] = [];
  let generated = columns.filter((c) => /^KSQL_COL_\d+$/.test(c.name)).length;
  for (const g of groupBy) {
    const hit = columns.findIndex((c, i) => !keyIdx.includes(i) && sameExpr(c.expr, g, scope));
    if (hit >= 0) {
      keyIdx.push(hit);
      keyNames.push(columns[hit]!.name);
    } else {
      keyIdx.push(-1);
      keyNames.push(columnName(g, rel) ?? `KSQL_COL_${generated++}`);
    }
  }
  const missing = groupBy.findIndex((_, i) => keyIdx[i] === -1);
  for (const g of groupBy) {
    const uses = columns.filter((c) => sameExpr(c.expr, g, scope));
    if (persistent && uses.length > 1) throw new SqlError(`The projection contains a key column more than once: ${uses.map((u) => `\`${u.name}\``).join(' and ')}.`, q);
  }
  const outCols: ColumnDef[] = [];
  const exprs: CompiledExpr[] = [];
  groupBy.forEach((g, i) => {
    const c = compile(g, aggScope, errors);
    exprs.push(c);
    outCols.push({ name: keyNames[i]!, type: c.type, role: 'key' });
  });
  const notGrouped: string[] = [];
  let firstBad: SelectColumn | undefined;
  let duplicate: { col: SelectColumn; type: SqlType } | undefined;
  columns.forEach((col, i) => {
    if (keyIdx.includes(i)) return;
    let c: CompiledExpr;
    try {
      c = compileSelectItem(col.expr, aggScope, errors);
    } catch (e) {
      if (e instanceof SqlError && e.bareMessage.startsWith('Non-aggregate SELECT expression(s) not part of GROUP BY')) {
        notGrouped.push(exprText(col.expr));
        firstBad ??= col;
        return;
      }
      throw e;
    }
    if (outCols.some((o) => o.name === col.name)) duplicate ??= { col, type: c.type };
    exprs.push(c);
    outCols.push({ name: col.name, type: c.type, role: 'value' });
  });
  if (notGrouped.length) {
    throw new SqlError(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${notGrouped.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`, firstBad!.loc);
  }
  // Checked after the select list: a column outside the grouping is the more basic mistake.
  if (missing >= 0 && persistent) {
    const g = exprText(groupBy[missing]!);
    throw new SqlError(`The query used to build \`${sink}\` must include the grouping expression ${g} in its projection (eg, SELECT ${g}...).`, groupBy[missing]!);
  }
  if (!persistent && q.emit !== undefined) {
    // A push query answers with the select list as written: unselected group keys are left out.
    const order = selectOrder(keyIdx, columns.length, groupBy.length);
    const schema: Schema = { columns: order.map((k) => outCols[k]!), isTable: true, ...(windowed ? { windowed } : {}) };
    return { root: { kind: 'Project', input: node, exprs: order.map((k) => exprs[k]!), schema }, output: schema, relation: rel };
  }
  if (duplicate) throw new SqlError(`Duplicate value columns found in schema: \`${duplicate.col.name}\` ${formatType(duplicate.type)}`, duplicate.col.loc);
  const schema: Schema = { columns: outCols, isTable: true, ...(windowed ? { windowed } : {}) };
  const root: ProjectNode = { kind: 'Project', input: node, exprs, schema };
  return { root, output: schema, relation: rel };
}

/**
 * Positions, in the keys-then-values projection of an aggregate, of each select column in select
 * order (keyIdx[g] is the select column holding group key g, or -1).
 */
function selectOrder(keyIdx: readonly number[], selectCount: number, keyCount: number): number[] {
  const order: number[] = [];
  let value = keyCount;
  for (let i = 0; i < selectCount; i++) {
    const g = keyIdx.indexOf(i);
    order.push(g >= 0 ? g : value++);
  }
  return order;
}

function sourceNamed(rel: PlannedRelation, name: string): SourceDef | undefined {
  const find = (n: PlanNode): SourceDef | undefined => {
    if (n.kind === 'Source') return n.source.name === name ? n.source : undefined;
    for (const i of inputsOf(n)) {
      const s = find(i);
      if (s) return s;
    }
    return undefined;
  };
  return find(rel.node);
}
