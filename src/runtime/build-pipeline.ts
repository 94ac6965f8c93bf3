// Plan → running operators. Each plan node kind maps to one operator file; the exhaustive
// switch makes a new node kind fail to compile until it has an operator. This is the one place
// an operator is chosen, and it names each one as it builds it (OperatorInfo): EXPLAIN and
// EXPLAIN ANALYZE print that tree, not a second reading of the plan. Each operator counts the
// records it emits on the edge to its consumer (operator-counts.ts), in every pipeline it builds.

import { SINGLE_ROW_ENTRY, type JoinNode, type PlanNode, type SinkSpec } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import { aggregateOperator } from './operators/aggregate.js';
import { filterOperator } from './operators/filter.js';
import { groupStateOperator } from './operators/group-state.js';
import { flatMapOperator } from './operators/flat-map.js';
import type { BuiltPipeline, Emit, OperatorEnv, OperatorInfo } from './operators/operator.js';
import { projectOperator } from './operators/project.js';
import { sessionAggregateOperator } from './operators/session-aggregate.js';
import { isStaticJoin, streamStaticJoinOperator } from './operators/stream-static-join.js';
import { streamStreamJoinOperator } from './operators/stream-stream-join.js';
import { streamTableJoinOperator } from './operators/stream-table-join.js';
import { tableTableJoinOperator } from './operators/table-table-join.js';
import { tableRowStore, tableViewOperator } from './operators/table-view.js';
import type { StateStore } from './state/state-store.js';
import { countingIn, countingOut } from './operator-counts.js';
import { describeAggregate, describeGroupState, describeJoin, describeSink, describeSource, describeStaticJoin, schemaColumns } from './operator-text.js';

/** An operator's info while its inputs are still being built. */
interface OpenInfo extends OperatorInfo {
  readonly state: string[];
  readonly inputs: OpenInfo[];
}

function info(name: string, detail: string): OpenInfo {
  return { name, detail, state: [], inputs: [], counts: { recordsIn: 0, recordsOut: 0 } };
}

/**
 * Prefixes store names so every operator instance of a query owns distinct stores, and records
 * in the operator's info the state it opens.
 */
function scopedEnv(env: OperatorEnv, prefix: string, op: OpenInfo): OperatorEnv {
  const opened: string[] = [];
  const note = (name: string): void => {
    if (!opened.length) op.state.push('');
    opened.push(name);
    op.state[0] = `${opened.join(', ')} (${env.stateHome ?? 'memory'})`;
  };
  const scoped: OperatorEnv = {
    ...env,
    store: <V>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V): StateStore<V> => {
      note(name);
      return env.store(`${prefix}/${name}`, enc, dec);
    },
    textStore: (name) => {
      note(name);
      return env.textStore(`${prefix}/${name}`);
    },
  };
  const rows = env.windowRows;
  if (!rows) return scoped;
  // Only an operator that asks for the pull store's window rows keeps state there.
  return Object.defineProperty(scoped, 'windowRows', {
    get: () => {
      if (!op.state.includes(`window state (${rows.home})`)) op.state.push(`window state (${rows.home})`);
      return rows;
    },
  });
}

/** EXPLAIN ANALYZE's instrument: wraps the input of each operator (the sink's too) and its end of batch. */
export interface PipelineProbe {
  input(op: OperatorInfo, fn: Emit): Emit;
  endBatch(op: OperatorInfo, fn: () => void): () => void;
}

export interface BuildOptions {
  /** Where the root's output goes, as EXPLAIN names it (a pull query's rows go back to the caller). */
  readonly sink?: SinkSpec;
  readonly probe?: PipelineProbe;
}

