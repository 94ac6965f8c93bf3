// Push queries that share one evaluation. 300 clients each running `SELECT * FROM EVENTS EMIT
// CHANGES` used to be 300 tasks, each reading, decoding, filtering and projecting every record
// (issue 12). Push queries whose plans are equal and stateless (filters, projections and table
// functions over one stream) now join one task: it runs the plan once per record and hands each
// result row — the same object — to every subscriber. What each subscriber receives is what its
// own task would have given it:
//   - rows from its own start: a query joins only a task that has not read past the offsets the
//     query would start at, and is handed only rows of records at or after them;
//   - its own LIMIT: counted per subscriber, which is closed when it is reached;
//   - its own end: closing one subscriber leaves the others running; the task stops with the last.
// Plans with state (aggregations, joins, tables) keep a task each: their state depends on when
// they started. Push queries over one source still share the decode of its records
// (task/shared-decode.ts) whatever their plans.

import { formatType } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';
import type { CompiledExpr, PlanNode } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import type { PushQuery, PushRow } from './push-query.js';
import type { QueryTask } from './query-task.js';

const sourceIds = new WeakMap<SourceDef, number>();
let nextSourceId = 0;

const exprKey = (e: CompiledExpr): string => `${JSON.stringify(e.text)}:${formatType(e.type)}`;

/**
 * What two push queries' plans must agree on to share a task, or undefined when the plan keeps
 * state (only a chain of Filter / Project / FlatMap over one stream source is shared). `context`
 * is what else planning depended on (session properties, user functions' versions). The source is
 * the very definition object: a stream dropped and created again is another source.
 */
export function pushShareKey(root: PlanNode, context: string): string | undefined {
  const parts: string[] = [context];
  for (let n: PlanNode = root; ; ) {
    if (n.schema.isTable || n.schema.windowed) return undefined;
    const cols = n.schema.columns.map((c) => `${JSON.stringify(c.name)}:${formatType(c.type)}:${c.role}:${c.headerKey ?? ''}`).join(',');
    switch (n.kind) {
      case 'Source': {
        let id = sourceIds.get(n.source);
        if (id === undefined) sourceIds.set(n.source, (id = nextSourceId++));
        parts.push(`Source#${id} ${JSON.stringify(n.alias)} ${n.timestamp ? exprKey(n.timestamp) : ''} [${cols}]`);
        return parts.join('\n');
      }
      case 'Filter':
        parts.push(`Filter ${exprKey(n.predicate)} [${cols}]`);
        n = n.input;
        break;
      case 'Project':
        parts.push(`Project ${n.exprs.map(exprKey).join(' | ')} ${n.keyPassThrough === true} [${cols}]`);
        n = n.input;
        break;
      case 'FlatMap':
        parts.push(`FlatMap ${n.exprs.map((e) => ('tableFunction' in e ? `${JSON.stringify(e.text)}(${e.args.map(exprKey).join(' | ')})` : exprKey(e))).join(' | ')} [${cols}]`);
        n = n.input;
        break;
      default:
        return undefined;
    }
  }
}

interface Subscriber {
  readonly query: PushQuery;
  /** Per source partition: the first offset whose rows this subscriber is handed. */
  readonly from: ReadonlyMap<number, number>;
  readonly limit: number | undefined;
  sent: number;
}

/** One push-query task and the push queries it feeds. */
export class PushGroup {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    readonly task: QueryTask,
    /** Undefined: the plan keeps state, so nobody else joins. */
    readonly key: string | undefined,
  ) {}

  /**
   * Whether a push query with this key, starting at `start` (`topic:partition` → offset), can join:
   * the task has read no record the query must not see before it starts… and none it must see
   * either (it would have been handed to the others only).
   */
  canJoin(key: string | undefined, start: ReadonlyMap<string, number>): boolean {
    if (key === undefined || key !== this.key || this.task.isDone || this.subscribers.size === 0) return false;
    const at = this.task.nextOffsets();
    if (at.size !== start.size) return false;
    for (const [k, next] of at) {
      const s = start.get(k);
      if (s === undefined || next > s) return false;
    }
    return true;
  }

  add(query: PushQuery, start: ReadonlyMap<string, number>, limit: number | undefined): void {
    const from = new Map<number, number>();
    for (const [k, offset] of start) from.set(Number(k.slice(k.lastIndexOf(':') + 1)), offset);
    this.subscribers.add({ query, from, limit, sent: 0 });
  }

  /** Takes a closed query out; true when none is left (the caller then stops the task). */
  remove(query: PushQuery): boolean {
    for (const s of this.subscribers) if (s.query === query) this.subscribers.delete(s);
    return this.subscribers.size === 0;
  }

  get queries(): PushQuery[] {
    return [...this.subscribers].map((s) => s.query);
  }

  /** A result row of the task, after its batch committed: one PushRow object for all. */
  deliver(r: Rec): void {
    const row: PushRow = { values: r.cols, ts: r.ts, ...(r.tombstone ? { tombstone: true } : {}), ...(r.window ? { window: r.window } : {}) };
    for (const s of this.subscribers) {
      if (r.offset < (s.from.get(r.partition) ?? 0)) continue;
      if (s.limit !== undefined && s.sent >= s.limit) continue;
      s.sent++;
      s.query.deliver(row);
      // Deleting from a Set while iterating it is safe: the loop goes on with the next one.
      if (s.limit !== undefined && s.sent >= s.limit) s.query.close();
    }
  }
}
