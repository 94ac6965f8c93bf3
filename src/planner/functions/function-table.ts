// The functions one engine's SQL can call, by upper-case name: the built-ins (one immutable set,
// shared by every engine in the process) and that engine's own user functions (registerFunction,
// registerAggregate, CREATE FUNCTION). Each engine owns one table (its Catalog holds it), so two
// engines in a process never see each other's functions and may each define their own F.

import { aggregateFunctions } from './aggregate/index.js';
import { scalarFunctions } from './scalar/index.js';
import { tableFunctions } from './table/index.js';
import type { AggregateFunction, ScalarFunction, TableFunction } from './types.js';
import { ksqlCategory } from './ksql-categories.js';
import { signatureOf, userAggregateFunction, userScalarFunction, type UserAggregateDef, type UserOrigin, type UserScalarDef } from './user-functions.js';
import { stateSignatureOf, userStateFunction, type StateFunction, type UserStateDef } from './user-state-functions.js';
import { tableSignatureOf, userTableFunction, type UserTableDef } from './user-table-functions.js';

/** One user function of a table, whatever its kind (for DROP and DESCRIBE). */
export type UserFunctionEntry =
  | { readonly type: 'SCALAR'; readonly def: UserScalarDef; readonly origin: UserOrigin; readonly signature: string }
  | { readonly type: 'AGGREGATE'; readonly def: UserAggregateDef; readonly origin: UserOrigin; readonly signature: string }
  | { readonly type: 'TABLE'; readonly def: UserTableDef; readonly origin: UserOrigin; readonly signature: string }
  | { readonly type: 'STATE'; readonly def: UserStateDef; readonly origin: UserOrigin; readonly signature: string };

const builtInScalars: ReadonlyMap<string, ScalarFunction> = new Map(scalarFunctions.map((f) => [f.name, f]));
const builtInAggregates: ReadonlyMap<string, AggregateFunction> = new Map(aggregateFunctions.map((f) => [f.name, f]));
const builtInTables: ReadonlyMap<string, TableFunction> = new Map(tableFunctions.map((f) => [f.name, f]));

/** A built-in function has this name (a user function may not take it). */
export function isBuiltIn(name: string): boolean {
  const n = name.toUpperCase();
  return builtInScalars.has(n) || builtInAggregates.has(n) || builtInTables.has(n);
}

export interface FunctionInfo {
  readonly name: string;
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE' | 'STATE';
  readonly category?: string;
  readonly description: string;
  readonly signatures: readonly string[];
}

/** Every built-in function, by name (what any engine's table lists before its user functions). */
export function listBuiltIns(): FunctionInfo[] {
  return [
    ...[...builtInScalars.values()].map((f) => ({ name: f.name, type: 'SCALAR' as const, category: ksqlCategory(f.name, f.category), description: f.description, signatures: f.signatures })),
    ...[...builtInAggregates.values()].map((f) => ({ name: f.name, type: 'AGGREGATE' as const, category: 'AGGREGATE', description: f.description, signatures: f.signatures })),
    ...[...builtInTables.values()].map((f) => ({ name: f.name, type: 'TABLE' as const, category: 'TABLE', description: f.description, signatures: f.signatures })),
  ].sort(byName);
}

