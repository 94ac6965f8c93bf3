// CREATE STREAM/TABLE, DROP, CREATE/DROP TYPE.

import type { CreateSource, CreateType, DropSource, DropType } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import type { FormatName } from '../../planner/catalog.js';
import { checkCreateProperties, planCreateSource, resolveType } from '../../planner/plan-ddl.js';
import { sourceUpgradeProblem } from '../../planner/upgrade-rules.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { PROCESSING_LOG_SOURCE } from '../processing-log.js';
import { createStaticTable, dropStaticTable } from '../static-table.js';
import { inferFromRegistry } from '../registry/source-schemas.js';
import { registerOrFail } from './persistent.js';

function lower(kind: 'STREAM' | 'TABLE'): string {
  return kind === 'STREAM' ? 'stream' : 'table';
}

export function createSource(engine: Engine, stmt: CreateSource, text: string): StatementResult {
  const { state } = engine;
  checkCreateProperties(stmt);
  const existing = state.catalog.get(stmt.name);
  if (existing) {
    if (stmt.ifNotExists) return { kind: 'message', statement: text, message: `${existing.kind === 'STREAM' ? 'Stream' : 'Table'} ${stmt.name} already exists.` };
    if (!stmt.orReplace || existing.kind !== stmt.sourceType)
      throw new SqlError(`Cannot add ${lower(stmt.sourceType)} '${stmt.name}': A ${lower(existing.kind)} with the same name already exists`, stmt);
    if (stmt.isSource || existing.readOnly) throw new SqlError(`Cannot add ${lower(stmt.sourceType)} '${stmt.name}': CREATE OR REPLACE is not supported on source ${lower(stmt.sourceType)}s.`, stmt);
  }
  const def = planCreateSource(stmt, text, state.catalog, {
    ...(state.properties.get('ksql.persistence.default.format.key') ? { keyFormat: state.properties.get('ksql.persistence.default.format.key')!.toUpperCase() as FormatName } : {}),
    ...(state.properties.get('ksql.persistence.default.format.value') ? { valueFormat: state.properties.get('ksql.persistence.default.format.value')!.toUpperCase() as FormatName } : {}),
    inferColumns: (req) => inferFromRegistry(state.registry, req),
  });
  engine.validateFormats(def, stmt);
  if (!state.replaying) registerOrFail(state.registry, def, false, text);
  const problem = existing && sourceUpgradeProblem(existing, def);
  if (problem) throw new SqlError(problem, stmt);
  if (def.topic) {
    const info = state.log.describeTopic(def.topic);
    if (info && stmt.properties.has('PARTITIONS') && info.partitions !== def.partitions) {
      throw new SqlError(`A Kafka topic with the name '${def.topic}' already exists, with different partition/replica configuration than required. KSQL expects ${def.partitions} partitions (topic has ${info.partitions}), 1 replication factor (topic has 1).`, stmt);
    }
    if (info && info.partitions !== def.partitions) Object.assign(def, { partitions: info.partitions });
    state.ensureTopic(def);
  } else {
    createStaticTable(state.db, def);
  }
  // Before the catalog changes: a connector that refuses its settings leaves the old state.
  if (def.connector?.SOURCE) engine.startConnector(def);
  if (existing) engine.stopMaterializer(existing.name);
  state.catalog.put(def);
  if (def.kind === 'TABLE' && def.topic) engine.startMaterializer(def);
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `${def.kind === 'STREAM' ? 'Stream' : 'Table'} created` };
}

export function dropSource(engine: Engine, stmt: DropSource, text: string): StatementResult {
  const { state } = engine;
  const def = state.catalog.get(stmt.name);
  if (!def) {
    if (stmt.ifExists) return { kind: 'message', statement: text, message: `Source ${stmt.name} does not exist.` };
    throw new SqlError(`Source ${stmt.name} does not exist.`, stmt);
  }
  if (def.kind !== stmt.sourceType) {
    throw new SqlError(`Incompatible data source type is ${def.kind}, but statement was DROP ${stmt.sourceType}`, stmt);
  }
  if (def.sql === PROCESSING_LOG_SOURCE.sql) throw new SqlError(`Cannot drop ${def.name}: it is the engine's processing log.`, stmt);
  if (stmt.deleteTopic && def.readOnly) throw new SqlError(`Cannot delete topic for read-only source: ${def.name}`, stmt);
  const readers = state.readersOf(def.name).filter((q) => q.sink !== def.name);
  if (readers.length) {
    const names = readers.map((q) => q.sink ?? q.id).join(', ');
    throw new SqlError(`Cannot drop ${def.name}.\nThe following streams and/or tables read from this source: [${names}].\nYou need to drop them before dropping ${def.name}.`, stmt);
  }
  for (const q of state.writersOf(def.name)) engine.terminate(q.id);
  engine.stopMaterializer(def.name);
  engine.stopConnector(def.name);
  state.catalog.remove(def.name);
  // On replay the storage already went (and a later CREATE of the same name may own it now).
  if (!state.replaying) {
    state.db.prepare('DELETE FROM materialized WHERE source = ?').run(def.name);
    if (!def.topic) dropStaticTable(state.db, def);
    if (stmt.deleteTopic && def.topic) {
      const topic = def.topic;
      // A Kafka topic does not come back if the DROP rolls back or the process dies before it
      // commits: it goes once the DROP committed. A crash in between leaves an orphan topic, which a
      // later CREATE of that topic reuses. (The embedded log's topics go in the DROP's transaction.)
      if (state.log.topicsOutsideDb) engine.afterCommit(() => state.log.deleteTopic(topic));
      else state.log.deleteTopic(topic);
    }
  }
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Source \`${def.name}\` (topic: ${def.topic ?? '-'}) was dropped.` };
}

export function createType(engine: Engine, stmt: CreateType, text: string): StatementResult {
  const { catalog } = engine.state;
  if (catalog.types.has(stmt.name)) {
    if (stmt.ifNotExists) return { kind: 'message', statement: text, message: `Type ${stmt.name} already exists.` };
    throw new SqlError(`Cannot register custom type '${stmt.name}' since it is already registered with type: ${stmt.name}`, stmt);
  }
  catalog.types.set(stmt.name, resolveType(stmt.type, catalog, stmt.loc));
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Registered custom type with name '${stmt.name}'` };
}

export function dropType(engine: Engine, stmt: DropType, text: string): StatementResult {
  const { catalog } = engine.state;
  if (!catalog.types.delete(stmt.name)) {
    if (stmt.ifExists) return { kind: 'message', statement: text, message: `Type ${stmt.name} does not exist.` };
    throw new SqlError(`Type ${stmt.name} does not exist.`, stmt);
  }
  engine.recordCommand(text);
  return { kind: 'message', statement: text, message: `Dropped type '${stmt.name}'` };
}
