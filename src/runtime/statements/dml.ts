// INSERT … VALUES (any source), and Eddy's UPDATE and DELETE for static tables (COPY is in copy.ts).

import type { Delete, Expr, InsertValues, Update } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { formatType, isNumeric, typesEqual, type SqlType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import { compile } from '../../planner/compile.js';
import type { FunctionTable } from '../../planner/functions/function-table.js';
import { RelationScope } from '../../planner/relation-scope.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import type { Engine } from '../engine-context.js';
import { recordCodec } from '../record-codec.js';
import type { StatementResult } from '../results.js';
import { deleteStaticRows, missingKeyColumns, missingKeyMessage, readStaticRows, upsertStaticRows } from '../static-table.js';
import { newErrorRoute } from './persistent.js';

const NO_REC: Rec = { cols: [], ts: 0, partition: 0, offset: 0 };

function assignable(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (from.kind === 'STRING' && (to.kind === 'TIMESTAMP' || to.kind === 'DATE' || to.kind === 'TIME')) return true;
  if (from.kind === to.kind && (from.kind === 'ARRAY' || from.kind === 'MAP' || from.kind === 'STRUCT')) return true;
  return false;
}

/** Evaluate a literal-only expression (it may call the engine's functions) and coerce it to the column's type. */
function valueFor(expr: Expr, type: SqlType, column: string, functions: FunctionTable): Value {
  const errors = newErrorRoute();
  const empty = new RelationScope([], functions, { pseudoColumns: false });
  const c = compile(expr, empty, errors);
  if (expr.kind === 'NullLiteral') return null;
  if (!assignable(c.type, type)) throw new SqlError(`Expected type ${formatType(type)} for field ${column} but got ${formatType(c.type)}`, expr);
  if (typesEqual(c.type, type)) return c.eval(NO_REC);
  return compile({ kind: 'Cast', operand: expr, type, loc: expr.loc }, empty, errors).eval(NO_REC);
}

export function insertValues(engine: Engine, stmt: InsertValues, text: string): StatementResult {
  const { state } = engine;
  const def = state.catalog.get(stmt.target);
  if (!def) {
    const near = state.catalog.list().find((d) => d.name.toUpperCase() === stmt.target.toUpperCase());
    const hint = near ? `\nDid you mean "${near.name}"? Hint: wrap the source name in double quotes to make it case-sensitive.` : '';
    throw new SqlError(`Cannot insert values into an unknown stream/table: \`${stmt.target}\`${hint}`, stmt);
  }
  if (def.readOnly) throw new SqlError(`Cannot insert values into read-only ${def.kind === 'STREAM' ? 'stream' : 'table'}: ${def.name}`, stmt);
  const headers = def.columns.filter((c) => c.role === 'header').map((c) => c.name);
  const names = stmt.columns ?? def.columns.filter((c) => c.role !== 'header').map((c) => c.name);
  const pseudo = names.find((n) => n === 'ROWPARTITION' || n === 'ROWOFFSET');
  if (pseudo) throw new SqlError(`Inserting into column \`${pseudo}\` is not allowed.`, stmt);
  // Header columns come from record headers, so a value for one is refused by name.
  const headerTargets = stmt.columns ? names.filter((n) => headers.includes(n)) : stmt.values.length === def.columns.length ? headers : [];
  if (headerTargets.length) throw new SqlError(`Cannot insert into HEADER columns: ${headerTargets.join(', ')}`, stmt);
  if (names.length !== stmt.values.length) {
    throw new SqlError(`Failed to prepare statement: Expected number columns and values to match: ${names.length}, ${stmt.values.length}`, stmt);
  }
  const cols: Value[] = def.columns.map(() => null);
  let ts = Date.now();
  names.forEach((name, i) => {
    const expr = stmt.values[i]!;
    if (name === 'ROWTIME') {
      ts = Number(valueFor(expr, { kind: 'BIGINT' }, name, state.catalog.functions));
      return;
    }
    const idx = def.columns.findIndex((c) => c.name === name);
    if (idx < 0) throw new SqlError(`Column name ${name} does not exist.`, expr);
    cols[idx] = valueFor(expr, def.columns[idx]!.type, name, state.catalog.functions);
  });
  if (!def.topic) {
    const missing = missingKeyColumns(def, cols);
    if (missing.length) throw new SqlError(missingKeyMessage(def, missing), stmt);
    upsertStaticRows(state.db, def, [cols]);
    return { kind: 'message', statement: text, message: 'Inserted 1 row.' };
  }
  appendRows(engine, def, [{ cols, ts }]);
  return { kind: 'message', statement: text, message: 'Inserted 1 row.' };
}

export function appendRows(engine: Engine, def: SourceDef, rows: readonly { cols: Value[]; ts: number }[]): void {
  const codec = recordCodec(def, engine.state.registry);
  const records = rows.map((r) => codec.encode({ cols: r.cols, ts: r.ts, partition: 0, offset: 0 }));
  engine.state.db.transaction(() => engine.state.log.append(def.topic!, records))();
  engine.wake();
}

function staticTarget(engine: Engine, name: string, stmt: Update | Delete): SourceDef {
  const def = engine.state.catalog.get(name);
  if (!def) throw new SqlError(`Table ${name} does not exist.`, stmt);
  if (def.topic) throw new SqlError(`${stmt.kind.toUpperCase()} works on static tables only; ${name} is backed by topic '${def.topic}'. Produce a new row (or a tombstone) to the topic instead.`, stmt);
  return def;
}

function rowScope(def: SourceDef, functions: FunctionTable): RelationScope {
  return new RelationScope([{ alias: def.name, sourceName: def.name, columns: def.columns, offset: 0, windowed: false }], functions, { pseudoColumns: false });
}

export function update(engine: Engine, stmt: Update, text: string): StatementResult {
  const def = staticTarget(engine, stmt.target, stmt);
  const scope = rowScope(def, engine.state.catalog.functions);
  const errors = newErrorRoute();
  const where = stmt.where ? compile(stmt.where, scope, errors) : undefined;
  const sets = stmt.assignments.map((a) => {
    const idx = def.columns.findIndex((c) => c.name === a.column);
    if (idx < 0) throw new SqlError(`Column ${a.column} does not exist in ${def.name}.`, a.value);
    if (def.columns[idx]!.role === 'key') throw new SqlError(`Cannot UPDATE primary key column ${a.column}.`, a.value);
    const e = compile(a.value, scope, errors);
    if (!assignable(e.type, def.columns[idx]!.type)) throw new SqlError(`Expected type ${formatType(def.columns[idx]!.type)} for ${a.column} but got ${formatType(e.type)}`, a.value);
    return { idx, e };
  });
  const changed: Value[][] = [];
  for (const cols of readStaticRows(engine.state.db, def)) {
    const rec: Rec = { cols, ts: 0, partition: 0, offset: 0 };
    if (where && where.eval(rec) !== true) continue;
    const next = [...cols];
    for (const s of sets) next[s.idx] = s.e.eval(rec);
    changed.push(next);
  }
  upsertStaticRows(engine.state.db, def, changed);
  return { kind: 'message', statement: text, message: `Updated ${changed.length} row${changed.length === 1 ? '' : 's'}.` };
}

export function deleteRows(engine: Engine, stmt: Delete, text: string): StatementResult {
  const def = staticTarget(engine, stmt.target, stmt);
  const where = stmt.where ? compile(stmt.where, rowScope(def, engine.state.catalog.functions), newErrorRoute()) : undefined;
  const keyIdx = def.columns.map((c, i) => (c.role === 'key' ? i : -1)).filter((i) => i >= 0);
  const keys: Value[][] = [];
  for (const cols of readStaticRows(engine.state.db, def)) {
    if (where && where.eval({ cols, ts: 0, partition: 0, offset: 0 }) !== true) continue;
    keys.push(keyIdx.map((i) => cols[i]!));
  }
  deleteStaticRows(engine.state.db, def, keys);
  return { kind: 'message', statement: text, message: `Deleted ${keys.length} row${keys.length === 1 ? '' : 's'}.` };
}
