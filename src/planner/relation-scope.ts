// Name resolution over a FROM clause: one or more aliased sources whose columns sit side by
// side in Rec.cols, plus ksqlDB's pseudo-columns read from record metadata.

import type { ColumnRef } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { T, type SqlType } from '../parser/sql-type.js';
import type { ColumnDef } from './catalog.js';
import type { FunctionTable } from './functions/function-table.js';
import type { Rec, SourceMeta } from './record.js';
import type { Binding, Scope } from './scope.js';

export interface ScopeEntry {
  readonly alias: string;
  readonly sourceName: string;
  readonly columns: readonly ColumnDef[];
  /** Position of this entry's first column in Rec.cols. */
  readonly offset: number;
  readonly windowed: boolean;
}

export const PSEUDO_COLUMNS = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'] as const;

export function pseudoBinding(name: string, windowed: boolean): Binding | undefined {
  switch (name) {
    case 'ROWTIME':
      return { type: T.BIGINT, read: (r: Rec) => r.ts };
    case 'ROWPARTITION':
      return { type: T.INTEGER, read: (r: Rec) => r.partition };
    case 'ROWOFFSET':
      return { type: T.BIGINT, read: (r: Rec) => r.offset };
    case 'WINDOWSTART':
      return windowed ? { type: T.BIGINT, read: (r: Rec) => r.window?.start ?? null } : undefined;
    case 'WINDOWEND':
      return windowed ? { type: T.BIGINT, read: (r: Rec) => r.window?.end ?? null } : undefined;
    default:
      return undefined;
  }
}

/** A pseudo-column of one joined source, read from the metadata the join carries. */
function sourcePseudoBinding(name: string, at: number, windowed: boolean): Binding | undefined {
  const plain = pseudoBinding(name, windowed);
  if (!plain) return undefined;
  const pick = (m: SourceMeta): number | null => {
    switch (name) {
      case 'ROWTIME':
        return m.ts;
      case 'ROWPARTITION':
        return m.partition ?? null;
      case 'ROWOFFSET':
        return m.offset ?? null;
      case 'WINDOWSTART':
        return m.window?.start ?? null;
      default:
        return m.window?.end ?? null;
    }
  };
  return { type: plain.type, read: (r: Rec) => (r.sources ? (r.sources[at] ? pick(r.sources[at]) : null) : plain.read(r)) };
}

function columnBinding(index: number, type: SqlType): Binding {
  return { type, index, read: (r: Rec) => r.cols[index] ?? null };
}

export class RelationScope implements Scope {
  readonly allowAggregates: boolean;

  constructor(
    readonly entries: readonly ScopeEntry[],
    readonly functions: FunctionTable,
    opts: { allowAggregates?: boolean; pseudoColumns?: boolean; extra?: ReadonlyMap<string, Binding> } = {},
  ) {
    this.allowAggregates = opts.allowAggregates ?? false;
    this.pseudo = opts.pseudoColumns ?? true;
    this.extra = opts.extra ?? new Map();
  }

  /** Names beyond the sources' columns, e.g. a join's synthetic key ROWKEY. */
  private readonly extra: ReadonlyMap<string, Binding>;

  private readonly pseudo: boolean;

  resolveColumn(ref: ColumnRef): Binding {
    if (ref.source !== undefined) {
      const entry = this.entries.find((e) => e.alias === ref.source) ?? this.entries.find((e) => e.sourceName === ref.source);
      if (!entry) throw new SqlError(`Source '${ref.source}' is not in the FROM clause.`, ref);
      const i = entry.columns.findIndex((c) => c.name === ref.name);
      if (i >= 0) return columnBinding(entry.offset + i, entry.columns[i]!.type);
      // In a join, `s.ROWTIME` (and the like) read that source's record, not the joined record.
      const own = this.entries.length > 1 ? sourcePseudoBinding(ref.name, this.entries.indexOf(entry), entry.windowed) : undefined;
      const p = this.pseudo ? (own ?? pseudoBinding(ref.name, entry.windowed)) : undefined;
      if (p) return p;
      throw new SqlError(`Column '${ref.source}.${ref.name}' cannot be resolved.`, ref);
    }
    const hits: { entry: ScopeEntry; i: number }[] = [];
    for (const entry of this.entries) {
      const i = entry.columns.findIndex((c) => c.name === ref.name);
      if (i >= 0) hits.push({ entry, i });
    }
    if (hits.length === 1) {
      const { entry, i } = hits[0]!;
      return columnBinding(entry.offset + i, entry.columns[i]!.type);
    }
    if (hits.length > 1) {
      const options = hits.map((h) => `${h.entry.alias}.${ref.name}`).join(', ');
      throw new SqlError(`Column '${ref.name}' is ambiguous. Could be any of: ${options}`, ref);
    }
    const x = this.extra.get(ref.name);
    if (x) return x;
    const p = this.pseudo
      ? pseudoBinding(
          ref.name,
          this.entries.some((e) => e.windowed),
        )
      : undefined;
    if (p) return p;
    throw new SqlError(`Column '${ref.name}' cannot be resolved.`, ref);
  }
}
