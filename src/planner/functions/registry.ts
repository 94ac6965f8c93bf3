// Every function Eddy knows, by upper-case name: scalar, aggregate and table functions.

import { aggregateFunctions } from './aggregate/index.js';
import { scalarFunctions } from './scalar/index.js';
import { tableFunctions } from './table/index.js';
import type { AggregateFunction, ScalarFunction, TableFunction } from './types.js';

const scalars = new Map<string, ScalarFunction>(scalarFunctions.map((f) => [f.name, f]));
const aggregates = new Map<string, AggregateFunction>(aggregateFunctions.map((f) => [f.name, f]));
const tables = new Map<string, TableFunction>(tableFunctions.map((f) => [f.name, f]));

export function lookupScalar(name: string): ScalarFunction | undefined {
  return scalars.get(name.toUpperCase());
}

export function lookupAggregate(name: string): AggregateFunction | undefined {
  return aggregates.get(name.toUpperCase());
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
  ];
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
