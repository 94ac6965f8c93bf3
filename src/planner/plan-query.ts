// SELECT → micro-batch operator plan: relation, WHERE, GROUP BY/WINDOW/aggregates, HAVING,
// projection (with table functions), PARTITION BY; plus ksqlDB's rules for which output
// columns are keys and what unnamed columns are called.

import type { ColumnRef, Expr, FunctionCall, Query } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { checkReservedOutputNames } from './reserved-names.js';
import { formatType, type SqlType } from '../parser/sql-type.js';
import type { Catalog, ColumnDef } from './catalog.js';
import { checkNewPlannerQuery, newPlannerEnabled } from './new-planner-rules.js';
import { aggregateFunction, compile, compileClause, compileSelectItem, isAggregateCall, tableFunction, type ErrorRoute } from './compile.js';
import { exprText, walkExpr } from './expr-text.js';
import { declaredName } from './functions/declared-names.js';
import type { ArgInfo, TableFunctionImpl } from './functions/types.js';
import { inputsOf, type AggregateCall, type CompiledExpr, type FlatMapNode, type PlanNode, type ProjectNode, type Schema } from './plan.js';
import { joinProjectionKey } from './join-key.js';
import { kafkaValueFormatRefusal, planRelation, type PlannedRelation } from './plan-relation.js';
import { checkEmitFinal, checkPersistentQuery } from './persistent-query-rules.js';
import { PSEUDO_COLUMNS, pseudoBinding, RelationScope } from './relation-scope.js';
import type { Rec } from './record.js';
import { checkWithoutFrom, isBoundedQuery } from './adhoc-query-rules.js';
import { staticKeyLookup } from './static-key-lookup.js';
import { callsStateFunction, planGroupState } from './plan-group-state.js';
import { orderPlan, orderTargets, refuseOrderBy, type OrderPlan, type OrderTarget } from './order-by.js';
import type { Binding, Scope } from './scope.js';
import type { SourceDef } from './catalog.js';

export interface PlannedQuery {
  readonly root: PlanNode;
  readonly output: Schema;
  readonly relation: PlannedRelation;
  /** ORDER BY of a bounded ad-hoc query: the runtime sorts the whole answer by it, then applies LIMIT. */
  readonly order?: OrderPlan;
}

interface SelectColumn {
  readonly expr: Expr;
  readonly name: string;
  readonly loc: Expr['loc'];
}

