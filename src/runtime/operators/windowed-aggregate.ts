// The TUMBLING/HOPPING half of GROUP BY over a stream: folds each record into the state of its
// group in every window it falls in. State is segmented by window (state/window-segments.ts): once
// a window closes (end + grace ≤ stream time) its records would be late and dropped, so the whole
// segment leaves memory at the end of the batch. Under a CTAS each (group, window)'s state is
// persisted in the table's pull-store row (runtime/pull-store.ts), which stays; otherwise in the
// 'wagg' store, where a closed window is deleted as one key range.
// Changes are collapsed per batch as in aggregate.ts: one change per (group, window) touched.

import type { AggregateNode } from '../../planner/plan.js';
import type { Rec, WindowBounds } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { fromJsonValue, toJsonValue } from '../../planner/value-json.js';
import { groupIdOf, segmentKey, segmentRange, WindowSegment } from '../state/window-segments.js';
import type { Emit, OperatorEnv } from './operator.js';
import { timeWindowSteps } from './window-assigner.js';

/** One (group, window) as persisted: the JSON shape aggregate.ts has always written. */
export interface WindowEntry {
  key: Value[];
  window: WindowBounds;
  states: unknown[];
  ts: number;
  rows: number;
}

/** The plain aggregation store, where an older Eddy kept windowed state too. */
interface LegacyStore {
  entries(): IterableIterator<[string, Omit<WindowEntry, 'window'> & { window?: WindowBounds }]>;
  delete(key: string): void;
}

/** A (group, window) changed in this batch: its result before the batch and its latest input. */
interface Pending {
  seg: WindowSegment;
  slot: number;
  before: Value[] | null;
  partition: number;
  offset: number;
  /** The latest input's headers: the output carries them, as Kafka Streams' does. */
  headers: Rec['headers'];
}

export interface WindowedAggregate {
  /** Fold a stream record (not late: the caller checked) into its windows. */
  push(r: Rec, key: Value[], streamTime: number): void;
  /** Emit the batch's changes, then drop the windows that closed at `streamTime`. */
  endBatch(emit: Emit, streamTime: number): void;
}

