// Plan → running operators. Each plan node kind maps to one operator file; the exhaustive
// switch makes a new node kind fail to compile until it has an operator.

import type { PlanNode } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import { aggregateOperator } from './operators/aggregate.js';
import { filterOperator } from './operators/filter.js';
import { flatMapOperator } from './operators/flat-map.js';
import type { BuiltPipeline, Emit, OperatorEnv } from './operators/operator.js';
import { projectOperator } from './operators/project.js';
import { sessionAggregateOperator } from './operators/session-aggregate.js';
import { isStaticJoin, streamStaticJoinOperator } from './operators/stream-static-join.js';
import { streamStreamJoinOperator } from './operators/stream-stream-join.js';
import { streamTableJoinOperator } from './operators/stream-table-join.js';
import { tableTableJoinOperator } from './operators/table-table-join.js';
import { tableRowStore, tableViewOperator } from './operators/table-view.js';
import type { StateStore } from './state/state-store.js';

/** Prefixes store names so every operator instance of a query owns distinct stores. */
function scopedEnv(env: OperatorEnv, prefix: string): OperatorEnv {
  return { ...env, store: <V,>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V): StateStore<V> => env.store(`${prefix}/${name}`, enc, dec), textStore: (name) => env.textStore(`${prefix}/${name}`) };
}

/** EXPLAIN ANALYZE's instrument: wraps the input of each node (and of the sink, node undefined). */
export interface PipelineProbe {
  input(node: PlanNode | undefined, fn: Emit): Emit;
  endBatch(node: PlanNode, fn: () => void): () => void;
}

export function buildPipeline(root: PlanNode, out: Emit, env: OperatorEnv, probe?: PipelineProbe): BuiltPipeline {
  const built: BuiltPipeline = { entries: new Map(), endBatch: [], flush: [] };
  let counter = 0;
  // needPrev: whether the consumer uses a change's previous row (table aggregations and table
  // filters do); when nothing does, operators skip computing it — half the work of a changelog.
  // onlyProjects: whether every node between here and the output is a projection; only then does
  // a stream's null-valued record flow on (as a null value), every other operator drops it.
  const build = (n: PlanNode, down: Emit, needPrev = false, onlyProjects = false, parent?: PlanNode): void => {
    if (probe) down = probe.input(parent, down);
    const id = `${n.kind}${counter++}`;
    const e = scopedEnv(env, id);
    const child = (c: PlanNode, d: Emit, np = false, op = false): void => build(c, d, np, op, n);
    const onEnd = (f: () => void): void => {
      built.endBatch.push(probe ? probe.endBatch(n, f) : f);
    };
    switch (n.kind) {
      case 'Source': {
        // A table read by a query is tracked by the query itself, so changes know what they replace.
        const entry = n.schema.isTable
          ? tableViewOperator(n.schema.columns.filter((c) => c.role === 'key').length, tableRowStore(e, 'view'), down)
          : onlyProjects
            ? down
            : (r: Rec) => {
                if (!r.tombstone) down(r);
              };
        built.entries.set(n.alias, probe ? probe.input(n, entry) : entry);
        return;
      }
      case 'Filter':
        return child(n.input, filterOperator(n, down), n.schema.isTable);
      case 'Project':
        return child(n.input, projectOperator(n, down, needPrev), needPrev, onlyProjects);
      case 'FlatMap':
        return child(n.input, flatMapOperator(n, down));
      case 'Rekey':
        throw new Error('Rekey is planned as a projection');
      case 'Aggregate': {
        const op = n.window?.kind === 'SESSION' ? sessionAggregateOperator(n, e, down) : aggregateOperator(n, e, down, needPrev);
        onEnd(op.endBatch);
        return child(n.input, op.push, n.input.schema.isTable);
      }
      case 'Join': {
        if (n.variant === 'StreamStream') {
          const op = streamStreamJoinOperator(n, e, down);
          onEnd(op.endBatch);
          child(n.left, op.left);
          child(n.right, op.right);
        } else if (isStaticJoin(n)) {
          const op = streamStaticJoinOperator(n, e, down);
          onEnd(op.endBatch);
          child(n.left, op.left);
        } else if (n.variant === 'StreamTable') {
          const op = streamTableJoinOperator(n, e, down);
          child(n.left, op.left);
          child(n.right, op.right);
        } else {
          const op = tableTableJoinOperator(n, e, down);
          child(n.left, op.left);
          child(n.right, op.right);
        }
        return;
      }
    }
  };
  build(root, out, false, true);
  built.endBatch.reverse();
  return built;
}