function columnName(e: Expr, rel: PlannedRelation): string | undefined {
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
function selectColumns(q: Query, rel: PlannedRelation, scope: Scope, errors: ErrorRoute, transient: boolean): SelectColumn[] {
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

function containsAggregate(e: Expr, scope: Scope): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'Lambda') return false;
    if (isAggregateCall(x, scope)) found = true;
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
  if (!isConstantExpr(e)) return { type: c.type, isConstant: false, text: c.text };
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
  get functions(): Scope['functions'] {
    return this.relScope.functions;
  }
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

export interface PlanQueryOptions {
  /** The CSAS/CTAS/INSERT target, for messages that name it. */
  readonly sinkName?: string;
  /** Session properties, for functions configured by them (ksql.functions.*). */
  readonly properties?: ReadonlyMap<string, string>;
  /** A pull query: its WHERE is interpreted, which words some errors its own way (compile.ts). */
  readonly pull?: boolean;
  /** The statement's text, for the errors ksqlDB ends with `Statement: <text>`. */
  readonly statementText?: string;
  /** The persistent query writes a TABLE (CREATE TABLE AS): a state function then gives its state, not its rows. */
  readonly intoTable?: boolean;
}

export function planQuery(q: Query, catalog: Catalog, errors: ErrorRoute, opts: PlanQueryOptions = {}): PlannedQuery {
  // Persistent queries (CSAS/CTAS/INSERT) must carry their keys; pull and push queries answer
  // with the select list as written.
  const persistent = opts.sinkName !== undefined;
  // A finite answer (static tables only, or no FROM) may be sorted and aggregated as one group.
  const bounded = isBoundedQuery(q, catalog, persistent);
  // ksqlDB's grammar has no ORDER BY: its syntax error comes before any other complaint.
  if (q.orderBy && !bounded) refuseOrderBy(q.orderBy, opts.statementText);
  if (persistent) checkPersistentQuery(q, catalog);
  checkWithoutFrom(q);
  checkEmitFinal(q);
  const newPlanner = !opts.pull && q.from !== undefined && newPlannerEnabled(opts.properties);
  if (newPlanner) checkNewPlannerQuery(q, catalog);
  const rel = withKeyLookup(planRelation(q.from, catalog, errors), q, persistent);
  const extra = new Map<string, Binding>();
  if (rel.joinKey) extra.set('ROWKEY', rel.joinKey);
  const relScope = new RelationScope(rel.entries, catalog.functions, { pseudoColumns: true, extra });
  const sink = opts.sinkName ?? 'OUTPUT';
  let node: PlanNode = rel.node;

  if (q.where) {
    if (containsAggregate(q.where, relScope)) throw new SqlError('Aggregate functions are not allowed in WHERE; use HAVING.', q.where);
    rejectWindowBounds(q.where, relScope, true, (name) => `Error in WHERE expression: Unknown column ${name}.`);
    const predicate = compileClause('WHERE', q.where, relScope, errors, rel.isJoin, opts.pull);
    if (predicate.type.kind !== 'BOOLEAN') throw new SqlError(`Type error in WHERE expression: Should evaluate to boolean but is ${exprText(q.where)} (${predicate.type.kind}) instead.`, q.where);
    node = { kind: 'Filter', input: node, predicate, schema: node.schema };
  }

  if (persistent) checkReservedOutputNames(q, rel.isJoin);
  const columns = selectColumns(q, rel, relScope, errors, !persistent);
  if (callsStateFunction(columns, relScope)) {
    const planned = planGroupState({
      q,
      rel,
      scope: relScope,
      input: node,
      columns,
      errors,
      intoTable: opts.intoTable === true,
      persistent,
      sameExpr: (a, b) => sameExpr(a, b, relScope),
      columnName: (e) => columnName(e, rel),
      groupsBySourceKey: groupsBySourceKey(q.groupBy ?? [], rel),
      argInfo,
    });
    return { ...planned, relation: rel };
  }
  const aggregated = !!q.groupBy?.length || columns.some((c) => containsAggregate(c.expr, relScope)) || (q.having !== undefined);
  if (q.window && !aggregated) throw new SqlError('WINDOW clause requires a GROUP BY clause.', q.window);
  const targets = q.orderBy ? orderTargets(q.orderBy.items, columns) : [];
  if (aggregated) {
    const extra = targets.findIndex((t) => t.kind === 'extra');
    if (extra >= 0) throw new SqlError(`ORDER BY ${exprText(q.orderBy!.items[extra]!.expr)}: an aggregation sorts by a column of its select list; select it, or give its position or name.`, q.orderBy!.items[extra]!);
    return withOrder(planAggregate(q, rel, relScope, node, columns, errors, sink, persistent, bounded, opts.properties), q, targets);
  }
  if (q.having) throw new SqlError('HAVING requires a GROUP BY clause.', q.having);
  if (!persistent && !q.partitionBy?.length) {
    // Expressions sorted by but not selected are computed after the select list, then dropped.
    const extras: SelectColumn[] = targets.flatMap((t, i) => (t.kind === 'extra' ? [{ expr: t.expr, name: `KSQL_ORDER_${i}`, loc: t.expr.loc }] : []));
    return withOrder(planTransientProjection(rel, relScope, node, [...columns, ...extras], errors), q, targets, columns.length);
  }
  if (q.orderBy) throw new SqlError('ORDER BY cannot be combined with PARTITION BY.', q.orderBy);
  return planProjection(q, rel, relScope, node, columns, errors, sink, persistent, newPlanner);
}

/** A pull query over one static table that fixes its whole primary key reads that row by the key. */
function withKeyLookup(rel: PlannedRelation, q: Query, persistent: boolean): PlannedRelation {
  if (persistent || q.emit !== undefined || rel.node.kind !== 'Source') return rel;
  const keyLookup = staticKeyLookup(q, rel.node.source);
  return keyLookup ? { ...rel, node: { ...rel.node, keyLookup } } : rel;
}

/** The ORDER BY of a planned query, its output cut to the `width` columns the caller sees. */
function withOrder(planned: PlannedQuery, q: Query, targets: readonly OrderTarget[], width = planned.output.columns.length): PlannedQuery {
  if (!q.orderBy) return planned;
  const order = orderPlan(q.orderBy.items, targets, planned.root.schema.columns, width);
  const output = width < planned.output.columns.length ? { ...planned.output, columns: planned.output.columns.slice(0, width) } : planned.output;
  return { ...planned, output, order };
}

function planProjection(q: Query, rel: PlannedRelation, scope: RelationScope, input: PlanNode, columns: SelectColumn[], errors: ErrorRoute, sink: string, persistent: boolean, newPlanner = false): PlannedQuery {
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
        if (pe.kind === 'ColumnRef') throw new SqlError(`PARTITION BY column '${pe.name}' cannot be resolved. '${pe.name}' must be a column in the source schema since PARTITION BY is applied on the input.`, pe);
        throw e;
      }
      const hit = columns.findIndex((c) => sameExpr(c.expr, pe, scope));
      if (hit >= 0) keyIdx.push(hit);
      if (persistent) keyOnceInProjection(columns.filter((c) => sameExpr(c.expr, pe, scope)), q);
      const name = hit >= 0 ? columns[hit]!.name : columnName(pe, rel) ?? `KSQL_COL_${gen++}`;
      return { expr: pe, name };
    });
    const unselected = keyExprs.filter((k) => !columns.some((c) => sameExpr(c.expr, k.expr, scope)));
    // One unselected key is carried into the output; several, or one whose name a value column
    // takes, cannot be.
    if (persistent && unselected.length && (partitionBy.length > 1 || unselected.some((k) => columns.some((c) => c.name === k.name)))) {
      const texts = keyExprs.map((k) => qualifiedText(k.expr, rel));
      const plural = texts.length > 1;
      throw new SqlError(`The query used to build \`${sink}\` must include the partitioning expression${plural ? 's' : ''} ${texts.join(' and ')} in its projection (eg, SELECT ${texts.join(', ')}...).`, q);
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
      if (persistent) keyOnceInProjection(columns.filter((c) => bindingIndex(c.expr, scope) === i), q);
    }
    // A stream's unselected key is carried, unless a value column already takes its name.
    const clash = keyExprs.some((k) => columns.some((c) => c.name === k.name));
    if (keyExprs.length && (rel.isTable || clash) && persistent) {
      const names = keyExprs.map((k) => k.name).join(', ');
      throw new SqlError(`Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build \`${sink}\` must include the key column${keyExprs.length > 1 ? 's' : ''} ${names} in its projection (eg, SELECT ${names}...).`, q);
    }
  }

  const hasTableFn = columns.some((c) => c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope));
  if (hasTableFn && rel.isTable) throw new SqlError('Table source is not supported with table functions', columns.find((c) => c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope))!.expr);
  const outCols: ColumnDef[] = [];
  const exprs: (CompiledExpr | { tableFunction: import('./functions/types.js').TableFunctionImpl; args: CompiledExpr[]; text: string })[] = [];
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

