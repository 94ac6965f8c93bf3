// FROM clause → plan: a source, or a tree of joins (or, without FROM, a single row), plus the
// scope its columns resolve in.

import type { ColumnRef, Expr, Join, Relation, SourceRef } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { Catalog, ColumnDef } from './catalog.js';
import { compile, type ErrorRoute } from './compile.js';
import { exprText } from './expr-text.js';
import { checkJoinTypes, criteriaText, joinSides, qualifyColumns } from './join-criteria.js';
import { checkJoinKeyType, foreignKeyJoinKey, primaryKeyJoinKey, type JoinKeyInfo } from './join-key.js';
import type { JoinNode, PlanNode, Schema, SourceNode } from './plan.js';
import { RelationScope, type ScopeEntry } from './relation-scope.js';
import type { Binding } from './scope.js';
import { sourceReads, type ColumnUse } from './source-reads.js';

export interface PlannedRelation {
  readonly node: PlanNode;
  readonly entries: readonly ScopeEntry[];
  readonly isTable: boolean;
  readonly windowed: boolean;
  readonly isJoin: boolean;
  /** For joins: the key of the joined record (ROWKEY): left's join value, right's for RIGHT joins, either for FULL. */
  readonly joinKey?: Binding;
  /** For joins: which expressions equal that key, and which columns may name it. */
  readonly joinKeyInfo?: JoinKeyInfo;
}

/** `use`: the columns a persistent query mentions (source-reads.ts), so its sources decode only those. */
export function planSource(ref: SourceRef, catalog: Catalog, errors: ErrorRoute, use?: ColumnUse): PlannedRelation {
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
    const scope = new RelationScope([entry], catalog.functions);
    timestamp = compile({ kind: 'ColumnRef', name: source.timestampColumn, loc: ref.loc }, scope, errors);
  }
  const reads = sourceReads(source, alias, use);
  const node: SourceNode = { kind: 'Source', source, alias, schema, ...(timestamp ? { timestamp } : {}), ...(reads ? { reads } : {}) };
  return { node, entries: [entry], isTable: source.kind === 'TABLE', windowed: !!source.windowed, isJoin: false };
}

/** ksqlDB's explanation of why a KAFKA-formatted value cannot be joined or grouped. */
export function kafkaValueFormatRefusal(aliases: readonly string[], operation: 'JOIN' | 'GROUP BY'): string {
  return (
    `Source(s) ${aliases.join(', ')} are using the 'KAFKA' value format. This format does not yet support ${operation}.\n` +
    'The KAFKA format is primarily intended for use as a key format. It can be used as a value format, but can not be used in any operation that requires a repartition or changelog topic.\n' +
    'Removing this limitation requires enhancements to the core of KSQL. This will come in a future release. Until then, avoid using the KAFKA format for values.\n' +
    "If you have an existing topic with KAFKA formatted values you can duplicate the data and serialize using Avro or JSON with a statement such as: \n\n'CREATE STREAM <new-stream-name> WITH(VALUE_FORMAT='Avro') AS SELECT * FROM <existing-kafka-formated-stream-name>;'"
  );
}

/** A joined source whose values are KAFKA-formatted cannot be repartitioned or kept as a changelog. */
function checkJoinValueFormats(rel: PlannedRelation, catalog: Catalog, at: Join): void {
  const kafka = rel.entries.filter((e) => catalog.get(e.sourceName)?.valueFormat === 'KAFKA').map((e) => e.alias);
  if (kafka.length) throw new SqlError(kafkaValueFormatRefusal(kafka, 'JOIN'), at);
}

/** No FROM (Eddy): one row of no columns, nothing to resolve a column in. */
const SINGLE_ROW: PlannedRelation = { node: { kind: 'SingleRow', schema: { columns: [], isTable: false } }, entries: [], isTable: false, windowed: false, isJoin: false };

export function planRelation(rel: Relation | undefined, catalog: Catalog, errors: ErrorRoute, use?: ColumnUse): PlannedRelation {
  if (!rel) return SINGLE_ROW;
  const planned = planRelationTree(rel, catalog, errors, use);
  if (rel.kind === 'Join') checkJoinValueFormats(planned, catalog, rel);
  return planned;
}

