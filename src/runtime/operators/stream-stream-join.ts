// Stream–stream join within a time window. Both sides are buffered by key; a record joins the
// other side's buffered records whose time lies within the window. For outer joins, a record
// that found no partner is emitted with NULLs: at once when the join names no GRACE PERIOD
// (ksqlDB's legacy behaviour), or once its window has closed when it does.

import type { JoinNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';
import { DEFAULT_GRACE_MS } from './window-assigner.js';

interface Buffered {
  cols: Value[];
  ts: number;
  partition: number;
  offset: number;
  matched: boolean;
}

export function streamStreamJoinOperator(node: JoinNode, env: OperatorEnv, out: Emit): { left: Emit; right: Emit; endBatch: () => void } {
  const w = node.within!;
  const eager = w.graceMs === undefined;
  const grace = w.graceMs ?? DEFAULT_GRACE_MS;
  const codec = {
    enc: (v: Buffered[]) => v.map((b) => ({ c: b.cols.map(toJsonValue), t: b.ts, p: b.partition, o: b.offset, m: b.matched })),
    dec: (j: unknown) => (j as { c: unknown[]; t: number; p: number; o: number; m: boolean }[]).map((b) => ({ cols: b.c.map(fromJsonValue), ts: b.t, partition: b.p, offset: b.o, matched: b.m })),
  };
  const leftBuf = env.store<Buffered[]>('left', codec.enc, codec.dec);
  const rightBuf = env.store<Buffered[]>('right', codec.enc, codec.dec);
  const meta = env.store<number>('meta', (v) => v, (j) => j as number);
  let streamTime = meta.get('streamTime') ?? -Infinity;
  const lw = node.left.schema.columns.length;
  const rw = node.right.schema.columns.length;
  const keepLeft = node.joinType === 'LEFT' || node.joinType === 'FULL';
  const keepRight = node.joinType === 'RIGHT' || node.joinType === 'FULL';
  const nullsL: Value[] = new Array<Value>(lw).fill(null);
  const nullsR: Value[] = new Array<Value>(rw).fill(null);

  const advance = (ts: number) => {
    if (ts > streamTime) {
      streamTime = ts;
      meta.put('streamTime', ts);
    }
  };

  const side = (isLeft: boolean) => (r: Rec) => {
    advance(r.ts);
    const key = (isLeft ? node.leftKey : node.rightKey).eval(r);
    const keep = isLeft ? keepLeft : keepRight;
    if (key === null) {
      if (keep) out({ cols: isLeft ? [...r.cols, ...nullsR] : [...nullsL, ...r.cols], ts: r.ts, partition: r.partition, offset: r.offset });
      return;
    }
    const k = keyString([key]);
    const own = isLeft ? leftBuf : rightBuf;
    const other = isLeft ? rightBuf : leftBuf;
    // other.ts must lie in [ts - before, ts + after] seen from the left record.
    const lo = isLeft ? r.ts - w.beforeMs : r.ts - w.afterMs;
    const hi = isLeft ? r.ts + w.afterMs : r.ts + w.beforeMs;
    const candidates = other.get(k) ?? [];
    let matched = false;
    for (const o of candidates) {
      if (o.ts < lo || o.ts > hi) continue;
      matched = true;
      o.matched = true;
      const cols = isLeft ? [...r.cols, ...o.cols] : [...o.cols, ...r.cols];
      out({ cols, ts: Math.max(r.ts, o.ts), partition: r.partition, offset: r.offset });
    }
    if (matched) other.put(k, candidates);
    if (!matched && keep && eager) {
      out({ cols: isLeft ? [...r.cols, ...nullsR] : [...nullsL, ...r.cols], ts: r.ts, partition: r.partition, offset: r.offset });
    }
    const list = own.get(k) ?? [];
    list.push({ cols: r.cols, ts: r.ts, partition: r.partition, offset: r.offset, matched: matched || eager });
    own.put(k, list);
  };

  const endBatch = () => {
    const horizon = w.beforeMs + w.afterMs + grace;
    for (const [isLeft, buf] of [
      [true, leftBuf],
      [false, rightBuf],
    ] as const) {
      const keep = isLeft ? keepLeft : keepRight;
      const span = isLeft ? w.afterMs : w.beforeMs;
      for (const [k, list] of buf.entries()) {
        const rest: Buffered[] = [];
        let changed = false;
        for (const b of list) {
          if (!eager && keep && !b.matched && b.ts + span + grace < streamTime) {
            out({ cols: isLeft ? [...b.cols, ...nullsR] : [...nullsL, ...b.cols], ts: b.ts, partition: b.partition, offset: b.offset });
            b.matched = true;
            changed = true;
          }
          if (b.ts + horizon < streamTime) changed = true;
          else rest.push(b);
        }
        if (changed) {
          if (rest.length) buf.put(k, rest);
          else buf.delete(k);
        }
      }
    }
  };
  return { left: side(true), right: side(false), endBatch };
}
