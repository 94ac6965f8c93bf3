// The record that flows between operators inside one micro-batch. Columns are positional (the
// planner binds names to indices once); metadata that ksqlDB exposes as pseudo-columns
// (ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND) rides beside them.

import type { Value } from './values.js';

export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

export interface Header {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** A joined source's record metadata: what its pseudo-columns read. */
export interface SourceMeta {
  readonly ts: number;
  readonly partition?: number;
  readonly offset?: number;
  readonly window?: WindowBounds;
}

export interface Rec {
  /** Column values in the bound schema's order (key columns first, then value columns). */
  cols: Value[];
  /** Event time, ms (ROWTIME). */
  ts: number;
  partition: number;
  offset: number;
  window?: WindowBounds;
  headers?: readonly Header[];
  /** The record came without a key at all (its key columns read as null, but no key is written). */
  keyAbsent?: boolean;
  /** A table change that deletes its key (value columns are null). */
  tombstone?: boolean;
  /** For joined records: each source's own metadata, in FROM order (null for a missing side). */
  sources?: readonly (SourceMeta | null)[];
  /** For table changes: the row this change replaces (undefined when unknown, null when new). */
  prev?: Value[] | null;
}
