// A join's ON clause: which side of the '=' belongs to which input, and ksqlDB's errors for
// criteria it cannot run (literals, several conditions, sources the join does not name).

import type { ColumnRef, Expr, Join } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { formatType, typesEqual, type SqlType } from '../parser/sql-type.js';
import { exprText, walkExpr } from './expr-text.js';
import type { ScopeEntry } from './relation-scope.js';

export interface JoinSides {
  /** The expression over the left input (already joined sources). */
  readonly left: Expr;
  /** The expression over the joined (right) source. */
  readonly right: Expr;
  /** Whether the ON clause named the right source first. */
  readonly swapped: boolean;
}

/** Every column reference qualified with its source's alias, as ksqlDB prints join criteria. */
export function qualifyColumns(e: Expr, entries: readonly ScopeEntry[]): Expr {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (obj.kind === 'ColumnRef') {
      const ref = obj as unknown as ColumnRef;
      if (ref.source !== undefined) {
        const entry = entries.find((x) => x.alias === ref.source) ?? entries.find((x) => x.sourceName === ref.source);
        return entry ? { ...ref, source: entry.alias } : ref;
      }
      const owners = entries.filter((x) => x.columns.some((c) => c.name === ref.name));
      return owners.length === 1 ? { ...ref, source: owners[0]!.alias } : ref;
    }
    if (obj.kind === 'Lambda') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = k === 'loc' ? v : rewrite(v);
    return out;
  };
  return rewrite(e) as Expr;
}

export function qualifiedText(e: Expr, entries: readonly ScopeEntry[]): string {
  return exprText(qualifyColumns(e, entries));
}

/** Aliases of the sources an expression reads; unknown qualifiers are an error. */
function referencedAliases(e: Expr, entries: readonly ScopeEntry[]): Set<string> {
  const found = new Set<string>();
  walkExpr(e, (x) => {
    if (x.kind === 'Lambda') return false;
    if (x.kind !== 'ColumnRef') return true;
    if (x.source !== undefined) {
      const entry = entries.find((y) => y.alias === x.source) ?? entries.find((y) => y.sourceName === x.source);
      if (!entry) throw new SqlError(`Failed to prepare statement: '${x.source}' is not a valid stream/table name or alias.`, x);
      found.add(entry.alias);
    } else {
      const owners = entries.filter((entry) => entry.columns.some((c) => c.name === x.name));
      if (owners.length > 1) throw new SqlError(`Column '${x.name}' is ambiguous. Could be any of: ${owners.map((o) => `${o.alias}.${x.name}`).join(', ')}`, x);
      for (const entry of owners) found.add(entry.alias);
    }
    return true;
  });
  return found;
}

/** Split `a = b` into the expression over the left input and the one over the joined source. */
export function joinSides(j: Join, leftEntries: readonly ScopeEntry[], rightEntry: ScopeEntry): JoinSides {
  const all = [...leftEntries, rightEntry];
  const on = j.on;
  if (on.kind === 'Logical' && on.op === 'AND') {
    throw new SqlError(`Invalid join condition: joins on multiple conditions are not yet supported. Got ${qualifiedText(on, all)}.`, on);
  }
  if (on.kind !== 'Comparison' || on.op !== '=') {
    throw new SqlError(`Unsupported join expression: ${qualifiedText(on, all)}. Only equality joins (a = b) are supported.`, on);
  }
  // Unknown source names are reported before anything else about the criteria.
  walkExpr(on, (x) => {
    if (x.kind === 'ColumnRef' && x.source !== undefined && !all.some((y) => y.alias === x.source || y.sourceName === x.source)) {
      throw new SqlError(`Failed to prepare statement: '${x.source}' is not a valid stream/table name or alias.`, x);
    }
    return x.kind !== 'Lambda';
  });
  const a = referencedAliases(on.left, all);
  const b = referencedAliases(on.right, all);
  for (const [side, refs] of [
    [on.left, a],
    [on.right, b],
  ] as const) {
    if (refs.size !== 1) {
      throw new SqlError(
        `Invalid comparison expression '${qualifiedText(side, all)}' in join '${qualifiedText(on, all)}'. Each side of the join comparision must contain references from exactly one source.`,
        side,
      );
    }
  }
  const aAlias = [...a][0]!;
  const bAlias = [...b][0]!;
  const rightAlias = rightEntry.alias;
  if (aAlias !== rightAlias && bAlias !== rightAlias) {
    throw new SqlError(
      `A join criteria is expected to reference the source (\`${rightAlias}\`) in the FROM clause, instead the right source references \`${bAlias}\` and the left source references \`${aAlias}\``,
      on,
    );
  }
  if (aAlias === rightAlias && bAlias === rightAlias) {
    throw new SqlError(`Invalid join condition: ${qualifiedText(on, all)}. Each side of the '=' must refer to one side of the join only.`, on);
  }
  return bAlias === rightAlias ? { left: on.left, right: on.right, swapped: false } : { left: on.right, right: on.left, swapped: true };
}

/** ksqlDB joins only equal types; no implicit widening of the join key. */
export function checkJoinTypes(j: Join, sides: JoinSides, leftType: SqlType, rightType: SqlType, entries: readonly ScopeEntry[]): void {
  if (typesEqual(leftType, rightType)) return;
  const on = j.on as Extract<Expr, { kind: 'Comparison' }>;
  const [lt, rt] = sides.swapped ? [rightType, leftType] : [leftType, rightType];
  throw new SqlError(`Invalid join condition: types don't match. Got ${qualifiedText(on.left, entries)}{${formatType(lt)}} = ${qualifiedText(on.right, entries)}{${formatType(rt)}}.`, on);
}

/** The ON clause as ksqlDB prints it in its messages: `A.X = B.Y`, in the order written. */
export function criteriaText(j: Join, entries: readonly ScopeEntry[]): string {
  const on = j.on as Extract<Expr, { kind: 'Comparison' }>;
  return `${qualifiedText(on.left, entries)} = ${qualifiedText(on.right, entries)}`;
}
