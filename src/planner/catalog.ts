// The catalog: what streams, tables, types and queries exist. It is rebuilt at start-up by
// replaying the DDL command log (as ksqlDB replays its command topic), so it holds no state of
// its own that could drift from the statements that made it. It also holds the engine's function
// table: its user functions are this engine's alone (CREATE FUNCTION replays from the log too).

import type { SqlType } from '../parser/sql-type.js';
import { FunctionTable } from './functions/function-table.js';

export type ColumnRole = 'key' | 'value' | 'header';

export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType;
  readonly role: ColumnRole;
  /** For role 'header': one header's bytes (key) or all headers (undefined). */
  readonly headerKey?: string;
}

export type FormatName = 'JSON' | 'DELIMITED' | 'KAFKA' | 'NONE' | 'AVRO' | 'PROTOBUF' | 'PROTOBUF_NOSR' | 'JSON_SR';

export type WindowKind = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface SourceDef {
  readonly name: string;
  readonly kind: 'STREAM' | 'TABLE';
  /** Key columns first, then value columns, then header columns (declaration order within each). */
  readonly columns: readonly ColumnDef[];
  /** Undefined for a static table (Eddy: a plain SQLite table kept by INSERT/UPDATE/DELETE/COPY). */
  readonly topic?: string;
  readonly partitions: number;
  readonly keyFormat: FormatName;
  readonly valueFormat: FormatName;
  readonly wrapSingleValue?: boolean;
  /** KEY_SCHEMA_ID / VALUE_SCHEMA_ID: write with this registered schema (registry formats). */
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
  /** KEY_SCHEMA_FULL_NAME / VALUE_SCHEMA_FULL_NAME: the name of the generated schema. */
  readonly keySchemaFullName?: string;
  readonly valueSchemaFullName?: string;
  /** KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER': generated Protobuf schemas wrap primitives (google.protobuf.*Value) so NULL survives. */
  readonly keyProtobufWrappers?: boolean;
  readonly valueProtobufWrappers?: boolean;
  readonly valueDelimiter?: string;
  readonly keyDelimiter?: string;
  /** Event time comes from this column instead of the record timestamp. */
  readonly timestampColumn?: string;
  readonly timestampFormat?: string;
  /** Set when the key is windowed (the output of a windowed aggregation). */
  readonly windowed?: { readonly kind: WindowKind; readonly sizeMs?: number };
  /** CREATE SOURCE STREAM|TABLE: read-only. */
  readonly readOnly: boolean;
  /** The query that writes this source (CSAS/CTAS), if any. */
  readonly writtenBy?: string;
  /** WITH (sink='discard'): the query's output is counted and dropped, not written (benchmarks, dry runs). */
  readonly discard?: boolean;
  /** WITH (sink='file'|'postgres'|'sqlite'|'webhook', …): the output goes to this target instead of the topic. */
  readonly sink?: ExternalSinkDef;
  readonly sql: string;
  /** Extra connector settings (source='datagen' | 'file' | 'socket', …) as given in WITH. */
  readonly connector?: Readonly<Record<string, string | number | boolean>>;
}

export type FileSinkFormat = 'JSON' | 'CSV' | 'PARQUET';

/**
 * Where a persistent query's rows go outside Eddy (planner/sink-settings.ts reads it from WITH).
 * No secret is ever held here: it is in the command log. A password comes from an environment
 * variable named by `passwordEnv` (or the driver's own, PGPASSWORD), read when the sink opens.
 */
export type ExternalSinkDef =
  | { readonly kind: 'file'; readonly path: string; readonly format: FileSinkFormat; readonly partitionBy?: string }
  | { readonly kind: 'postgres'; readonly table: string; readonly host?: string; readonly port?: number; readonly database?: string; readonly user?: string; readonly passwordEnv?: string }
  | { readonly kind: 'sqlite'; readonly path: string; readonly table: string }
  | { readonly kind: 'webhook'; readonly url: string; readonly retries: number };

export function keyColumns(s: SourceDef): ColumnDef[] {
  return s.columns.filter((c) => c.role === 'key');
}

export function valueColumns(s: SourceDef): ColumnDef[] {
  return s.columns.filter((c) => c.role === 'value');
}

export interface QueryInfo {
  readonly id: string;
  readonly sql: string;
  readonly sink?: string;
  readonly sources: readonly string[];
}

/** Names are case-sensitive after normalisation (unquoted identifiers arrive upper-cased). */
export class Catalog {
  private readonly sources = new Map<string, SourceDef>();
  readonly types = new Map<string, SqlType>();
  /** Built-ins and this engine's user functions; every function lookup of the planner goes through it. */
  readonly functions = new FunctionTable();

  get(name: string): SourceDef | undefined {
    return this.sources.get(name);
  }

  has(name: string): boolean {
    return this.sources.has(name);
  }

  put(def: SourceDef): void {
    this.sources.set(def.name, def);
  }

  remove(name: string): void {
    this.sources.delete(name);
  }

  list(kind?: 'STREAM' | 'TABLE'): SourceDef[] {
    return [...this.sources.values()].filter((s) => !kind || s.kind === kind);
  }
}
