// SELECT → micro-batch operator plan: relation, WHERE, GROUP BY/WINDOW/aggregates, HAVING,
// projection (with table functions), PARTITION BY; plus ksqlDB's rules for which output
// columns are keys and what unnamed columns are called.

import type { ColumnRef, Expr, FunctionCall, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import type { Catalog, ColumnDef } from './catalog.js';
import { aggregateFunction, compile, isAggregateCall, tableFunction, type ErrorRoute } from './compile.js';
import { exprText, walkExpr } from './expr-text.js';
import type { ArgInfo } from './functions/types.js';
import type { AggregateCall, CompiledExpr, FlatMapNode, PlanNode, ProjectNode, Schema } from './plan.js';
import { planRelation, type PlannedRelation } from './plan-relation.js';
import { pseudoBinding, RelationScope } from './relation-scope.js';
import type { Rec } from './record.js';
import type { Binding, Scope } from './scope.js';

export interface PlannedQuery {
  readonly root: PlanNode;
  readonly output: Schema;
  readonly relation: PlannedRelation;
}

interface SelectColumn {
  readonly expr: Expr;
  readonly name: string;
  readonly loc: Expr['loc'];
}

function columnName(e: Expr, rel: PlannedRelation): string | undefined {
  if (e.kind === 'ColumnRef') {
    if (!rel.isJoin) return e.name;
    const entry = e.source
      ? rel.entries.find((x) => x.alias === e.source || x.sourceName === e.source)
      : rel.entries.find((x) => x.columns.some((c) => c.name === e.name));
    return entry ? `${entry.alias}_${e.name}` : e.name;
  }
  if (e.kind === 'Dereference') return e.field;
  return undefined;
}

/** Expand `*`, `a.*` and `s->*`, and name every column as ksqlDB does. */
function selectColumns(q: Query, rel: PlannedRelation, scope: Scope, errors: ErrorRoute): SelectColumn[] {
  const out: SelectColumn[] = [];
  let generated = 0;
  for (const item of q.select) {
    if (item.kind === 'AllColumns') {
      const entries = item.source ? rel.entries.filter((e) => e.alias === item.source || e.sourceName === item.source) : rel.entries;
      if (entries.length === 0) throw new SqlError(`Source '${item.source}' is not in the FROM clause.`, item);
      for (const e of entries)
        for (const c of e.columns)
          out.push({
            expr: { kind: 'ColumnRef', source: e.alias, name: c.name, loc: item.loc },
            name: rel.isJoin ? `${e.alias}_${c.name}` : c.name,
            loc: item.loc,
          });
    } else if (item.kind === 'StructAll') {
      const t = compile(item.expr, scope, errors).type;
      if (t.kind !== 'STRUCT') throw new SqlError(`Expected STRUCT type for '->*' but got ${t.kind}`, item);
      for (const f of t.fields) out.push({ expr: { kind: 'Dereference', base: item.expr, field: f.name, loc: item.loc }, name: f.name, loc: item.loc });
    } else {
      const name = item.alias ?? columnName(item.expr, rel) ?? `KSQL_COL_${generated++}`;
      out.push({ expr: item.expr, name, loc: item.loc });
    }
  }
  return out;
}

function containsAggregate(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'Lambda') return false;
    if (isAggregateCall(x)) found = true;
    return !found;
  });
  return found;
}

function isConstantExpr(e: Expr): boolean {
  return (
    e.kind === 'NumberLiteral' ||
    e.kind === 'StringLiteral' ||
    e.kind === 'BooleanLiteral' ||
    e.kind === 'NullLiteral' ||
    (e.kind === 'Unary' && e.op === '-' && e.operand.kind === 'NumberLiteral')
  );
}

const NO_REC: Rec = { cols: [], ts: 0, partition: 0, offset: 0 };

function argInfo(e: Expr, c: CompiledExpr): ArgInfo {
  if (!isConstantExpr(e)) return { type: c.type, isConstant: false };
  const v = c.eval(NO_REC);
  return { type: e.kind === 'NullLiteral' ? null : c.type, isConstant: true, constant: v };
}

/** Binding of a plain column reference in the relation scope, for identity comparisons. */
function bindingIndex(e: Expr, scope: RelationScope): number | undefined {
  if (e.kind !== 'ColumnRef') return undefined;
  try {
    return scope.resolveColumn(e).index;
  } catch {
    return undefined;
  }
}

function sameExpr(a: Expr, b: Expr, scope: RelationScope): boolean {
  const ia = bindingIndex(a, scope);
  if (ia !== undefined) return ia === bindingIndex(b, scope);
  return exprText(a) === exprText(b);
}

