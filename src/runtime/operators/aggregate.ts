// GROUP BY with optional TUMBLING/HOPPING window: folds each record into the state of its group
// (windowed stream records: windowed-aggregate.ts, whose state is segmented by window). Over a table input a changed row is first taken out of its old group (undo), then
// added to its new one. Late records (window end + grace ≤ stream time) are dropped and counted.
// Without a window, each change is emitted as it happens, except that a change of the same group
// at the same time right after another is folded into it: a reader of the table (a stream–table
// join, which takes a table's change before a stream record of the same time) cannot tell the
// two apart, so the stream it joins is the same at every batch size. Collapsing every group's
// changes per batch instead lost the versions such a join must see (Nexmark q7 found almost
// nothing at 10,000 records per batch). Windowed changes collapse per batch (windowed-aggregate.ts).

import type { AggregateNode } from '../../planner/plan.js';
import type { Rec, WindowBounds } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import { emitFinalBuffer } from './emit-final.js';
import type { Emit, OperatorEnv } from './operator.js';
import { graceOf, timeWindowRetention } from './window-assigner.js';
import { windowedAggregate } from './windowed-aggregate.js';

export interface AggEntry {
  key: Value[];
  /** Only in state an older Eddy wrote: windowed-aggregate.ts migrates it to its own store. */
  window?: WindowBounds;
  states: unknown[];
  ts: number;
  /** Rows currently folded in (lets a table aggregation notice an emptied group). */
  rows: number;
}

/** The change not yet emitted: its group, state, result before it and latest input. */
interface PendingChange {
  key: string;
  entry: AggEntry;
  before: Value[] | null;
  last: Rec;
}

export function aggregateOperator(node: AggregateNode, env: OperatorEnv, out: Emit, needPrev = true): { push: Emit; endBatch: () => void } {
  const aggs = node.aggregates;
  const store = env.store<AggEntry>(
    'agg',
    (e) => ({ k: e.key.map(toJsonValue), w: e.window, s: e.states.map((s, i) => aggs[i]!.impl.serialize(s)), t: e.ts, n: e.rows }),
    (j) => {
      const o = j as { k: unknown[]; w?: WindowBounds; s: unknown[]; t: number; n: number };
      return { key: o.k.map(fromJsonValue), ...(o.w ? { window: o.w } : {}), states: o.s.map((s, i) => aggs[i]!.impl.deserialize(s)), ts: o.t, rows: o.n };
    },
  );
  const meta = env.store<number>(
    'meta',
    (v) => v,
    (j) => j as number,
  );
  let streamTime = meta.get('streamTime') ?? -Infinity;
  const window = node.window;
  const grace = window ? graceOf(window) : 0;
  const final =
    node.emitFinal && window ? emitFinalBuffer(env, node.groupBy.length, (w, t) => w.end + grace <= t, out, window.kind === 'SESSION' ? undefined : timeWindowRetention(window, grace)) : undefined;
  // Stream time as the window store sees it: records with a NULL group key never reach it.
  let finalTime = streamTime;
  const emit = final ? final.offer : out;

  const windowed = window ? windowedAggregate(node, env, grace, needPrev, store, streamTime) : undefined;

  const results = (e: AggEntry): Value[] => {
    const out = e.key.slice();
    for (let i = 0; i < aggs.length; i++) out.push(aggs[i]!.impl.result(e.states[i]));
    return out;
  };
  const groupKey = (r: Rec): Value[] | undefined => {
    const key = node.groupBy.map((g) => g.eval(r));
    if (key.some((v) => v === null)) {
      env.logError(`Group-by column with NULL value dropped: ${node.groupBy.map((g) => g.text).join(', ')}`, r);
      return undefined;
    }
    return key;
  };

  let pending: PendingChange | undefined;

  /** Emit the change held back (if any). */
  const emitPending = () => {
    const p = pending;
    if (!p) return;
    pending = undefined;
    const e = p.entry;
    const rec: Rec = { cols: results(e), ts: e.ts, partition: p.last.partition, offset: p.last.offset };
    // The headers of the record that last changed the row, as Kafka Streams' cached aggregate forwards them.
    if (p.last.headers) rec.headers = p.last.headers;
    if (needPrev) rec.prev = p.before;
    emit(rec);
  };

  /** Fold `remove` out of and `add` into one group's state; the change is emitted once the next one is not of the same group and time. */
  const apply = (key: Value[], remove: Rec | undefined, add: Rec | undefined) => {
    const base = (add ?? remove)!;
    const k = keyString(key);
    // Same group, and the result's time (the latest input's) stays: fold into the held change.
    const same = pending !== undefined && pending.key === k && base.ts <= pending.entry.ts;
    if (!same) emitPending();
    let e = same ? pending!.entry : store.get(k);
    const before = !same && needPrev && e ? results(e) : null;
    if (!e) {
      if (!add) return;
      e = { key, states: aggs.map((a) => a.impl.init()), ts: base.ts, rows: 0 };
    }
    for (let i = 0; i < aggs.length; i++) {
      const a = aggs[i]!;
      if (remove && a.impl.undo)
        e.states[i] = a.impl.undo(
          e.states[i],
          a.args.map((x) => x.eval(remove)),
        );
      if (add)
        e.states[i] = a.impl.add(
          e.states[i],
          a.args.map((x) => x.eval(add)),
        );
    }
    e.rows += (add ? 1 : 0) - (remove ? 1 : 0);
    if (base.ts > e.ts) e.ts = base.ts;
    store.put(k, e);
    if (same) pending!.last = base;
    else pending = { key: k, entry: e, before, last: base };
  };

  const push = (r: Rec) => {
    if (r.ts > streamTime) {
      streamTime = r.ts;
      meta.put('streamTime', streamTime);
    }
    if (r.prev !== undefined) {
      // Table input: retract the old row from its group and add the new one; when the group is
      // unchanged that is one update (one output), otherwise one output per group.
      const oldRec = r.prev ? { ...r, cols: r.prev } : undefined;
      const oldKey = oldRec ? groupKey(oldRec) : undefined;
      const newKey = r.tombstone ? undefined : groupKey(r);
      if (oldKey && newKey && keyString(oldKey) === keyString(newKey)) return apply(newKey, oldRec, r);
      if (oldKey) apply(oldKey, oldRec, undefined);
      if (newKey) apply(newKey, undefined, r);
      return;
    }
    const key = groupKey(r);
    if (!key) return;
    if (final && r.ts > finalTime) {
      final.advance(finalTime, r.ts);
      finalTime = r.ts;
    }
    if (windowed) windowed.push(r, key, streamTime);
    else apply(key, undefined, r);
  };

  const endBatch = () => {
    emitPending();
    // Without GROUP BY (bounded queries only: planner/plan-query.ts) there is one group, and it
    // exists with no input too: SQL's COUNT(*) over no rows is one row of 0.
    if (node.groupBy.length === 0 && !windowed && !store.get(keyString([]))) {
      const e: AggEntry = { key: [], states: aggs.map((a) => a.impl.init()), ts: 0, rows: 0 };
      store.put(keyString([]), e);
      emit({ cols: results(e), ts: 0, partition: 0, offset: 0, ...(needPrev ? { prev: null } : {}) });
    }
    if (windowed) windowed.endBatch(emit, streamTime);
    if (final) final.release();
  };
  return { push, endBatch };
}
