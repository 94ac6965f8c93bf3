// Every function Eddy knows, by upper-case name: scalar, aggregate and table functions.

import { aggregateFunctions } from './aggregate/index.js';
import { scalarFunctions } from './scalar/index.js';
import { tableFunctions } from './table/index.js';
import type { AggregateFunction, ScalarFunction, TableFunction } from './types.js';
import { userAggregate, userFunctionNames, userScalar } from './user-functions.js';

const scalars = new Map<string, ScalarFunction>(scalarFunctions.map((f) => [f.name, f]));
const aggregates = new Map<string, AggregateFunction>(aggregateFunctions.map((f) => [f.name, f]));
const tables = new Map<string, TableFunction>(tableFunctions.map((f) => [f.name, f]));

/** A built-in function has this name (a user function may not take it). */
export function isBuiltIn(name: string): boolean {
  const n = name.toUpperCase();
  return scalars.has(n) || aggregates.has(n) || tables.has(n);
}

export function lookupScalar(name: string): ScalarFunction | undefined {
  return scalars.get(name.toUpperCase()) ?? userScalar(name);
}

export function lookupAggregate(name: string): AggregateFunction | undefined {
  return aggregates.get(name.toUpperCase()) ?? userAggregate(name);
}

export function lookupTableFunction(name: string): TableFunction | undefined {
  return tables.get(name.toUpperCase());
}

export interface FunctionInfo {
  readonly name: string;
  readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  readonly category?: string;
  readonly description: string;
  readonly signatures: readonly string[];
}

export function listFunctions(): FunctionInfo[] {
  const out: FunctionInfo[] = [
    ...[...scalars.values()].map((f) => ({ name: f.name, type: 'SCALAR' as const, category: f.category, description: f.description, signatures: f.signatures })),
    ...[...aggregates.values()].map((f) => ({ name: f.name, type: 'AGGREGATE' as const, category: 'aggregate', description: f.description, signatures: f.signatures })),
    ...[...tables.values()].map((f) => ({ name: f.name, type: 'TABLE' as const, category: 'table', description: f.description, signatures: f.signatures })),
    ...userFunctionNames().map((f) => ({ name: f.name, type: f.type, category: 'user', description: f.description, signatures: [f.signature] })),
  ];
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