/** After GROUP BY, expressions see group-by values and aggregate results, nothing else. */
class AggregateScope implements Scope {
  readonly allowAggregates = true;
  constructor(
    private readonly groupBy: readonly Expr[],
    private readonly groupTypes: readonly SqlType[],
    private readonly aggTexts: readonly string[],
    private readonly aggTypes: readonly SqlType[],
    private readonly relScope: RelationScope,
    private readonly windowed: boolean,
  ) {}

  bindExpression(e: Expr): Binding | undefined {
    for (let i = 0; i < this.groupBy.length; i++) {
      if (sameExpr(e, this.groupBy[i]!, this.relScope)) return { type: this.groupTypes[i]!, index: i, read: (r: Rec) => r.cols[i] ?? null };
    }
    if (e.kind === 'FunctionCall') {
      const j = this.aggTexts.indexOf(exprText(e));
      if (j >= 0) {
        const idx = this.groupBy.length + j;
        return { type: this.aggTypes[j]!, index: idx, read: (r: Rec) => r.cols[idx] ?? null };
      }
    }
    return undefined;
  }

  resolveColumn(ref: ColumnRef): Binding {
    const p = ref.name === 'ROWTIME' || ref.name === 'WINDOWSTART' || ref.name === 'WINDOWEND' ? pseudoBinding(ref.name, this.windowed) : undefined;
    if (p) return p;
    // Distinguish "unknown column" from "not grouped" for a clearer message.
    this.relScope.resolveColumn(ref);
    throw new SqlError(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${exprText(ref)}`, ref);
  }
}

export function planQuery(q: Query, catalog: Catalog, errors: ErrorRoute): PlannedQuery {
  const rel = planRelation(q.from, catalog, errors);
  const relScope = new RelationScope(rel.entries, { pseudoColumns: true });
  let node: PlanNode = rel.node;

  if (q.where) {
    if (containsAggregate(q.where)) throw new SqlError('Aggregate functions are not allowed in WHERE; use HAVING.', q.where);
    const predicate = compile(q.where, relScope, errors);
    if (predicate.type.kind !== 'BOOLEAN') throw new SqlError(`Type error in WHERE expression: Should evaluate to boolean but is ${exprText(q.where)} (${predicate.type.kind}) instead.`, q.where);
    node = { kind: 'Filter', input: node, predicate, schema: node.schema };
  }

  const columns = selectColumns(q, rel, relScope, errors);
  const aggregated = !!q.groupBy?.length || columns.some((c) => containsAggregate(c.expr)) || (q.having !== undefined);
  if (q.window && !aggregated) throw new SqlError('WINDOW clause requires a GROUP BY clause.', q.window);
  if (aggregated) return planAggregate(q, rel, relScope, node, columns, errors);
  if (q.having) throw new SqlError('HAVING requires a GROUP BY clause.', q.having);
  return planProjection(q, rel, relScope, node, columns, errors);
}

function planProjection(q: Query, rel: PlannedRelation, scope: RelationScope, input: PlanNode, columns: SelectColumn[], errors: ErrorRoute): PlannedQuery {
  // Which select columns become key columns of the output.
  const keyIdx: number[] = [];
  const partitionBy = q.partitionBy?.filter((e) => e.kind !== 'NullLiteral');
  let keyExprs: { expr: Expr; name: string }[] = [];
  if (partitionBy && partitionBy.length) {
    let gen = columns.filter((c) => /^KSQL_COL_\d+$/.test(c.name)).length;
    keyExprs = partitionBy.map((pe) => {
      const hit = columns.findIndex((c) => sameExpr(c.expr, pe, scope));
      if (hit >= 0) keyIdx.push(hit);
      const name = hit >= 0 ? columns[hit]!.name : columnName(pe, rel) ?? `KSQL_COL_${gen++}`;
      return { expr: pe, name };
    });
  } else if (rel.isJoin) {
    const hit = columns.findIndex((c) => rel.joinKeyExprs.some((k) => sameExpr(c.expr, k, scope)));
    if (hit >= 0) keyIdx.push(hit);
    else {
      const k = rel.joinKeyExprs[0];
      if (k) keyExprs = [{ expr: k, name: columnName(k, rel) ?? 'ROWKEY' }];
    }
  } else {
    const keyCols = rel.entries[0]!.columns.map((c, i) => ({ c, i })).filter((x) => x.c.role === 'key');
    for (const { i } of keyCols) {
      const hit = columns.findIndex((c) => bindingIndex(c.expr, scope) === i);
      if (hit >= 0) keyIdx.push(hit);
      else keyExprs.push({ expr: { kind: 'ColumnRef', name: rel.entries[0]!.columns[i]!.name, loc: q.loc }, name: rel.entries[0]!.columns[i]!.name });
    }
    if (keyExprs.length && rel.isTable) {
      const names = keyExprs.map((k) => k.name).join(', ');
      throw new SqlError(`Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build this table must include the key columns ${names} in its projection (eg, SELECT ${names}...).`, q);
    }
  }

  const hasTableFn = columns.some((c) => c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name));
  const outCols: ColumnDef[] = [];
  const exprs: (CompiledExpr | { tableFunction: import('./functions/types.js').TableFunctionImpl; args: CompiledExpr[]; text: string })[] = [];
  const seen = new Set<string>();
  const push = (name: string, role: 'key' | 'value', e: Expr, loc: Expr['loc']) => {
    if (seen.has(name)) throw new SqlError(`Duplicate column name '${name}' in the projection. Use AS to give it another name.`, loc);
    seen.add(name);
    if (e.kind === 'FunctionCall' && tableFunction(e.name)) {
      const tf = tableFunction(e.name)!;
      const args = e.args.map((a) => compile(a, scope, errors));
      const impl = tf.resolve(e.args.map((a, i) => argInfo(a, args[i]!)));
      exprs.push({ tableFunction: impl, args, text: exprText(e) });
      outCols.push({ name, type: impl.returnType, role });
    } else {
      const c = compile(e, scope, errors);
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
  const root: ProjectNode | FlatMapNode = hasTableFn
    ? { kind: 'FlatMap', input, exprs, schema }
    : { kind: 'Project', input, exprs: exprs as CompiledExpr[], schema };
  return { root, output: schema, relation: rel };
}

function planAggregate(q: Query, rel: PlannedRelation, scope: RelationScope, input: PlanNode, columns: SelectColumn[], errors: ErrorRoute): PlannedQuery {
  if (!q.groupBy?.length) {
    throw new SqlError('Aggregate functions require a GROUP BY clause in ksqlDB (GROUP BY a column or expression).', q);
  }
  if (q.partitionBy?.length) throw new SqlError('PARTITION BY is not supported with GROUP BY.', q.partitionBy[0]!);
  const groupBy = q.groupBy;
  for (const g of groupBy) if (containsAggregate(g)) throw new SqlError('GROUP BY does not support aggregate functions.', g);
  const groupCompiled = groupBy.map((g) => compile(g, scope, errors));

  // Collect distinct aggregate calls from SELECT and HAVING.
  const calls: FunctionCall[] = [];
  const collect = (e: Expr) =>
    walkExpr(e, (x) => {
      if (x.kind === 'Lambda') return false;
      if (isAggregateCall(x)) {
        if (!calls.some((c) => exprText(c) === exprText(x))) calls.push(x);
        return false;
      }
      return true;
    });
  columns.forEach((c) => collect(c.expr));
  if (q.having) collect(q.having);
  const aggregates: AggregateCall[] = calls.map((call) => {
    for (const a of call.args) if (containsAggregate(a)) throw new SqlError(`Aggregate functions can not be nested: ${exprText(call)}`, call);
    const fn = aggregateFunction(call.name)!;
    const compiled = call.args.map((a) => compile(a, scope, errors));
    const infos = call.args.map((a, i) => argInfo(a, compiled[i]!));
    let impl;
    try {
      impl = fn.resolve(infos);
    } catch (e) {
      throw new SqlError((e as Error).message, call);
    }
    return { text: exprText(call), impl, args: compiled.filter((_, i) => !infos[i]!.isConstant) };
  });

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
    schema: { columns: aggColumns, isTable: true, ...(windowed ? { windowed } : {}) },
  };
  if (q.having) {
    const predicate = compile(q.having, aggScope, errors);
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
  const outCols: ColumnDef[] = [];
  const exprs: CompiledExpr[] = [];
  groupBy.forEach((g, i) => {
    const c = compile(g, aggScope, errors);
    exprs.push(c);
    outCols.push({ name: keyNames[i]!, type: c.type, role: 'key' });
  });
  columns.forEach((col, i) => {
    if (keyIdx.includes(i)) return;
    const c = compile(col.expr, aggScope, errors);
    if (outCols.some((o) => o.name === col.name)) throw new SqlError(`Duplicate column name '${col.name}' in the projection.`, col.loc);
    exprs.push(c);
    outCols.push({ name: col.name, type: c.type, role: 'value' });
  });
  const schema: Schema = { columns: outCols, isTable: true, ...(windowed ? { windowed } : {}) };
  const root: ProjectNode = { kind: 'Project', input: node, exprs, schema };
  return { root, output: schema, relation: rel };
}
