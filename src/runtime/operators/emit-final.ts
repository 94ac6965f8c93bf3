// EMIT FINAL: hold each window's latest result until the window closes (end + grace ≤ stream
// time), then emit it once — Kafka Streams' suppress(untilWindowCloses).

import type { Rec, WindowBounds } from '../../planner/record.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';

/** `closed(window, streamTime)`: whether the window can no longer change. */
export function emitFinalBuffer(env: OperatorEnv, keyCount: number, closed: (w: WindowBounds, time: number) => boolean, out: Emit): { offer: Emit; release: () => void } {
  const buf = env.store<Rec>(
    'final',
    (r) => ({ c: r.cols.map(toJsonValue), t: r.ts, w: r.window, p: r.partition, o: r.offset }),
    (j) => {
      const o = j as { c: unknown[]; t: number; w: { start: number; end: number }; p: number; o: number };
      return { cols: o.c.map(fromJsonValue), ts: o.t, window: o.w, partition: o.p, offset: o.o };
    },
  );
  const meta = env.store<number>('final-meta', (v) => v, (j) => j as number);
  let suppressTime = meta.get('time') ?? -Infinity;
  return {
    offer: (r) => {
      if (r.ts > suppressTime) {
        suppressTime = r.ts;
        meta.put('time', suppressTime);
      }
      const { prev: _prev, ...rest } = r;
      const k = keyString([...r.cols.slice(0, keyCount), r.window?.start ?? null, r.window?.end ?? null]);
      // A window deleted before it closed (a session merged into another) is never final.
      if (r.tombstone) buf.delete(k);
      else buf.put(k, rest);
    },
    release: () => {
      const ready = [...buf.entries()].filter(([, r]) => r.window && closed(r.window, suppressTime));
      ready.sort((a, b) => a[1].window!.end - b[1].window!.end || a[1].ts - b[1].ts);
      for (const [k, r] of ready) {
        buf.delete(k);
        out(r);
      }
    },
  };
}