/**
 * WINDOWSTART/WINDOWEND of a windowed aggregation exist only after it: WHERE sees them only from a
 * windowed source, GROUP BY never (a real column of that name is fine in both).
 */
function rejectWindowBounds(e: Expr, scope: RelationScope, sourceBounds: boolean, message: (name: string) => string): void {
  walkExpr(e, (x) => {
    if (x.kind === 'ColumnRef' && (x.name === 'WINDOWSTART' || x.name === 'WINDOWEND')) {
      try {
        const b = scope.resolveColumn(x);
        if (b.index !== undefined || sourceBounds) return true;
      } catch {
        // unresolvable: reported below
      }
      throw new SqlError(message(x.name), x);
    }
    return true;
  });
}

/** Type errors of a WHERE/HAVING comparison name the clause and the expression, as ksqlDB's do. */
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

/**
 * A table function call of the SELECT list, resolved against its arguments' types: a call that
 * does not fit is a planning error at the call's line and column; a failing record at run time
 * goes through `errors` (the processing log), as a scalar call's does.
 */
function planTableFunctionCall(e: FunctionCall, scope: RelationScope, errors: ErrorRoute): { impl: TableFunctionImpl; args: CompiledExpr[] } {
  const tf = tableFunction(e.name, scope)!;
  const args = e.args.map((a) => compile(a, scope, errors));
  try {
    return { impl: tf.resolve(e.args.map((a, i) => argInfo(a, args[i]!)), { properties: new Map(), onError: (m) => errors.sink(m) }), args };
  } catch (err) {
    if (err instanceof SqlError) throw err;
    throw new SqlError(quoteDeclaredName((err as Error).message, tf.name, scope), e);
  }
}

