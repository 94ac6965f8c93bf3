// The functions one engine's SQL can call, by upper-case name: the built-ins (one immutable set,
// shared by every engine in the process) and that engine's own user functions (registerFunction,
// registerAggregate, CREATE FUNCTION). Each engine owns one table (its Catalog holds it), so two
// engines in a process never see each other's functions and may each define their own F.

import { aggregateFunctions } from './aggregate/index.js';
import { scalarFunctions } from './scalar/index.js';
import { tableFunctions } from './table/index.js';
import type { AggregateFunction, ScalarFunction, TableFunction } from './types.js';
import { signatureOf, userAggregateFunction, userScalarFunction, type UserAggregateDef, type UserScalarDef } from './user-functions.js';

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
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly category?: string;
  readonly description: string;
  readonly signatures: readonly string[];
}

/** Every built-in function, by name (what any engine's table lists before its user functions). */
export function listBuiltIns(): FunctionInfo[] {
  return [
    ...[...builtInScalars.values()].map((f) => ({ name: f.name, type: 'SCALAR' as const, category: f.category, description: f.description, signatures: f.signatures })),
    ...[...builtInAggregates.values()].map((f) => ({ name: f.name, type: 'AGGREGATE' as const, category: 'aggregate', description: f.description, signatures: f.signatures })),
    ...[...builtInTables.values()].map((f) => ({ name: f.name, type: 'TABLE' as const, category: 'table', description: f.description, signatures: f.signatures })),
  ].sort(byName);
}

function byName(a: FunctionInfo, b: FunctionInfo): number {
  return a.name.localeCompare(b.name);
}

export class FunctionTable {
  // Each definition is turned into its ScalarFunction / AggregateFunction once, at registration.
  private readonly scalars = new Map<string, { readonly def: UserScalarDef; readonly fn: ScalarFunction }>();
  private readonly aggregates = new Map<string, { readonly def: UserAggregateDef; readonly fn: AggregateFunction }>();

  lookupScalar(name: string): ScalarFunction | undefined {
    const n = name.toUpperCase();
    return builtInScalars.get(n) ?? this.scalars.get(n)?.fn;
  }

  lookupAggregate(name: string): AggregateFunction | undefined {
    const n = name.toUpperCase();
    return builtInAggregates.get(n) ?? this.aggregates.get(n)?.fn;
  }

  /** Only built-ins: user table functions (UDTFs) do not exist yet. */
  lookupTableFunction(name: string): TableFunction | undefined {
    return builtInTables.get(name.toUpperCase());
  }

  isBuiltIn(name: string): boolean {
    return isBuiltIn(name);
  }

  /** A user function (scalar or aggregate) of this table has this name. */
  isUserFunction(name: string): boolean {
    const n = name.toUpperCase();
    return this.scalars.has(n) || this.aggregates.has(n);
  }

  /** The definition of a user scalar function, for DROP and DESCRIBE (where it came from, its body). */
  userScalarDef(name: string): UserScalarDef | undefined {
    return this.scalars.get(name.toUpperCase())?.def;
  }

  /** Adds or replaces a user scalar function; the caller has checked the name (not a built-in). */
  registerScalar(def: UserScalarDef): void {
    const n = def.name.toUpperCase();
    this.aggregates.delete(n);
    this.scalars.set(n, { def, fn: userScalarFunction(def) });
  }

  /** Adds or replaces a user aggregate; the caller has checked the name (not a built-in). */
  registerAggregate(def: UserAggregateDef): void {
    const n = def.name.toUpperCase();
    this.scalars.delete(n);
    this.aggregates.set(n, { def, fn: userAggregateFunction(def) });
  }

  /** Removes a user function; false when there was none of that name. */
  unregister(name: string): boolean {
    const n = name.toUpperCase();
    return this.scalars.delete(n) || this.aggregates.delete(n);
  }

  /** Removes every user function (the engine closed). */
  clear(): void {
    this.scalars.clear();
    this.aggregates.clear();
  }

  /** Built-ins and this table's user functions (category `user`), by name. */
  list(): FunctionInfo[] {
    const user: FunctionInfo[] = [
      ...[...this.scalars.values()].map(({ def }) => ({ name: def.name, type: 'SCALAR' as const, category: 'user', description: def.description ?? 'user function', signatures: [signatureOf(def)] })),
      ...[...this.aggregates.values()].map(({ def }) => ({ name: def.name, type: 'AGGREGATE' as const, category: 'user', description: def.description ?? 'user aggregate', signatures: [signatureOf(def)] })),
    ];
    return [...listBuiltIns(), ...user].sort(byName);
  }
}
