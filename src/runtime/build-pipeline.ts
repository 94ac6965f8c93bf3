// Plan → running operators. Each plan node kind maps to one operator file; the exhaustive
// switch makes a new node kind fail to compile until it has an operator.

import type { PlanNode } from '../planner/plan.js';
import { aggregateOperator } from './operators/aggregate.js';
import { filterOperator } from './operators/filter.js';
import { flatMapOperator } from './operators/flat-map.js';
import type { BuiltPipeline, Emit, OperatorEnv } from './operators/operator.js';
import { projectOperator } from './operators/project.js';
import { sessionAggregateOperator } from './operators/session-aggregate.js';
import { streamStreamJoinOperator } from './operators/stream-stream-join.js';
import { streamTableJoinOperator } from './operators/stream-table-join.js';
import { tableTableJoinOperator } from './operators/table-table-join.js';
import { tableRowStore, tableViewOperator } from './operators/table-view.js';
import type { StateStore } from './state/state-store.js';

/** Prefixes store names so every operator instance of a query owns distinct stores. */
function scopedEnv(env: OperatorEnv, prefix: string): OperatorEnv {
  return { ...env, store: <V,>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V): StateStore<V> => env.store(`${prefix}/${name}`, enc, dec) };
}

export function buildPipeline(root: PlanNode, out: Emit, env: OperatorEnv): BuiltPipeline {
  const built: BuiltPipeline = { entries: new Map(), endBatch: [], flush: [] };
  let counter = 0;
  // Only a stream read straight into projections forwards records without a value (as ksqlDB
  // does); every other operator drops them at the source.
  let top: PlanNode = root;
  while (top.kind === 'Project') top = top.input;
  const forwardsNullValues = top;
  // needPrev: whether the consumer uses a change's previous row (table aggregations and table
  // filters do); when nothing does, operators skip computing it — half the work of a changelog.
  const build = (n: PlanNode, down: Emit, needPrev = false): void => {
    const id = `${n.kind}${counter++}`;
    const e = scopedEnv(env, id);
    switch (n.kind) {
      case 'Source': {
        // A table read by a query is tracked by the query itself, so changes know what they replace.
        const entry: Emit = n.schema.isTable
          ? tableViewOperator(n.schema.columns.filter((c) => c.role === 'key').length, tableRowStore(e, 'view'), down)
          : n === forwardsNullValues
            ? down
            : (r) => {
                if (!r.tombstone) down(r);
              };
        built.entries.set(n.alias, entry);
        return;
      }
      case 'Filter':
        return build(n.input, filterOperator(n, down), n.schema.isTable);
      case 'Project':
        return build(n.input, projectOperator(n, down, needPrev), needPrev);
      case 'FlatMap':
        return build(n.input, flatMapOperator(n, down));
      case 'Rekey':
        throw new Error('Rekey is planned as a projection');
      case 'Aggregate': {
        const op = n.window?.kind === 'SESSION' ? sessionAggregateOperator(n, e, down) : aggregateOperator(n, e, down, needPrev);
        built.endBatch.push(op.endBatch);
        return build(n.input, op.push, n.input.schema.isTable);
      }
      case 'Join': {
        if (n.variant === 'StreamStream') {
          const op = streamStreamJoinOperator(n, e, down);
          built.endBatch.push(op.endBatch);
          build(n.left, op.left);
          build(n.right, op.right);
        } else if (n.variant === 'StreamTable') {
          const op = streamTableJoinOperator(n, e, down);
          build(n.left, op.left);
          build(n.right, op.right);
        } else {
          const op = tableTableJoinOperator(n, e, down);
          build(n.left, op.left);
          build(n.right, op.right);
        }
        return;
      }
    }
  };
  build(root, out);
  built.endBatch.reverse();
  return built;
}
