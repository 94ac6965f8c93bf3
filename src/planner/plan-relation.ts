// FROM clause → plan: a source, or a tree of joins, plus the scope its columns resolve in.

import type { Expr, Join, Relation, SourceRef } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog, ColumnDef } from './catalog.js';
import { compile, type ErrorRoute } from './compile.js';
import { exprText } from './expr-text.js';
import type { JoinNode, PlanNode, Schema, SourceNode } from './plan.js';
import { RelationScope, type ScopeEntry } from './relation-scope.js';
import type { Binding } from './scope.js';

export interface PlannedRelation {
  readonly node: PlanNode;
  readonly entries: readonly ScopeEntry[];
  readonly isTable: boolean;
  readonly windowed: boolean;
  readonly isJoin: boolean;
  /** For joins: the ON expressions of every join (each equal to the join key). */
  readonly joinKeyExprs: readonly Expr[];
  /** For joins: the key of the joined record (ROWKEY): left's join value, right's for RIGHT joins, either for FULL. */
  readonly joinKey?: Binding;
  /** The last join's type and whether its key is a plain column on both sides. */
  readonly joinType?: Join['type'];
  readonly syntheticKey?: boolean;
}

export function planSource(ref: SourceRef, catalog: Catalog, errors: ErrorRoute): PlannedRelation {
  const source = catalog.get(ref.name);
  if (!source) {
    throw new SqlError(`${ref.name} does not exist.`, ref);
  }
  const alias = ref.alias ?? ref.name;
  const schema: Schema = {
    columns: source.columns,
    isTable: source.kind === 'TABLE',
    ...(source.windowed ? { windowed: source.windowed } : {}),
  };
  const entry: ScopeEntry = { alias, sourceName: source.name, columns: source.columns, offset: 0, windowed: !!source.windowed };
  let timestamp;
  if (source.timestampColumn) {
    const scope = new RelationScope([entry]);
    timestamp = compile({ kind: 'ColumnRef', name: source.timestampColumn, loc: ref.loc }, scope, errors);
  }
  const node: SourceNode = { kind: 'Source', source, alias, schema, ...(timestamp ? { timestamp } : {}) };
  return { node, entries: [entry], isTable: source.kind === 'TABLE', windowed: !!source.windowed, isJoin: false, joinKeyExprs: [] };
}

export function planRelation(rel: Relation, catalog: Catalog, errors: ErrorRoute): PlannedRelation {
  return rel.kind === 'SourceRef' ? planSource(rel, catalog, errors) : planJoin(rel, catalog, errors);
}

function refersOnlyTo(e: Expr, scope: RelationScope, errors: ErrorRoute): boolean {
  try {
    compile(e, scope, errors);
    return true;
  } catch {
    return false;
  }
}

