// The planning door for data statements: INSERT … VALUES (any source), and Eddy's UPDATE and
// DELETE of static tables. Every error of meaning — unknown or read-only target, column names,
// counts, types that cannot be assigned, a static table's missing primary key — is raised here;
// the runtime (runtime/statements/dml.ts) only encodes, appends and writes what the plan says.

import type { Copy, Delete, Expr, InsertValues, Update } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { formatType, isNumeric, typesEqual, type SqlType } from '../parser/sql-type.js';
import type { Catalog, SourceDef } from './catalog.js';
import { compile, newErrorRoute } from './compile.js';
import { propString } from './plan-ddl.js';
import type { FunctionTable } from './functions/function-table.js';
import type { CompiledExpr } from './plan.js';
import type { Rec } from './record.js';
import { RelationScope } from './relation-scope.js';
import type { Value } from './values.js';

/** INSERT … VALUES: one row, evaluated and typed, for the target's topic or static table. */
export interface InsertValuesPlan {
  readonly kind: 'InsertValues';
  readonly target: SourceDef;
  /** The row in the target's column order, each value of its column's type (NULL where none was given). */
  readonly cols: readonly Value[];
  /** ROWTIME given by the statement; without it the record takes the time of the insert. */
  readonly rowtime?: number;
}

/** UPDATE of a static table: the rows WHERE picks get the assigned columns' new values. */
export interface UpdatePlan {
  readonly kind: 'Update';
  readonly target: SourceDef;
  readonly where?: CompiledExpr;
  /** Column index in the target's order → its new value, read from the row before the change. */
  readonly sets: readonly { readonly index: number; readonly value: CompiledExpr }[];
}

/** DELETE from a static table: the rows WHERE picks (all without WHERE) go, by primary key. */
export interface DeletePlan {
  readonly kind: 'Delete';
  readonly target: SourceDef;
  readonly where?: CompiledExpr;
  /** The target's primary-key column indexes, in column order. */
  readonly keyIndexes: readonly number[];
}

export type DmlPlan = InsertValuesPlan | UpdatePlan | DeletePlan;

const NO_REC: Rec = { cols: [], ts: 0, partition: 0, offset: 0 };

/**
 * What a value of type `from` may be stored into a column of type `to` as: the same type, any
 * number into any number, a string into a temporal (parsed), a container into one of its kind
 * (the CAST then checks the element types). Narrower than CAST (expr/cast.ts): a number does not
 * become a string.
 */
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

/** A row's primary-key columns that hold NULL (a table row needs its whole key). */
export function missingKeyColumns(def: SourceDef, row: readonly Value[]): string[] {
  return def.columns.filter((c, i) => c.role === 'key' && (row[i] ?? null) === null).map((c) => c.name);
}

export function missingKeyMessage(def: SourceDef, missing: readonly string[]): string {
  return `Failed to insert values into '${def.name}'. Value for primary key column(s) ${missing.join(', ')} is required for tables`;
}

export function planInsertValues(stmt: InsertValues, catalog: Catalog): InsertValuesPlan {
  const def = catalog.get(stmt.target);
  if (!def) {
    const near = catalog.list().find((d) => d.name.toUpperCase() === stmt.target.toUpperCase());
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
  const { functions } = catalog;
  const cols: Value[] = def.columns.map(() => null);
  let rowtime: number | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const expr = stmt.values[i]!;
    if (name === 'ROWTIME') {
      rowtime = Number(valueFor(expr, { kind: 'BIGINT' }, name, functions));
      continue;
    }
    const idx = def.columns.findIndex((c) => c.name === name);
    if (idx < 0) throw new SqlError(`Column name ${name} does not exist.`, expr);
    cols[idx] = valueFor(expr, def.columns[idx]!.type, name, functions);
  }
  if (!def.topic) {
    const missing = missingKeyColumns(def, cols);
    if (missing.length) throw new SqlError(missingKeyMessage(def, missing), stmt);
  }
  return { kind: 'InsertValues', target: def, cols, ...(rowtime !== undefined ? { rowtime } : {}) };
}

