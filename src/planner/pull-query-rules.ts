// What ksqlDB accepts as a pull query over a materialised table, checked before planning: no
// joins of topics, only queryable (materialised) tables, no ROWPARTITION/ROWOFFSET, and key
// comparisons against values of the key's type; with table scans disabled, every disjunct of
// WHERE must look up the whole key. Then Eddy's own: at most one topic-backed source (a static
// table may be joined), and no schema but latest.<stream>.

import type { Expr, Query, Relation, SourceRef } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { formatType } from '../parser/sql-type.js';
import type { Catalog, ColumnDef, SourceDef } from './catalog.js';
import { exprText, walkExpr } from './expr-text.js';

export interface PullRuleOptions {
  /** ksql.query.pull.table.scan.enabled: a WHERE that is not a key lookup scans the table. */
  readonly tableScanEnabled: boolean;
}

const DISALLOWED_PSEUDO = ['ROWPARTITION', 'ROWOFFSET'];

function sourceRefs(r: Relation): SourceRef[] {
  return r.kind === 'SourceRef' ? [r] : [...sourceRefs(r.left), r.right];
}

function pseudoColumnsIn(exprs: readonly Expr[], source: SourceDef): string[] {
  const found: string[] = [];
  for (const e of exprs) {
    walkExpr(e, (x) => {
      if (x.kind === 'ColumnRef' && DISALLOWED_PSEUDO.includes(x.name) && !source.columns.some((c) => c.name === x.name) && !found.includes(x.name)) found.push(x.name);
    });
  }
  return found;
}

function hasColumnRef(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'ColumnRef') found = true;
    return !found;
  });
  return found;
}

function splitOn(e: Expr, op: 'AND' | 'OR'): Expr[] {
  return e.kind === 'Logical' && e.op === op ? [...splitOn(e.left, op), ...splitOn(e.right, op)] : [e];
}

/** The key column a comparison constrains, with the expressions it is compared to. */
function keyComparison(e: Expr, keys: readonly ColumnDef[]): { key: ColumnDef; others: Expr[]; op: string } | undefined {
  const keyOf = (x: Expr) => (x.kind === 'ColumnRef' ? keys.find((k) => k.name === x.name) : undefined);
  if (e.kind === 'Comparison') {
    const l = keyOf(e.left);
    if (l) return { key: l, others: [e.right], op: e.op };
    const r = keyOf(e.right);
    if (r) return { key: r, others: [e.left], op: e.op };
  }
  if (e.kind === 'InList' && !e.negated) {
    const k = keyOf(e.operand);
    if (k) return { key: k, others: [...e.list], op: 'IN' };
  }
  if (e.kind === 'Between' && !e.negated) {
    const k = keyOf(e.operand);
    if (k) return { key: k, others: [e.low, e.high], op: 'BETWEEN' };
  }
  return undefined;
}

function checkKeyValue(key: ColumnDef, other: Expr, op: string, cmp: Expr): void {
  if (other.kind === 'NullLiteral' && op === '=') {
    throw new SqlError(`Error in WHERE expression: Comparison with NULL not supported: ${formatType(key.type)} = NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.\nStatement: ${exprText(cmp)}`, cmp);
  }
  const numericKey = ['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL'].includes(key.type.kind);
  if (other.kind === 'StringLiteral' && numericKey && op === 'IN') {
    throw new SqlError(`'${other.value}' can not be converted to the type of the key column: ${key.name} ${formatType(key.type)} KEY`, other);
  }
}

/** Every rule of meaning of a pull query: ksqlDB's, then Eddy's own (static-table joins, latest.<stream>). */
export function checkPullQuery(q: Query, catalog: Catalog, opts: PullRuleOptions): void {
  checkKsqlPullQuery(q, catalog, opts);
  if (!q.from) return;
  const refs = sourceRefs(q.from);
  // ksqlDB answers no pull query over a join; Eddy joins a static table (no topic) in one.
  if (refs.filter((r) => catalog.get(r.name)?.topic).length > 1) throw new SqlError("Pull queries don't support JOIN clauses.", q);
  for (const ref of refs) if (ref.schema !== undefined && ref.schema !== 'LATEST') throw new SqlError(`Unknown schema '${ref.schema}': only latest.<stream> is supported.`, ref);
}

function checkKsqlPullQuery(q: Query, catalog: Catalog, opts: PullRuleOptions): void {
  if (!q.from) return;
  const refs = sourceRefs(q.from);
  const defs = refs.map((r) => catalog.get(r.name));
  if (q.from.kind === 'Join' && defs.every((d) => d?.topic)) throw new SqlError("Pull queries don't support JOIN clauses.", q.from);
  const source = defs[0];
  if (q.from.kind !== 'SourceRef' || !source || !source.topic || q.from.schema !== undefined) return;
  const selected = q.select.flatMap((s) => (s.kind === 'AllColumns' ? [] : [s.expr]));
  const inSelect = pseudoColumnsIn(selected, source);
  if (inSelect.length) throw new SqlError(`Pull queries don't support the following columns in SELECT clauses: ${inSelect.map((n) => `\`${n}\``).join(', ')}`, q);
  const inWhere = q.where ? pseudoColumnsIn([q.where], source) : [];
  if (inWhere.length) throw new SqlError(`Pull queries don't support the following columns in WHERE clauses: ${inWhere.map((n) => `\`${n}\``).join(', ')}`, q.where!);
  if (source.kind !== 'TABLE') return;
  if (!source.readOnly && !source.writtenBy) {
    throw new SqlError(
      `The \`${source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${source.name} AS SELECT * FROM ${source.name}'. See https://cnfl.io/queries for more info.`,
      q.from,
    );
  }
  if (!q.where) return;

  const keys = source.columns.filter((c) => c.role === 'key');
  for (const disjunct of splitOn(q.where, 'OR')) {
    const constrained = new Set<string>();
    for (const conjunct of splitOn(disjunct, 'AND')) {
      const kc = keyComparison(conjunct, keys);
      if (!kc) continue;
      for (const other of kc.others) {
        checkKeyValue(kc.key, other, kc.op, conjunct);
        if (hasColumnRef(other) && !opts.tableScanEnabled) throw new SqlError('A comparison must be between a key column and a resolvable expression.', conjunct);
      }
      constrained.add(kc.key.name);
    }
    if (opts.tableScanEnabled) continue;
    if (constrained.size === 0) throw new SqlError('WHERE clause missing key column for disjunct', disjunct);
    if (constrained.size < keys.length) throw new SqlError('Multi-column sources must specify every key in the WHERE clause', disjunct);
  }
}