export function windowedAggregate(node: AggregateNode, env: OperatorEnv, grace: number, needPrev: boolean, legacy: LegacyStore, streamTime: number): WindowedAggregate {
  const window = node.window!;
  const { size, advance } = timeWindowSteps(window, 0);
  const aggs = node.aggregates;
  const width = node.groupBy.length;
  // In a pull-store row the window is the row's own (columns wstart, wend): not repeated there.
  const encodeRow = (e: WindowEntry): Record<string, unknown> => ({ k: e.key.map(toJsonValue), s: e.states.map((s, i) => aggs[i]!.impl.serialize(s)), t: e.ts, n: e.rows });
  const encode = (e: WindowEntry): unknown => ({ ...encodeRow(e), w: e.window });
  const decode = (j: unknown): WindowEntry => {
    const o = j as { k: unknown[]; w: WindowBounds; s: unknown[]; t: number; n: number };
    return { key: o.k.map(fromJsonValue), window: o.w, states: o.s.map((s, i) => aggs[i]!.impl.deserialize(s)), ts: o.t, rows: o.n };
  };
  const store = env.store<WindowEntry>('wagg', encode, decode);
  // Under a CTAS the state lives in the table's pull-store rows (runtime/pull-store.ts); the
  // 'wagg' store then only holds what an older Eddy wrote, moved over below.
  const shared = env.windowRows;
  /** `task`: the input partition of the (group, window)'s latest record (its changelog partition under scale-out). */
  const stage = (e: WindowEntry, task?: number): void => {
    if (shared) shared.stage(e.key, e.window, JSON.stringify(encodeRow(e)));
    else store.stage(segmentKey(e.window.start, e.key), e, task);
  };
  /** JSON.stringify(encodeRow(entry)) of a slot, written out directly when every value is a finite number (counts, sums). */
  const slotJson = (seg: WindowSegment, slot: number, key: readonly Value[]): string => {
    let k = '';
    let st = '';
    let plain = true;
    for (let i = 0; i < key.length && plain; i++) {
      const v = key[i];
      if (typeof v === 'number' && Number.isFinite(v)) k += i ? `,${v}` : `${v}`;
      else plain = false;
    }
    for (let i = 0; i < aggs.length && plain; i++) {
      const v = aggs[i]!.impl.serialize(seg.states[i]![slot]);
      if (typeof v === 'number' && Number.isFinite(v)) st += i ? `,${v}` : `${v}`;
      else plain = false;
    }
    if (!plain) return JSON.stringify(encodeRow({ key: key as Value[], window: seg.bounds, states: seg.states.map((s) => s[slot]), ts: seg.ts[slot]!, rows: seg.rows[slot]! }));
    return `{"k":[${k}],"s":[${st}],"t":${seg.ts[slot]!},"n":${seg.rows[slot]!}}`;
  };
  const segments = new Map<number, WindowSegment>();
  // Windows of one query hold similar numbers of groups: a new one starts with room for the last
  // that closed, instead of growing (and copying) its columns step by step.
  let expected = 0;
  const segmentFor = (start: number): WindowSegment => {
    let seg = segments.get(start);
    if (!seg) segments.set(start, (seg = new WindowSegment({ start, end: start + size }, width, aggs.length, expected)));
    return seg;
  };
  // Under a CTAS the open windows' groups are state the 'wagg' store does not hold: counted here.
  if (shared)
    env.countState?.(() => {
      let n = 0;
      for (const seg of segments.values()) n += seg.size;
      return n;
    });
  const restore = (e: WindowEntry) => segmentFor(e.window.start).add(groupIdOf(e.key), e.key, e.states, e.ts, e.rows);
  if (shared) for (const [j, window] of shared.load(grace, streamTime)) restore({ ...decode(j), window });
  const loaded = store.takeLoaded();
  for (const e of loaded.values()) restore(e);
  if (shared && loaded.size) {
    for (const e of loaded.values()) stage(e);
    store.deleteRange('', '\uffff');
  }
  // Windowed state that an older Eddy kept in the plain 'agg' store moves here once.
  for (const [k, e] of [...legacy.entries()]) {
    if (!e.window) continue;
    const moved: WindowEntry = { ...e, window: e.window };
    restore(moved);
    stage(moved);
    legacy.delete(k);
  }

  const pending: Pending[] = [];
  const pendingIn = new Map<WindowSegment, Map<number, Pending>>();
  const argv: Value[][] = aggs.map((a) => new Array<Value>(a.args.length));

  const results = (seg: WindowSegment, slot: number): Value[] => {
    const out = seg.key(slot).slice();
    for (let i = 0; i < aggs.length; i++) out.push(aggs[i]!.impl.result(seg.states[i]![slot]));
    return out;
  };

  const push = (r: Rec, key: Value[], streamTime: number) => {
    // Arguments once per record, not once per window (a hop puts a record in size/advance windows).
    for (let i = 0; i < aggs.length; i++) {
      const args = aggs[i]!.args;
      for (let j = 0; j < args.length; j++) argv[i]![j] = args[j]!.eval(r);
    }
    const id = groupIdOf(key);
    for (let start = timeWindowSteps(window, r.ts).first; start <= r.ts; start += advance) {
      if (start + size + grace <= streamTime) {
        env.countLate();
        continue;
      }
      const seg = segmentFor(start);
      let slot = seg.slots.get(id);
      if (slot === undefined)
        slot = seg.add(
          id,
          key,
          aggs.map((a) => a.impl.init()),
          r.ts,
          0,
        );
      let changes = pendingIn.get(seg);
      if (!changes) pendingIn.set(seg, (changes = new Map()));
      const p = changes.get(slot);
      if (p) {
        p.partition = r.partition;
        p.offset = r.offset;
        p.headers = r.headers;
      } else {
        const before = needPrev && seg.rows[slot]! > 0 ? results(seg, slot) : null;
        const change: Pending = { seg, slot, before, partition: r.partition, offset: r.offset, headers: r.headers };
        changes.set(slot, change);
        pending.push(change);
      }
      for (let i = 0; i < aggs.length; i++) seg.states[i]![slot] = aggs[i]!.impl.add(seg.states[i]![slot], argv[i]!);
      seg.rows[slot]!++;
      if (r.ts > seg.ts[slot]!) seg.ts[slot] = r.ts;
    }
  };

  const endBatch = (emit: Emit, streamTime: number) => {
    for (const p of pending) {
      const { seg, slot } = p;
      const cols = results(seg, slot);
      const rec: Rec = { cols, ts: seg.ts[slot]!, partition: p.partition, offset: p.offset, window: seg.bounds };
      if (p.headers) rec.headers = p.headers;
      if (needPrev) rec.prev = p.before;
      emit(rec);
      // Persist only what changed in the batch; the live state stays in the segment.
      const key = seg.key(slot);
      if (shared) shared.stage(key, seg.bounds, slotJson(seg, slot, key));
      else stage({ key: key as Value[], window: seg.bounds, states: seg.states.map((s) => s[slot]), ts: seg.ts[slot]!, rows: seg.rows[slot]! }, p.partition);
    }
    pending.length = 0;
    pendingIn.clear();
    // Closed windows can no longer change: drop each whole, from memory and from SQLite (unless
    // its rows are the table's pull store, which keeps every window).
    for (const [start, seg] of segments) {
      if (seg.bounds.end + grace > streamTime) continue;
      segments.delete(start);
      expected = seg.size;
      if (shared) continue;
      const [lo, hi] = segmentRange(start);
      store.deleteRange(lo, hi);
    }
  };
  return { push, endBatch };
}
