// CREATE STREAM/TABLE, DROP STREAM/TABLE, CREATE/DROP TYPE: every refusal of meaning — names
// taken or missing, CREATE OR REPLACE of what cannot be replaced, a source still read by a query,
// a topic whose partitions disagree — decided before anything changes. The runtime
// (runtime/statements/ddl.ts) then only does what the plan says.

import type { CreateSource, CreateType, DropSource, DropType } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import type { FormatName, SourceDef } from './catalog.js';
import { checkFormats } from './format-rules.js';
import { checkCreateProperties, planCreateSource, resolveType } from './plan-ddl.js';
import { isProcessingLog } from './processing-log-source.js';
import { nothing, type NothingToDo, type StatementContext } from './statement-context.js';
import { sourceUpgradeProblem } from './upgrade-rules.js';

export interface CreateSourcePlan {
  readonly kind: 'CreateSource';
  /** The new definition; a topic that exists already gives it its partition count. */
  readonly def: SourceDef;
  /** CREATE OR REPLACE: the definition it replaces. */
  readonly replaces?: SourceDef;
}

export interface DropSourcePlan {
  readonly kind: 'DropSource';
  readonly def: SourceDef;
  /** DELETE TOPIC: the source's topic goes too. */
  readonly deleteTopic: boolean;
}

export interface CreateTypePlan {
  readonly kind: 'CreateType';
  readonly name: string;
  readonly type: SqlType;
}

export interface DropTypePlan {
  readonly kind: 'DropType';
  readonly name: string;
}

function lower(kind: 'STREAM' | 'TABLE'): string {
  return kind === 'STREAM' ? 'stream' : 'table';
}

export function planCreateSourceStatement(stmt: CreateSource, text: string, ctx: StatementContext): CreateSourcePlan | NothingToDo {
  // Properties are read by type before anything that exists is looked at (IF NOT EXISTS included), as ksqlDB does.
  checkCreateProperties(stmt);
  const existing = ctx.catalog.get(stmt.name);
  if (existing) {
    if (stmt.ifNotExists) return nothing(`${existing.kind === 'STREAM' ? 'Stream' : 'Table'} ${stmt.name} already exists.`);
    if (!stmt.orReplace || existing.kind !== stmt.sourceType)
      throw new SqlError(`Cannot add ${lower(stmt.sourceType)} '${stmt.name}': A ${lower(existing.kind)} with the same name already exists`, stmt);
    if (stmt.isSource || existing.readOnly) throw new SqlError(`Cannot add ${lower(stmt.sourceType)} '${stmt.name}': CREATE OR REPLACE is not supported on source ${lower(stmt.sourceType)}s.`, stmt);
  }
  const keyFormat = ctx.properties.get('ksql.persistence.default.format.key');
  const valueFormat = ctx.properties.get('ksql.persistence.default.format.value');
  const def = planCreateSource(stmt, text, ctx.catalog, {
    ...(keyFormat ? { keyFormat: keyFormat.toUpperCase() as FormatName } : {}),
    ...(valueFormat ? { valueFormat: valueFormat.toUpperCase() as FormatName } : {}),
    ...(ctx.schemaColumns ? { inferColumns: ctx.schemaColumns } : {}),
  });
  checkFormats(def, stmt);
  const problem = existing && sourceUpgradeProblem(existing, def);
  if (problem) throw new SqlError(problem, stmt);
  const info = def.topic ? ctx.topic(def.topic) : undefined;
  if (info && stmt.properties.has('PARTITIONS') && info.partitions !== def.partitions) {
    throw new SqlError(
      `A Kafka topic with the name '${def.topic}' already exists, with different partition/replica configuration than required. KSQL expects ${def.partitions} partitions (topic has ${info.partitions}), 1 replication factor (topic has 1).`,
      stmt,
    );
  }
  const placed = info && info.partitions !== def.partitions ? { ...def, partitions: info.partitions } : def;
  return { kind: 'CreateSource', def: placed, ...(existing ? { replaces: existing } : {}) };
}

export function planDropSource(stmt: DropSource, ctx: StatementContext): DropSourcePlan | NothingToDo {
  const def = ctx.catalog.get(stmt.name);
  if (!def) {
    if (stmt.ifExists) return nothing(`Source ${stmt.name} does not exist.`);
    throw new SqlError(`Source ${stmt.name} does not exist.`, stmt);
  }
  if (def.kind !== stmt.sourceType) {
    throw new SqlError(`Incompatible data source type is ${def.kind}, but statement was DROP ${stmt.sourceType}`, stmt);
  }
  if (isProcessingLog(def)) throw new SqlError(`Cannot drop ${def.name}: it is the engine's processing log.`, stmt);
  if (stmt.deleteTopic && def.readOnly) throw new SqlError(`Cannot delete topic for read-only source: ${def.name}`, stmt);
  const readers = [...ctx.queries.values()].filter((q) => !q.internal && q.sources.includes(def.name) && q.sink !== def.name);
  if (readers.length) {
    const names = readers.map((q) => q.sink ?? q.id).join(', ');
    throw new SqlError(`Cannot drop ${def.name}.\nThe following streams and/or tables read from this source: [${names}].\nYou need to drop them before dropping ${def.name}.`, stmt);
  }
  return { kind: 'DropSource', def, deleteTopic: stmt.deleteTopic };
}

export function planCreateType(stmt: CreateType, ctx: StatementContext): CreateTypePlan | NothingToDo {
  if (ctx.catalog.types.has(stmt.name)) {
    if (stmt.ifNotExists) return nothing(`Type ${stmt.name} already exists.`);
    throw new SqlError(`Cannot register custom type '${stmt.name}' since it is already registered with type: ${stmt.name}`, stmt);
  }
  return { kind: 'CreateType', name: stmt.name, type: resolveType(stmt.type, ctx.catalog, stmt.loc) };
}

export function planDropType(stmt: DropType, ctx: StatementContext): DropTypePlan | NothingToDo {
  if (!ctx.catalog.types.has(stmt.name)) {
    if (stmt.ifExists) return nothing(`Type ${stmt.name} does not exist.`);
    throw new SqlError(`Type ${stmt.name} does not exist.`, stmt);
  }
  return { kind: 'DropType', name: stmt.name };
}