/** By name as Java's String.compareTo orders them (ksqlDB's listing): by UTF-16 unit, '_' after letters. */
function byName(a: FunctionInfo, b: FunctionInfo): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export class FunctionTable {
  // Each definition is turned into its ScalarFunction / AggregateFunction once, at registration.
  private readonly scalars = new Map<string, { readonly def: UserScalarDef; readonly fn: ScalarFunction }>();
  private readonly aggregates = new Map<string, { readonly def: UserAggregateDef; readonly fn: AggregateFunction }>();
  private readonly tables = new Map<string, { readonly def: UserTableDef; readonly fn: TableFunction }>();
  private readonly states = new Map<string, { readonly def: UserStateDef; readonly fn: StateFunction }>();
  /** Bumped whenever a user function is added, replaced or removed: plans compiled before may call another body. */
  changes = 0;

  lookupScalar(name: string): ScalarFunction | undefined {
    const n = name.toUpperCase();
    return builtInScalars.get(n) ?? this.scalars.get(n)?.fn;
  }

  lookupAggregate(name: string): AggregateFunction | undefined {
    const n = name.toUpperCase();
    return builtInAggregates.get(n) ?? this.aggregates.get(n)?.fn;
  }

  lookupTableFunction(name: string): TableFunction | undefined {
    const n = name.toUpperCase();
    return builtInTables.get(n) ?? this.tables.get(n)?.fn;
  }

  /** A per-key state function (there are no built-in ones). */
  lookupStateFunction(name: string): StateFunction | undefined {
    return this.states.get(name.toUpperCase())?.fn;
  }

  isBuiltIn(name: string): boolean {
    return isBuiltIn(name);
  }

  /** A user function (scalar, aggregate or table) of this table has this name. */
  isUserFunction(name: string): boolean {
    return this.userFunction(name) !== undefined;
  }

  /** The definition of a user function, for DROP and DESCRIBE (its kind, where it came from, its body). */
  userFunction(name: string): UserFunctionEntry | undefined {
    const n = name.toUpperCase();
    const s = this.scalars.get(n)?.def;
    if (s) return { type: 'SCALAR', def: s, origin: s.origin, signature: signatureOf(s) };
    const a = this.aggregates.get(n)?.def;
    if (a) return { type: 'AGGREGATE', def: a, origin: a.origin ?? 'library', signature: signatureOf(a) };
    const t = this.tables.get(n)?.def;
    if (t) return { type: 'TABLE', def: t, origin: t.origin, signature: tableSignatureOf(t) };
    const st = this.states.get(n)?.def;
    if (st) return { type: 'STATE', def: st, origin: st.origin, signature: stateSignatureOf(st) };
    return undefined;
  }

  /** Adds or replaces a user scalar function; the caller has checked the name (not a built-in). */
  registerScalar(def: UserScalarDef): void {
    this.unregister(def.name);
    this.scalars.set(def.name.toUpperCase(), { def, fn: userScalarFunction(def) });
  }

  /** Adds or replaces a user aggregate; the caller has checked the name (not a built-in). */
  registerAggregate(def: UserAggregateDef): void {
    this.unregister(def.name);
    this.aggregates.set(def.name.toUpperCase(), { def, fn: userAggregateFunction(def) });
  }

  /** Adds or replaces a user table function (UDTF); the caller has checked the name. */
  registerTable(def: UserTableDef): void {
    this.unregister(def.name);
    this.tables.set(def.name.toUpperCase(), { def, fn: userTableFunction(def) });
  }

  /** Adds or replaces a user state function; the caller has checked the name. */
  registerState(def: UserStateDef): void {
    this.unregister(def.name);
    this.states.set(def.name.toUpperCase(), { def, fn: userStateFunction(def) });
  }

  /** Removes a user function; false when there was none of that name. */
  unregister(name: string): boolean {
    this.changes++;
    const n = name.toUpperCase();
    const had = [this.scalars.delete(n), this.aggregates.delete(n), this.tables.delete(n), this.states.delete(n)];
    return had.some(Boolean);
  }

  /** Removes every user function (the engine closed). */
  clear(): void {
    this.changes++;
    this.scalars.clear();
    this.aggregates.clear();
    this.tables.clear();
    this.states.clear();
  }

  /** Built-ins and this table's user functions (category `user`), by name. */
  list(): FunctionInfo[] {
    const user: FunctionInfo[] = [
      ...[...this.scalars.values()].map(({ def }) => ({ name: def.name, type: 'SCALAR' as const, category: 'user', description: def.description ?? 'user function', signatures: [signatureOf(def)] })),
      ...[...this.aggregates.values()].map(({ def, fn }) => ({ name: def.name, type: 'AGGREGATE' as const, category: 'user', description: fn.description, signatures: [signatureOf(def)] })),
      ...[...this.tables.values()].map(({ def, fn }) => ({ name: def.name, type: 'TABLE' as const, category: 'user', description: fn.description, signatures: fn.signatures })),
      ...[...this.states.values()].map(({ def, fn }) => ({ name: def.name, type: 'STATE' as const, category: 'user', description: fn.description, signatures: fn.signatures })),
    ];
    return [...listBuiltIns(), ...user].sort(byName);
  }
}
