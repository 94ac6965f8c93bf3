// The serde contract every key and value format implements.

import type { SqlType } from '../../parser/sql-type.js';
import type { Value } from '../../planner/values.js';
import type { RegistryContext } from './registry-serde.js';

export interface ColumnSchema {
  readonly name: string;
  readonly type: SqlType;
}

export interface Serde {
  serialize(values: readonly Value[] | null): Buffer | null;
  /** Throws DecodeError with the reason when the bytes do not fit the schema. */
  deserialize(bytes: Buffer | null): Value[] | null;
}

export interface SerdeOptions extends RegistryContext {
  readonly role: 'key' | 'value';
  readonly wrapSingleValue?: boolean;
  readonly delimiter?: string;
  /**
   * The positions (among these columns) of the ones a query reads, when the planner knows it
   * (SourceNode.reads): a format may leave the others null. Absent: every column.
   */
  readonly readColumns?: readonly number[];
}
