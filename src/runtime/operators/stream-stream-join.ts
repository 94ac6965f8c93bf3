// Stream–stream join within a time window, as Kafka Streams runs it. Each side keeps a window
// store of its records by key; a record joins the other side's stored records whose time lies
// within the window. A store keeps what it has seen for before + after + grace of its own stream
// time: an older record is not stored (it can no longer be joined) but still probes the other
// side. For outer joins, a record that found no partner is emitted with NULLs: at once when the
// join names no GRACE PERIOD (ksqlDB's legacy behaviour) or when its window already closed, else
// once its window closes.

import type { JoinNode } from '../../planner/plan.js';
import type { Rec, SourceMeta, WindowBounds } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';
import { joinSources, type JoinInput } from './join-sources.js';
import { DEFAULT_GRACE_MS } from './window-assigner.js';
import { MinHeap } from '../../util/min-heap.js';

interface Buffered {
  cols: Value[];
  ts: number;
  window?: WindowBounds;
  sources?: (SourceMeta | null)[];
  partition: number;
  offset: number;
  matched: boolean;
}

export function streamStreamJoinOperator(node: JoinNode, env: OperatorEnv, out: Emit): { left: Emit; right: Emit; endBatch: () => void } {
  const w = node.within!;
  const eager = w.graceMs === undefined;
  const grace = w.graceMs ?? DEFAULT_GRACE_MS;
  const codec = {
    enc: (v: Buffered[]) =>
      v.map((b) => ({ c: b.cols.map(toJsonValue), t: b.ts, p: b.partition, o: b.offset, m: b.matched, ...(b.window ? { w: b.window } : {}), ...(b.sources ? { s: b.sources } : {}) })),
    dec: (j: unknown) =>
      (j as { c: unknown[]; t: number; p: number; o: number; m: boolean; w?: WindowBounds; s?: (SourceMeta | null)[] }[]).map((b) => ({
        cols: b.c.map(fromJsonValue),
        ts: b.t,
        partition: b.p,
        offset: b.o,
        matched: b.m,
        ...(b.w ? { window: b.w } : {}),
        ...(b.s ? { sources: b.s } : {}),
      })),
  };
  const leftBuf = env.store<Buffered[]>('left', codec.enc, codec.dec);
  const rightBuf = env.store<Buffered[]>('right', codec.enc, codec.dec);
  const meta = env.store<number>(
    'meta',
    (v) => v,
    (j) => j as number,
  );
  let streamTime = meta.get('streamTime') ?? -Infinity;
  const sideTime = { left: meta.get('leftTime') ?? -Infinity, right: meta.get('rightTime') ?? -Infinity };
  const retention = w.beforeMs + w.afterMs + grace;
  const lw = node.left.schema.columns.length;
  const rw = node.right.schema.columns.length;
  const keepLeft = node.joinType === 'LEFT' || node.joinType === 'FULL';
  const keepRight = node.joinType === 'RIGHT' || node.joinType === 'FULL';
  const nullsL: Value[] = new Array<Value>(lw).fill(null);
  const nullsR: Value[] = new Array<Value>(rw).fill(null);

  // Keys by the time of what they hold, oldest first: a batch expires only what is due instead of
  // scanning every key (which made each batch cost as much as everything kept).
  const expiry = { left: new MinHeap<string>(), right: new MinHeap<string>() };
  for (const [name, buf] of [
    ['left', leftBuf],
    ['right', rightBuf],
  ] as const)
    for (const [k, list] of buf.entries()) for (const b of list) expiry[name].push(b.ts, k);

  const times = joinSources(node);
  const alone = (isLeft: boolean, t: JoinInput) => (isLeft ? times(t, undefined) : times(undefined, t));

  const advance = (ts: number) => {
    if (ts > streamTime) {
      streamTime = ts;
      meta.put('streamTime', ts);
    }
  };

  // Records given their NULL row while this record is handled: the store of one record per batch
  // still holds them when it probes (expiry runs at the batch's end).
  const doneNow = new Set<Buffered>();
  /**
   * Whether the end of the previous record's batch would have expired `o` (endBatch's rule): a
   * larger batch keeps it longer, and must not join it then, so the answer is the same at any size.
   */
  const expired = (o: Buffered, isLeftSide: boolean): boolean => o.ts < sideTime[isLeftSide ? 'left' : 'right'] - retention && ((o.matched && !doneNow.has(o)) || !(isLeftSide ? keepLeft : keepRight));

  const side = (isLeft: boolean) => (r: Rec) => {
    doneNow.clear();
    advance(r.ts);
    if (!eager && (keepLeft || keepRight) && r.ts === streamTime) emitClosed();
    const sideName = isLeft ? 'left' : 'right';
    if (r.ts > sideTime[sideName]) {
      sideTime[sideName] = r.ts;
      meta.put(`${sideName}Time`, r.ts);
    }
    const key = (isLeft ? node.leftKey : node.rightKey).eval(r);
    const keep = isLeft ? keepLeft : keepRight;
    if (key === null) {
      if (keep) out({ cols: isLeft ? [...r.cols, ...nullsR] : [...nullsL, ...r.cols], ts: r.ts, partition: r.partition, offset: r.offset, ...win(r.window), sources: alone(isLeft, r) });
      return;
    }
    // Windowed sources join per window: the window start is part of the key.
    const k = keyString(r.window ? [key, r.window.start] : [key]);
    const own = isLeft ? leftBuf : rightBuf;
    const other = isLeft ? rightBuf : leftBuf;
    // other.ts must lie in [ts - before, ts + after] seen from the left record.
    const lo = isLeft ? r.ts - w.beforeMs : r.ts - w.afterMs;
    const hi = isLeft ? r.ts + w.afterMs : r.ts + w.beforeMs;
    const candidates = other.get(k) ?? [];
    let matched = false;
    for (const o of candidates) {
      if (o.ts < lo || o.ts > hi || expired(o, !isLeft)) continue;
      matched = true;
      o.matched = true;
      const cols = isLeft ? [...r.cols, ...o.cols] : [...o.cols, ...r.cols];
      out({ cols, ts: Math.max(r.ts, o.ts), partition: r.partition, offset: r.offset, ...win(isLeft ? r.window : o.window), sources: isLeft ? times(r, o) : times(o, r) });
    }
    if (matched) other.put(k, candidates);
    // A record whose window has already closed cannot wait for a partner.
    const closed = r.ts + (isLeft ? w.afterMs : w.beforeMs) < streamTime;
    const emitted = !matched && keep && (eager || closed);
    if (emitted) {
      out({ cols: isLeft ? [...r.cols, ...nullsR] : [...nullsL, ...r.cols], ts: r.ts, partition: r.partition, offset: r.offset, ...win(r.window), sources: alone(isLeft, r) });
    }
    if (r.ts < sideTime[sideName] - retention) return;
    const list = own.get(k) ?? [];
    list.push({ cols: r.cols, ts: r.ts, partition: r.partition, offset: r.offset, matched: matched || eager || emitted, ...win(r.window), ...(r.sources ? { sources: [...r.sources] } : {}) });
    own.put(k, list);
    expiry[sideName].push(r.ts, k);
  };

  // Outer records still waiting for a partner are emitted with NULLs once their window and grace
  // have passed, oldest first (right before left on a tie, as Kafka Streams orders its store).
  const emitClosed = () => {
    const due: { isLeft: boolean; k: string; b: Buffered }[] = [];
    for (const [isLeft, buf] of [
      [false, rightBuf],
      [true, leftBuf],
    ] as const) {
      if (!(isLeft ? keepLeft : keepRight)) continue;
      const span = isLeft ? w.afterMs : w.beforeMs;
      for (const [k, list] of buf.entries()) {
        for (const b of list) if (!b.matched && b.ts + span + grace < streamTime) due.push({ isLeft, k, b });
      }
    }
    due.sort((x, y) => x.b.ts - y.b.ts || Number(x.isLeft) - Number(y.isLeft) || (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
    for (const { isLeft, k, b } of due) {
      out({ cols: isLeft ? [...b.cols, ...nullsR] : [...nullsL, ...b.cols], ts: b.ts, partition: b.partition, offset: b.offset, ...win(b.window), sources: alone(isLeft, b) });
      const buf = isLeft ? leftBuf : rightBuf;
      const list = buf.get(k)!;
      const same = list.find((x) => x.ts === b.ts && x.offset === b.offset && x.partition === b.partition && !x.matched);
      if (same) {
        same.matched = true;
        doneNow.add(same);
      }
      buf.put(k, list);
    }
  };

  /** Forget records older than the store's retention (outer ones once emitted). */
  const endBatch = () => {
    for (const [isLeft, buf] of [
      [true, leftBuf],
      [false, rightBuf],
    ] as const) {
      const keep = isLeft ? keepLeft : keepRight;
      const name = isLeft ? 'left' : 'right';
      const cutoff = sideTime[name] - retention;
      const heap = expiry[name];
      const waiting = new Map<string, number>();
      while (heap.size && heap.peek()! < cutoff) {
        const k = heap.pop()!;
        const list = buf.get(k);
        if (!list) continue; // already expired through an earlier entry of the same key
        const rest = list.filter((b) => !(b.ts < cutoff && (b.matched || !keep)));
        // An outer record past retention that still waits for its NULL row stays, and is looked at again next batch.
        for (const b of rest) if (b.ts < cutoff) waiting.set(k, Math.min(b.ts, waiting.get(k) ?? Infinity));
        if (rest.length === list.length) continue;
        if (rest.length) buf.put(k, rest);
        else buf.delete(k);
      }
      for (const [k, ts] of waiting) heap.push(ts, k);
    }
  };
  return { left: side(true), right: side(false), endBatch };
}

function win(w: WindowBounds | undefined): { window?: WindowBounds } {
  return w ? { window: w } : {};
}
