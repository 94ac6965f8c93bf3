// (Eddy) Arbitrary state per key: a user state function (planner/functions/user-state-functions.ts)
// over a stream grouped by key, as Spark's flatMapGroupsWithState / updateStateByKey.
//
// Each record is one call with its key's state, so the outputs and the state depend on the
// records and their order only, never on how the stream was cut into batches (a call per key per
// batch, as Spark makes, would give other answers at 1 and at 10 000 records per batch). Records
// come in the order the query reads them: a partition's log order.
//
// Timeouts, one per key, set by the call's answer and replaced by each call of the key:
//   event time  `timeoutAt`: fires when the query's stream time (the highest ROWTIME seen) reaches
//               it — before the record that moved stream time is handled, so it fires at the same
//               point at every batch size and after every restart. Keys due together fire in
//               (deadline, key) order. A deadline set at or before the stream time fires when
//               stream time next moves.
//   processing  `timeoutAfterMs`: fires at the end of the first batch that runs once the wall
//               clock has passed it; a query with a timer due runs a batch without input
//               (pipeline.timersDue), so an idle stream still times its keys out.
// The state, the timeouts and the stream time live in the query's stores and commit with the
// batch's output and offsets: exactly-once across crashes.
//
// A call that throws (or answers wrongly) goes to the processing log with the record's offset
// and changes nothing for its key; a failing timeout call clears the timeout (it would only fail
// again).

import type { GroupStateNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import type { Value } from '../../planner/values.js';
import { MinHeap } from '../../util/min-heap.js';
import type { Emit, OperatorEnv } from './operator.js';

interface Timeout {
  readonly kind: 'event' | 'processing';
  readonly at: number;
}

interface GroupEntry {
  readonly key: Value[];
  /** The state's JSON text; undefined while the key has a timeout but no state. */
  readonly state: string | undefined;
  readonly timeout: Timeout | undefined;
  /** The latest record of the key: its time, partition and offset (a timeout's output and log entry carry them). */
  readonly ts: number;
  readonly partition: number;
  readonly offset: number;
}

export interface GroupStateOperator {
  readonly push: Emit;
  readonly endBatch: () => void;
  /** A processing-time timeout is due: the query should run a batch even without input. */
  readonly timerDue: () => boolean;
}

export function groupStateOperator(node: GroupStateNode, env: OperatorEnv, out: Emit, now: () => number = Date.now): GroupStateOperator {
  const { impl, args } = node.call;
  const store = env.store<GroupEntry>(
    'groups',
    (e) => ({ k: e.key.map(toJsonValue), s: e.state, t: e.timeout, ts: e.ts, p: e.partition, o: e.offset }),
    (j) => {
      const o = j as { k: unknown[]; s?: string; t?: Timeout; ts: number; p: number; o: number };
      return { key: o.k.map(fromJsonValue), state: o.s, timeout: o.t, ts: o.ts, partition: o.p, offset: o.o };
    },
  );
  const meta = env.store<number>(
    'meta',
    (v) => v,
    (j) => j as number,
  );
  let streamTime = meta.get('streamTime') ?? -Infinity;
  // Deadlines by kind; an entry whose key's timeout has changed since is skipped when popped.
  const heaps = { event: new MinHeap<string>(), processing: new MinHeap<string>() };
  for (const [k, e] of store.entries()) if (e.timeout) heaps[e.timeout.kind].push(e.timeout.at, k);
  const rowsOut = node.emits === 'rows';
  const keyOf = (key: Value[]): Value => (key.length === 1 ? key[0]! : key);

  /** One call for the key: a record's (with its argument values) or its timeout's. */
  const call = (k: string, key: Value[], entry: GroupEntry | undefined, rec: Rec | undefined, timeout: Timeout | undefined): void => {
    const at = rec ?? { cols: [], ts: entry!.ts, partition: entry!.partition, offset: entry!.offset };
    let step;
    try {
      step = impl.step(keyOf(key), entry?.state, rec ? args.map((a) => a.eval(rec)) : undefined, at.ts, streamTime, now);
    } catch (e) {
      env.logError(`Error computing state function ${impl.name}${rec ? '' : ' (timeout)'}: ${(e as Error).message}`, at);
      if (!rec && entry) update(k, { ...entry, timeout: undefined });
      return;
    }
    const state = step.stateJson === undefined ? entry?.state : step.stateJson === null ? undefined : step.stateJson;
    const ts = timeout?.kind === 'event' ? timeout.at : at.ts;
    const next: GroupEntry = { key, state, timeout: step.timeout, ts: rec ? rec.ts : entry!.ts, partition: at.partition, offset: at.offset };
    update(k, next);
    if (rowsOut) {
      for (const row of step.rows) out({ cols: [...key, row], ts, partition: at.partition, offset: at.offset, ...(rec?.headers ? { headers: rec.headers } : {}) });
      return;
    }
    if (step.stateJson === undefined) return;
    const prev = entry?.state !== undefined ? [...key, impl.stateValue(entry.state)] : null;
    if (step.stateJson === null) {
      if (prev) out({ cols: [...key, null], ts, partition: at.partition, offset: at.offset, tombstone: true, prev });
      return;
    }
    out({ cols: [...key, step.stateValue], ts, partition: at.partition, offset: at.offset, prev });
  };

  const update = (k: string, e: GroupEntry): void => {
    if (e.state === undefined && !e.timeout) store.delete(k);
    else store.put(k, e);
    if (e.timeout) heaps[e.timeout.kind].push(e.timeout.at, k);
  };

  /** Fire the timeouts of a kind due by `until`, in (deadline, key) order; the ones they set wait for the next round. */
  const fire = (kind: Timeout['kind'], until: number): void => {
    const heap = heaps[kind];
    const due: [number, string][] = [];
    while (heap.size && heap.peek()! <= until) {
      const at = heap.peek()!;
      const k = heap.pop()!;
      due.push([at, k]);
    }
    if (!due.length) return;
    due.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const seen = new Set<string>();
    for (const [at, k] of due) {
      const e = store.get(k);
      // Stale: the key's timeout was replaced (or the key removed) after this deadline was queued.
      if (!e?.timeout || e.timeout.kind !== kind || e.timeout.at !== at || seen.has(k)) continue;
      seen.add(k);
      call(k, e.key, e, undefined, e.timeout);
    }
  };

  const push = (r: Rec): void => {
    const key = node.groupBy.map((g) => g.eval(r));
    if (key.some((v) => v === null)) {
      env.logError(`Group-by column with NULL value dropped: ${node.groupBy.map((g) => g.text).join(', ')}`, r);
      return;
    }
    if (r.ts > streamTime) {
      streamTime = r.ts;
      meta.put('streamTime', streamTime);
      fire('event', streamTime);
    }
    const k = keyString(key);
    call(k, key, store.get(k), r, undefined);
  };

  const endBatch = (): void => fire('processing', now());
  const timerDue = (): boolean => heaps.processing.size > 0 && heaps.processing.peek()! <= now();
  return { push, endBatch, timerDue };
}
