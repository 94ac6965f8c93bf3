// EXPLAIN: a query drawn as the tree of operators its pipeline built (build-pipeline.ts names
// each one as it chooses it), sink first, each operator above the ones that feed it.

import type { QueryPlan } from '../planner/plan.js';
import type { OperatorInfo } from './operators/operator.js';
import { schemaColumns } from './operator-text.js';

export interface ExplainLine {
  readonly depth: number;
  readonly operator: string;
  readonly detail: string;
  /** EXPLAIN ANALYZE: rows into the operator and time spent in it (exclusive of its consumers). */
  readonly analyze?: { readonly rowsIn: number; readonly ms: number };
}

/** The tree in pre-order, with each operator's depth. */
export function operatorsInOrder(tree: OperatorInfo): { op: OperatorInfo; depth: number }[] {
  const out: { op: OperatorInfo; depth: number }[] = [];
  const walk = (op: OperatorInfo, depth: number): void => {
    out.push({ op, depth });
    for (const i of op.inputs) walk(i, depth + 1);
  };
  walk(tree, 0);
  return out;
}

export function explainLineOf(op: OperatorInfo, depth: number): ExplainLine {
  return { depth, operator: op.name, detail: `${op.detail}${op.state.length ? `; state: ${op.state.join('; ')}` : ''}` };
}

export function explainLines(tree: OperatorInfo): ExplainLine[] {
  return operatorsInOrder(tree).map(({ op, depth }) => explainLineOf(op, depth));
}

export function explainHeader(p: QueryPlan): string[] {
  return [
    `Query ${p.id}: ${p.sql}`,
    `Output: ${schemaColumns(p.output)}`,
    'Micro-batch plan (each batch: read new offsets → decode → operators → emit → commit state, output and offsets in one SQLite transaction):',
  ];
}

export function treeLine(l: ExplainLine): string {
  return `${'  '.repeat(l.depth)}${l.depth ? '└─ ' : ''}${l.operator}: ${l.detail}`;
}

export function explainText(p: QueryPlan, lines: readonly ExplainLine[]): string {
  return [...explainHeader(p), ...lines.map(treeLine)].join('\n');
}
