// Which columns of its sources a persistent query reads, so that a source decodes only those
// (SourceNode.reads; the JSON decoder builds no value for the others: serde/json-projection.ts).
// A Nexmark bid carries a URL and ~100 bytes of padding that most queries never look at, and
// building them was most of a query's decoding.
//
// The rule errs on the side of reading: a column counts as read when any column reference of the
// statement has its name (whatever the qualifier, case-insensitively), and `*` anywhere reads
// everything. Only stream sources are narrowed, and only where their records are not kept whole:
// a table's rows are its state (and its changes' previous rows), and a stream-stream join (the one
// join with WITHIN) keeps each side's records in its window state, which outlives the plan that
// wrote it. Key and header columns are decoded apart and always; the TIMESTAMP column always
// (record-codec.ts).

import type { Query } from '../parser/ast.js';
import type { SourceDef } from './catalog.js';

/** The column names a query's statement mentions, or everything. */
export interface ColumnUse {
  readonly all: boolean;
  readonly names: ReadonlySet<string>;
}

export function columnUse(q: Query): ColumnUse {
  const names = new Set<string>();
  let all = false;
  // Every node of the statement's tree: new kinds of expression need no change here.
  const visit = (x: unknown): void => {
    if (all || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'AllColumns' || o.kind === 'StructAll') all = true;
    else if (o.kind === 'ColumnRef' && typeof o.name === 'string') names.add(o.name.toUpperCase());
    else if (o.kind === 'Join' && o.within !== undefined) all = true;
    for (const k of Object.keys(o)) if (k !== 'loc') visit(o[k]);
  };
  visit(q);
  return { all, names };
}

/**
 * The columns of `source` (named `alias` in the query) the query reads, or undefined for all of
 * them (see above). A joined column also goes by `alias_name`.
 */
export function sourceReads(source: SourceDef, alias: string, use: ColumnUse | undefined): readonly number[] | undefined {
  if (!use || use.all || source.kind !== 'STREAM') return undefined;
  const reads: number[] = [];
  const prefix = `${alias}_`.toUpperCase();
  source.columns.forEach((c, i) => {
    const name = c.name.toUpperCase();
    if (c.role !== 'value' || use.names.has(name) || use.names.has(prefix + name) || c.name === source.timestampColumn) reads.push(i);
  });
  return reads.length === source.columns.length ? undefined : reads;
}