function planRelationTree(rel: Relation, catalog: Catalog, errors: ErrorRoute, use: ColumnUse | undefined): PlannedRelation {
  return rel.kind === 'SourceRef' ? planSource(rel, catalog, errors, use) : planJoin(rel, catalog, errors, use);
}

function joinVariant(j: Join, left: PlannedRelation, right: PlannedRelation, leftIsKey: boolean, rightIsKey: boolean, criteria: string): JoinNode['variant'] {
  const leftNames = left.entries.map((e) => e.sourceName).join(', ');
  const rightName = right.entries[0]!.sourceName;
  if (!left.isTable && !right.isTable) {
    if (!j.within)
      throw new SqlError(
        'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
        j,
      );
    return 'StreamStream';
  }
  if (!left.isTable) {
    if (j.within)
      throw new SqlError(
        `A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.`,
        j.within,
      );
    if (j.type === 'FULL' || j.type === 'RIGHT') {
      throw new SqlError(`Invalid join type: ${j.type === 'FULL' ? 'full-outer' : 'right'} join not supported for stream-table join. Got ${leftNames} [${j.type}] OUTER JOIN ${rightName}.`, j);
    }
    if (!rightIsKey) throw new SqlError(`Invalid join condition: stream-table joins require to join on the table's primary key. Got ${criteria}.`, j.on);
    return 'StreamTable';
  }
  if (!right.isTable) {
    throw new SqlError(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${leftNames} [${j.type}] JOIN ${rightName}.`, j);
  }
  if (j.within)
    throw new SqlError(
      `A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your join again.`,
      j.within,
    );
  if (!rightIsKey) throw new SqlError(`Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${criteria}.`, j.on);
  if (leftIsKey) return 'TableTable';
  if (left.isJoin) throw new SqlError(`Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${criteria}.`, j.on);
  return 'ForeignKey';
}

function windowText(r: PlannedRelation): string {
  const w = r.node.schema.windowed;
  return w ? `${w.kind} windowed` : 'not windowed';
}

function planJoin(j: Join, catalog: Catalog, errors: ErrorRoute, use: ColumnUse | undefined): PlannedRelation {
  const left = planRelationTree(j.left, catalog, errors, use);
  const right = planSource(j.right, catalog, errors, use);
  const leftWidth = left.entries.reduce((n, e) => n + e.columns.length, 0);
  const rightEntry = right.entries[0]!;
  // ksqlDB refuses the same source twice in one FROM clause, whatever its aliases.
  if (left.entries.some((e) => e.sourceName === rightEntry.sourceName || e.alias === rightEntry.alias)) {
    throw new SqlError(
      left.entries.length > 1
        ? `N-way joins do not support multiple occurrences of the same source. Source: '${rightEntry.sourceName}'.`
        : `Can not join '${rightEntry.sourceName}' to '${left.entries[0]!.sourceName}': self joins are not yet supported.`,
      j.right,
    );
  }
  const shifted: ScopeEntry[] = [...left.entries, { ...rightEntry, offset: rightEntry.offset + leftWidth }];
  const sides = joinSides(j, left.entries, rightEntry);
  const leftExpr = qualifyColumns(sides.left, left.entries);
  const rightExpr = qualifyColumns(sides.right, right.entries);
  const leftKey = compile(leftExpr, new RelationScope(left.entries, catalog.functions), errors);
  const rightKey = compile(rightExpr, new RelationScope(right.entries, catalog.functions), errors);
  const criteria = criteriaText(j, shifted);

  const rightKeyCols = rightEntry.columns.filter((c) => c.role === 'key');
  const rightIsKey = rightExpr.kind === 'ColumnRef' && rightKeyCols.length === 1 && rightKeyCols[0]!.name === rightExpr.name;
  const leftKeyCols = left.entries[0]!.columns.filter((c) => c.role === 'key');
  const leftIsKey = left.isJoin
    ? !!left.joinKeyInfo?.equivalents.some((e) => exprText(e) === exprText(leftExpr))
    : leftExpr.kind === 'ColumnRef' && leftKeyCols.length === 1 && leftKeyCols[0]!.name === leftExpr.name;
  const variant = joinVariant(j, left, right, leftIsKey, rightIsKey, criteria);

  if (!!left.node.schema.windowed !== !!right.node.schema.windowed) {
    const leftSource = left.entries.find((e) => leftExpr.kind === 'ColumnRef' && e.alias === leftExpr.source) ?? left.entries[0]!;
    throw new SqlError(`Can not join windowed source to non-windowed source.\n\`${leftSource.sourceName}\` is ${windowText(left)}\n\`${rightEntry.sourceName}\` is ${windowText(right)}`, j);
  }
  const lw = left.node.schema.windowed?.kind;
  const rw = right.node.schema.windowed?.kind;
  // ksqlDB's analyzer: session windows join only session windows; hopping and tumbling join each other.
  if (lw && rw && (lw === 'SESSION') !== (rw === 'SESSION')) {
    throw new SqlError(
      `Incompatible windowed sources.\nLeft source: ${lw}\nRight source: ${rw}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`,
      j,
    );
  }
  if (left.node.schema.windowed && !(isSourceKey(leftExpr, left.entries) && isSourceKey(rightExpr, right.entries))) {
    throw new SqlError('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.', j.on);
  }
  checkJoinTypes(j, sides, leftKey.type, rightKey.type, shifted);
  if (variant !== 'ForeignKey') checkJoinKeyType(leftExpr, leftKey.type, j.on);
  if (!left.isTable) checkCopartitioned(j, leftExpr, left, rightEntry, catalog);

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
    ...(leftIsKey && rightIsKey && variant !== 'ForeignKey' ? {} : { repartition: true }),
    schema: {
      columns,
      isTable: variant === 'TableTable' || variant === 'ForeignKey',
      ...(left.node.schema.windowed && right.node.schema.windowed ? { windowed: left.node.schema.windowed } : {}),
    },
  };
  if (variant === 'ForeignKey') {
    const table = left.entries[0]!;
    const keyColumns: ColumnRef[] = leftKeyCols.map((c) => ({ kind: 'ColumnRef', source: table.alias, name: c.name, loc: j.loc }));
    return { node, entries: shifted, isTable: true, windowed: false, isJoin: true, joinKeyInfo: foreignKeyJoinKey(table.sourceName, keyColumns) };
  }
  // The joined record's key, evaluated over the combined columns.
  const combined = new RelationScope(shifted, catalog.functions);
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
    joinKey: { type: lk.type, read },
    joinKeyInfo: primaryKeyJoinKey(j.type, leftExpr, rightExpr, left.joinKeyInfo),
  };
}