function planJoin(j: Join, catalog: Catalog, errors: ErrorRoute): PlannedRelation {
  const left = planRelation(j.left, catalog, errors);
  const right = planSource(j.right, catalog, errors);
  const leftWidth = left.entries.reduce((n, e) => n + e.columns.length, 0);
  const rightEntries = right.entries.map((e) => ({ ...e, offset: e.offset }));
  if (left.entries.some((e) => e.alias === rightEntries[0]!.alias)) {
    throw new SqlError(`Can not join '${rightEntries[0]!.sourceName}' to '${rightEntries[0]!.sourceName}': self joins are not yet supported.`, j.right);
  }
  if (j.on.kind !== 'Comparison' || j.on.op !== '=') {
    throw new SqlError(`Unsupported join expression: ${exprText(j.on)}. Only equality joins (a = b) are supported.`, j.on);
  }
  const leftScope = new RelationScope(left.entries);
  const rightScope = new RelationScope(rightEntries);
  let leftExpr = j.on.left;
  let rightExpr = j.on.right;
  if (!refersOnlyTo(leftExpr, leftScope, errors) || !refersOnlyTo(rightExpr, rightScope, errors)) {
    [leftExpr, rightExpr] = [rightExpr, leftExpr];
    if (!refersOnlyTo(leftExpr, leftScope, errors) || !refersOnlyTo(rightExpr, rightScope, errors)) {
      throw new SqlError(`Invalid join condition: ${exprText(j.on)}. Each side of the '=' must refer to one side of the join only.`, j.on);
    }
  }
  const leftKey = compile(leftExpr, leftScope, errors);
  const rightKey = compile(rightExpr, rightScope, errors);

  let variant: JoinNode['variant'];
  if (!left.isTable && !right.isTable) {
    if (!j.within) throw new SqlError('Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select', j);
    variant = 'StreamStream';
  } else if (!left.isTable && right.isTable) {
    if (j.within) throw new SqlError(`A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.`, j.within);
    variant = 'StreamTable';
  } else if (left.isTable && !right.isTable) {
    throw new SqlError(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${left.entries.map((e) => e.sourceName).join(', ')} [${j.type}] JOIN ${right.entries[0]!.sourceName}.`, j);
  } else {
    if (j.within) throw new SqlError(`A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your join again.`, j.within);
    const rightKeyCols = rightEntries[0]!.columns.filter((c) => c.role === 'key');
    const rightIsPk = rightExpr.kind === 'ColumnRef' && rightKeyCols.length === 1 && rightKeyCols[0]!.name === rightExpr.name;
    const leftIsPk = leftExpr.kind === 'ColumnRef' && left.entries.length === 1 && left.entries[0]!.columns.some((c) => c.role === 'key' && c.name === (leftExpr as { name: string }).name);
    variant = rightIsPk && !leftIsPk ? 'ForeignKey' : 'TableTable';
  }
  if (variant === 'StreamTable' || variant === 'TableTable') {
    const rk = rightEntries[0]!.columns.filter((c) => c.role === 'key');
    if (!(rightExpr.kind === 'ColumnRef' && rk.length === 1 && rk[0]!.name === rightExpr.name)) {
      throw new SqlError(
        variant === 'StreamTable'
          ? `Invalid join condition: stream-table joins require to join on the table's primary key. Got ${exprText(j.on.left)} = ${exprText(j.on.right)}.`
          : `Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${exprText(j.on.left)} = ${exprText(j.on.right)}.`,
        j.on,
      );
    }
  }
  const shifted: ScopeEntry[] = [...left.entries, ...rightEntries.map((e) => ({ ...e, offset: e.offset + leftWidth }))];
  const columns: ColumnDef[] = shifted.flatMap((e) => e.columns.map((c) => ({ name: `${e.alias}_${c.name}`, type: c.type, role: 'value' as const })));
  const w = j.within;
  const node: JoinNode = {
    kind: 'Join',
    joinType: j.type,
    variant,
    left: left.node,
    right: right.node,
    leftKey,
    rightKey,
    ...(w ? { within: { beforeMs: w.before.ms, afterMs: w.after.ms, ...(w.grace ? { graceMs: w.grace.ms } : {}) } } : {}),
    text: `${j.type} JOIN ON ${exprText(leftExpr)} = ${exprText(rightExpr)}`,
    schema: { columns, isTable: variant === 'TableTable' || variant === 'ForeignKey' },
  };
  // The joined record's key, evaluated over the combined columns.
  const combined = new RelationScope(shifted);
  const lk = compile(leftExpr, combined, errors);
  const rk = compile(rightExpr, combined, errors);
  const read =
    j.type === 'FULL'
      ? (r: Parameters<Binding['read']>[0]) => {
          const v = lk.eval(r);
          return v !== null ? v : rk.eval(r);
        }
      : j.type === 'RIGHT'
        ? rk.eval
        : lk.eval;
  return {
    node,
    entries: shifted,
    isTable: node.schema.isTable,
    windowed: false,
    isJoin: true,
    joinKeyExprs: [...left.joinKeyExprs, leftExpr, rightExpr],
    joinKey: { type: lk.type, read },
    joinType: j.type,
    syntheticKey: leftExpr.kind !== 'ColumnRef' || rightExpr.kind !== 'ColumnRef' || j.type === 'FULL',
  };
}