/**
 * Pull and push queries answer with the select list as written: columns in select order,
 * marked KEY only where they are a table's key (or its window bounds), as ksqlDB's REST API does.
 */
function planTransientProjection(rel: PlannedRelation, scope: RelationScope, input: PlanNode, columns: SelectColumn[], errors: ErrorRoute): PlannedQuery {
  const keyIndexes = new Set(rel.isTable && !rel.isJoin ? rel.entries[0]!.columns.map((c, i) => (c.role === 'key' ? i : -1)).filter((i) => i >= 0) : []);
  const hasTableFn = columns.some((c) => c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope));
  if (hasTableFn && rel.isTable) throw new SqlError('Table source is not supported with table functions', columns.find((c) => c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope))!.expr);
  const outCols: ColumnDef[] = [];
  const exprs: (CompiledExpr | { tableFunction: import('./functions/types.js').TableFunctionImpl; args: CompiledExpr[]; text: string })[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new SqlError(`Duplicate column name '${c.name}' in the projection. Use AS to give it another name.`, c.loc);
    seen.add(c.name);
    const isWindowBound = c.expr.kind === 'ColumnRef' && (c.expr.name === 'WINDOWSTART' || c.expr.name === 'WINDOWEND') && rel.isTable && rel.windowed;
    const bi = bindingIndex(c.expr, scope);
    const role = (bi !== undefined && keyIndexes.has(bi)) || isWindowBound ? ('key' as const) : ('value' as const);
    if (c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope)) {
      const { impl, args } = planTableFunctionCall(c.expr, scope, errors);
      exprs.push({ tableFunction: impl, args, text: exprText(c.expr) });
      outCols.push({ name: c.name, type: impl.returnType, role });
    } else {
      const e = compileSelectItem(c.expr, scope, errors);
      exprs.push(e);
      outCols.push({ name: c.name, type: e.type, role });
    }
  }
  const schema: Schema = { columns: outCols, isTable: rel.isTable, ...(rel.node.schema.windowed ? { windowed: rel.node.schema.windowed } : {}) };
  const root: ProjectNode | FlatMapNode = hasTableFn ? { kind: 'FlatMap', input, exprs, schema } : { kind: 'Project', input, exprs: exprs as CompiledExpr[], schema };
  return { root, output: schema, relation: rel };
}

/**
 * GROUP BY exactly the key columns of the one source read (in any order), or over a join exactly
 * its join key: every group lies in one input partition.
 */
function groupsBySourceKey(groupBy: readonly Expr[], rel: PlannedRelation): boolean {
  if (rel.isJoin) return groupBy.length === 1 && !!rel.joinKeyInfo?.equivalents.some((e) => exprText(e) === exprText(groupBy[0]!));
  if (rel.entries.length !== 1) return false;
  const entry = rel.entries[0]!;
  const keys = entry.columns.filter((c) => c.role === 'key').map((c) => c.name);
  const names = groupBy.map((g) => (g.kind === 'ColumnRef' && (g.source === undefined || g.source === entry.alias) ? g.name : undefined));
  return keys.length > 0 && names.length === keys.length && new Set(names).size === names.length && keys.every((k) => names.includes(k));
}

function planAggregate(q: Query, rel: PlannedRelation, scope: RelationScope, input: PlanNode, columns: SelectColumn[], errors: ErrorRoute, sink: string, persistent: boolean, bounded: boolean, properties?: ReadonlyMap<string, string>): PlannedQuery {
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
  const kafkaSources = rel.entries.filter((e) => catalog_source(rel, e.sourceName)?.valueFormat === 'KAFKA').map((e) => e.alias);
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

function catalog_source(rel: PlannedRelation, name: string): SourceDef | undefined {
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

/** A built-in's error names it as ksqlDB declares it ('collect_list', 'COUNT'); a user function keeps its name. */
function quoteDeclaredName(message: string, name: string, scope: Scope): string {
  return scope.functions.isBuiltIn(name) ? message.replace(`Function '${name}'`, `Function '${declaredName(name)}'`) : message;
}

/** A table function for these arguments; a refusal is placed at the call. */
