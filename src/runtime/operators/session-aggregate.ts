// GROUP BY with a SESSION window: a record extends or bridges the key's sessions within the
// gap; merged-away sessions are deleted (a tombstone each) and the merged session is emitted,
// as Kafka Streams' session aggregation does.

import type { AggregateNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import { emitFinalBuffer } from './emit-final.js';
import type { Emit, OperatorEnv } from './operator.js';
import { graceOf } from './window-assigner.js';

interface Session {
  start: number;
  end: number;
  states: unknown[];
  ts: number;
}

export function sessionAggregateOperator(node: AggregateNode, env: OperatorEnv, out: Emit): { push: Emit; endBatch: () => void } {
  const w = node.window!;
  if (w.kind !== 'SESSION') throw new Error('session aggregate needs a SESSION window');
  const gap = w.gap.ms;
  const grace = graceOf(w);
  const aggs = node.aggregates;
  const store = env.store<{ key: Value[]; sessions: Session[] }>(
    'sessions',
    (e) => ({ k: e.key.map(toJsonValue), s: e.sessions.map((x) => ({ a: x.start, b: x.end, t: x.ts, s: x.states.map((st, i) => aggs[i]!.impl.serialize(st)) })) }),
    (j) => {
      const o = j as { k: unknown[]; s: { a: number; b: number; t: number; s: unknown[] }[] };
      return { key: o.k.map(fromJsonValue), sessions: o.s.map((x) => ({ start: x.a, end: x.b, ts: x.t, states: x.s.map((st, i) => aggs[i]!.impl.deserialize(st)) })) };
    },
  );
  const meta = env.store<number>(
    'meta',
    (v) => v,
    (j) => j as number,
  );
  let streamTime = meta.get('streamTime') ?? -Infinity;
  // A session can still grow until stream time passes its end by the gap plus the grace period.
  const closed = (end: number, time: number) => end + gap + grace < time;
  const final = node.emitFinal ? emitFinalBuffer(env, node.groupBy.length, (w, t) => closed(w.end, t), out) : undefined;
  const emit = final ? final.offer : out;
  const nulls = aggs.map(() => null);

  const push = (r: Rec) => {
    // The sessions endBatch would have dropped after the previous record are gone for this one at
    // any batch size (a larger batch still holds them).
    const before = streamTime;
    if (r.ts > streamTime) {
      streamTime = r.ts;
      meta.put('streamTime', streamTime);
    }
    const key = node.groupBy.map((g) => g.eval(r));
    if (key.some((v) => v === null)) {
      env.logError('Group-by column with NULL value dropped', r);
      return;
    }
    const k = keyString(key);
    const entry = store.get(k) ?? { key, sessions: [] };
    const overlapping = entry.sessions.filter((s) => s.end >= r.ts - gap && s.start <= r.ts + gap && !closed(s.end, before));
    const start = Math.min(r.ts, ...overlapping.map((s) => s.start));
    const end = Math.max(r.ts, ...overlapping.map((s) => s.end));
    if (closed(end, streamTime)) {
      env.countLate();
      return;
    }
    let states = aggs.map((a) => a.impl.init());
    let ts = r.ts;
    for (const s of overlapping) {
      states = states.map((st, i) => {
        const impl = aggs[i]!.impl;
        return impl.merge ? impl.merge(st, s.states[i]) : s.states[i];
      });
      if (s.ts > ts) ts = s.ts;
    }
    states = states.map((st, i) =>
      aggs[i]!.impl.add(
        st,
        aggs[i]!.args.map((x) => x.eval(r)),
      ),
    );
    // The delete carries the row it removes (Kafka Streams forwards the merged-away session's old
    // value), so a HAVING downstream forwards it whenever that row had passed and was visible.
    for (const s of overlapping) {
      const before = [...key, ...s.states.map((st, i) => aggs[i]!.impl.result(st))];
      emit({ cols: [...key, ...nulls], ts: s.ts, partition: r.partition, offset: r.offset, window: { start: s.start, end: s.end }, tombstone: true, prev: before });
    }
    const merged: Session = { start, end, states, ts };
    entry.sessions = [...entry.sessions.filter((s) => !overlapping.includes(s)), merged].sort((a, b) => a.start - b.start);
    store.put(k, entry);
    emit({ cols: [...key, ...states.map((st, i) => aggs[i]!.impl.result(st))], ts, partition: r.partition, offset: r.offset, window: { start, end }, prev: null });
  };

  const endBatch = () => {
    if (final) final.release();
    for (const [k, e] of store.entries()) {
      const live = e.sessions.filter((s) => !closed(s.end, streamTime));
      if (live.length === 0) store.delete(k);
      else if (live.length !== e.sessions.length) store.put(k, { key: e.key, sessions: live });
    }
  };
  return { push, endBatch };
}