export function buildPipeline(root: PlanNode, out: Emit, env: OperatorEnv, opts: BuildOptions = {}): BuiltPipeline {
  const { probe } = opts;
  const sink = opts.sink ? info(...describeSink(opts.sink)) : info('Output', 'to the caller');
  const entries = new Map<string, Emit>();
  const endBatch: (() => void)[] = [];
  const timersDue: (() => boolean)[] = [];
  let counter = 0;
  // needPrev: whether the consumer uses a change's previous row (table aggregations and table
  // filters do); when nothing does, operators skip computing it — half the work of a changelog.
  // onlyProjects: whether every node between here and the output is a projection; only then does
  // a stream's null-valued record flow on (as a null value), every other operator drops it.
  const build = (n: PlanNode, toParent: Emit, parent: OpenInfo, needPrev = false, onlyProjects = false): void => {
    const into = probe ? probe.input(parent, toParent) : toParent;
    const id = `${n.kind}${counter++}`;
    // The operator's info, its scoped env, and `down`: where it emits (its consumer), counted as its output.
    const op: OpenOperator = (name, detail) => {
      const self = info(name, detail);
      parent.inputs.push(self);
      return { self, env: scopedEnv(env, id, self), down: countingOut(self.counts, into) };
    };
    // A pipeline entry: decoded records go in here, counted as the operator's input.
    const entry = (self: OpenInfo, fn: Emit): Emit => countingIn(self.counts, probe ? probe.input(self, fn) : fn);
    const onEnd = (self: OpenInfo, f: () => void): void => {
      endBatch.push(probe ? probe.endBatch(self, f) : f);
    };
    switch (n.kind) {
      case 'Source': {
        const { self, env: e, down } = op(...describeSource(n));
        // A table read by a query is tracked by the query itself, so changes know what they replace.
        const first = n.schema.isTable
          ? tableViewOperator(n.schema.columns.filter((c) => c.role === 'key').length, tableRowStore(e, 'view'), down)
          : onlyProjects
            ? down
            : (r: Rec) => {
                if (!r.tombstone) down(r);
              };
        entries.set(n.alias, entry(self, first));
        return;
      }
      case 'SingleRow': {
        const { self, down } = op('SingleRow', 'one row of no columns (SELECT without FROM), read once');
        entries.set(SINGLE_ROW_ENTRY, entry(self, down));
        return;
      }
      case 'Filter': {
        const { self, down } = op('Filter', n.predicate.text);
        return build(n.input, filterOperator(n, down), self, n.schema.isTable);
      }
      case 'Project': {
        const { self, down } = op('Project', schemaColumns(n.schema));
        return build(n.input, projectOperator(n, down, needPrev), self, needPrev, onlyProjects);
      }
      case 'FlatMap': {
        const { self, down } = op('FlatMap', n.exprs.map((e) => e.text).join(', '));
        return build(n.input, flatMapOperator(n, down), self);
      }
      case 'Aggregate': {
        const session = n.window?.kind === 'SESSION';
        const { self, env: e, down } = op(n.window ? 'WindowAggregate' : 'Aggregate', describeAggregate(n));
        const a = session ? sessionAggregateOperator(n, e, down) : aggregateOperator(n, e, down, needPrev);
        onEnd(self, a.endBatch);
        return build(n.input, a.push, self, n.input.schema.isTable);
      }
      case 'GroupState': {
        const { self, env: e, down } = op('GroupState', describeGroupState(n));
        const g = groupStateOperator(n, e, down);
        onEnd(self, g.endBatch);
        timersDue.push(g.timerDue);
        return build(n.input, g.push, self);
      }
      case 'Join':
        return buildJoin(n, op, onEnd, build);
    }
  };
  build(root, out, sink, false, true);
  endBatch.reverse();
  return { tree: sink, entries, endBatch, flush: [], timersDue };
}

type OpenOperator = (name: string, detail: string) => { self: OpenInfo; env: OperatorEnv; down: Emit };
type Build = (n: PlanNode, down: Emit, parent: OpenInfo) => void;

function buildJoin(n: JoinNode, op: OpenOperator, onEnd: (self: OpenInfo, f: () => void) => void, build: Build): void {
  if (n.variant === 'StreamStream') {
    const { self, env, down } = op('StreamStreamJoin', describeJoin(n));
    const j = streamStreamJoinOperator(n, env, down);
    onEnd(self, j.endBatch);
    build(n.left, j.left, self);
    build(n.right, j.right, self);
  } else if (isStaticJoin(n)) {
    const { self, env, down } = op('StreamStaticJoin', describeStaticJoin(n));
    const j = streamStaticJoinOperator(n, env, down);
    onEnd(self, j.endBatch);
    build(n.left, j.left, self);
    // The static side is looked up by SQL per batch, not read: it still shows as the join's input.
    self.inputs.push(info(...describeSource(n.right)));
  } else if (n.variant === 'StreamTable') {
    const { self, env, down } = op('StreamTableJoin', describeJoin(n));
    const j = streamTableJoinOperator(n, env, down);
    build(n.left, j.left, self);
    build(n.right, j.right, self);
  } else {
    const { self, env, down } = op(`${n.variant}Join`, describeJoin(n));
    const j = tableTableJoinOperator(n, env, down);
    build(n.left, j.left, self);
    build(n.right, j.right, self);
  }
}