/** Whether an expression is the single key column of the source it reads. */
function isSourceKey(e: Expr, entries: readonly ScopeEntry[]): boolean {
  if (e.kind !== 'ColumnRef') return false;
  const entry = entries.find((x) => x.alias === e.source);
  const keys = entry?.columns.filter((c) => c.role === 'key') ?? [];
  return keys.length === 1 && keys[0]!.name === e.name;
}

/** A stream joined to a stream or table must have as many partitions (ksqlDB's co-partitioning rule). */
function checkCopartitioned(j: Join, leftExpr: Expr, left: PlannedRelation, rightEntry: ScopeEntry, catalog: Catalog): void {
  const leftEntry = (leftExpr.kind === 'ColumnRef' && left.entries.find((e) => e.alias === leftExpr.source)) || left.entries[0]!;
  const l = catalog.get(leftEntry.sourceName);
  const r = catalog.get(rightEntry.sourceName);
  if (!l?.topic || !r?.topic || l.partitions === r.partitions) return;
  throw new SqlError(
    `Can't join \`${l.name}\` with \`${r.name}\` since the number of partitions don't match. \`${l.name}\` partitions = ${l.partitions}; \`${r.name}\` partitions = ${r.partitions}. Please repartition either one so that the number of partitions match.`,
    j,
  );
}
