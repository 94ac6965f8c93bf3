// DESCRIBE and PRINT: what the statement names — a function, a query, a source, a topic — found,
// or refused in ksqlDB's words, before anything is read.

import type { Describe, Print } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SourceDef } from './catalog.js';
import type { FunctionInfo } from './functions/function-table.js';
import type { StatementContext, TopicFacts } from './statement-context.js';

export type DescribePlan =
  | { readonly kind: 'DescribeAll'; readonly what: 'STREAMS' | 'TABLES'; readonly extended: boolean }
  | { readonly kind: 'DescribeFunction'; readonly fn: FunctionInfo }
  | { readonly kind: 'DescribeQuery'; readonly id: string }
  | { readonly kind: 'DescribeSource'; readonly def: SourceDef; readonly extended: boolean };

export function planDescribe(stmt: Describe, ctx: StatementContext): DescribePlan {
  const t = stmt.target;
  if (t.kind === 'all') return { kind: 'DescribeAll', what: t.what, extended: stmt.extended };
  if (t.kind === 'function') {
    const fn = ctx.catalog.functions.list().find((x) => x.name === t.name);
    if (!fn) throw new SqlError(`Can't find any functions with the name '${t.name}'`, stmt);
    return { kind: 'DescribeFunction', fn };
  }
  const id = [...ctx.queries.keys()].find((k) => k.toUpperCase() === t.name.toUpperCase());
  if (id) return { kind: 'DescribeQuery', id };
  const def = ctx.catalog.get(t.name);
  if (!def) throw new SqlError(`Could not find STREAM/TABLE '${t.name}' in the Metastore`, stmt);
  return { kind: 'DescribeSource', def, extended: stmt.extended };
}

export interface PrintPlan {
  readonly kind: 'Print';
  /** The topic, by its exact name (PRINT matches it case-insensitively when no topic has the name as written). */
  readonly topic: TopicFacts;
  readonly fromBeginning: boolean;
  readonly interval?: number;
  readonly limit?: number;
}

export function planPrint(stmt: Print, ctx: StatementContext): PrintPlan {
  const topic = ctx.topic(stmt.topic) ?? ctx.topics().find((t) => t.name.toUpperCase() === stmt.topic.toUpperCase());
  if (!topic) throw new SqlError(`Could not find topic '${stmt.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`, stmt);
  if (stmt.interval !== undefined && stmt.interval < 1) throw new SqlError(`INTERVAL must be greater than one, but was: ${stmt.interval}`, stmt);
  return {
    kind: 'Print',
    topic,
    fromBeginning: stmt.fromBeginning,
    ...(stmt.interval !== undefined ? { interval: stmt.interval } : {}),
    ...(stmt.limit !== undefined ? { limit: stmt.limit } : {}),
  };
}