function staticTarget(catalog: Catalog, name: string, stmt: Update | Delete): SourceDef {
  const def = catalog.get(name);
  if (!def) throw new SqlError(`Table ${name} does not exist.`, stmt);
  if (def.topic)
    throw new SqlError(`${stmt.kind.toUpperCase()} works on static tables only; ${name} is backed by topic '${def.topic}'. Produce a new row (or a tombstone) to the topic instead.`, stmt);
  return def;
}

function rowScope(def: SourceDef, functions: FunctionTable): RelationScope {
  return new RelationScope([{ alias: def.name, sourceName: def.name, columns: def.columns, offset: 0, windowed: false }], functions, { pseudoColumns: false });
}

export function planUpdate(stmt: Update, catalog: Catalog): UpdatePlan {
  const def = staticTarget(catalog, stmt.target, stmt);
  const scope = rowScope(def, catalog.functions);
  const errors = newErrorRoute();
  const where = stmt.where ? compile(stmt.where, scope, errors) : undefined;
  const sets = stmt.assignments.map((a) => {
    const index = def.columns.findIndex((c) => c.name === a.column);
    if (index < 0) throw new SqlError(`Column ${a.column} does not exist in ${def.name}.`, a.value);
    if (def.columns[index]!.role === 'key') throw new SqlError(`Cannot UPDATE primary key column ${a.column}.`, a.value);
    const value = compile(a.value, scope, errors);
    if (!assignable(value.type, def.columns[index]!.type)) throw new SqlError(`Expected type ${formatType(def.columns[index]!.type)} for ${a.column} but got ${formatType(value.type)}`, a.value);
    return { index, value };
  });
  return { kind: 'Update', target: def, ...(where ? { where } : {}), sets };
}

export function planDelete(stmt: Delete, catalog: Catalog): DeletePlan {
  const def = staticTarget(catalog, stmt.target, stmt);
  const where = stmt.where ? compile(stmt.where, rowScope(def, catalog.functions), newErrorRoute()) : undefined;
  const keyIndexes = def.columns.map((c, i) => (c.role === 'key' ? i : -1)).filter((i) => i >= 0);
  return { kind: 'Delete', target: def, ...(where ? { where } : {}), keyIndexes };
}

/** COPY's target: a source that exists (the file is the runtime's to open). */
export function planCopyTarget(stmt: Copy, catalog: Catalog): SourceDef {
  const def = catalog.get(stmt.target);
  if (!def) throw new SqlError(`${stmt.target} does not exist.`, stmt);
  return def;
}

/** COPY <target> FROM 'file' WITH (FORMAT, HEADER, DELIMITER): the target and how the file's lines read. */
export interface CopyPlan {
  readonly kind: 'Copy';
  readonly statement: Copy;
  readonly target: SourceDef;
  readonly path: string;
  /** CSV (read as DELIMITED), else JSON: FORMAT=…, or the file's extension. */
  readonly format: string;
  /** The first line names the columns and is not loaded (CSV's default). */
  readonly header: boolean;
  readonly delimiter?: string;
}

export function planCopy(stmt: Copy, catalog: Catalog): CopyPlan {
  const target = planCopyTarget(stmt, catalog);
  const format = (propString(stmt.properties, 'FORMAT') ?? (/\.csv$/i.test(stmt.path) ? 'CSV' : 'JSON')).toUpperCase();
  const header = String(propString(stmt.properties, 'HEADER') ?? (format === 'CSV' ? 'true' : 'false')).toLowerCase() === 'true';
  const delimiter = propString(stmt.properties, 'DELIMITER');
  return { kind: 'Copy', statement: stmt, target, path: stmt.path, format, header, ...(delimiter ? { delimiter } : {}) };
}
