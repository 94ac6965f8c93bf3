// EMIT FINAL: hold each window's latest result until the window closes (end + grace ≤ stream
// time), then emit it once — Kafka Streams' suppress(untilWindowCloses) / EmitStrategy.onWindowClose.
//
// A TUMBLING/HOPPING window closing is emitted only if Kafka Streams' window store still holds it
// at that moment: the windows emitted on close are fetched from the store, whose fetch skips the
// windows starting before (latest window start put) − retention (retention: the window's
// RETENTION, else size + grace). So when stream time jumps past a window's close by more than
// the retention (a record far ahead), that window's final result is never emitted.

import type { Rec, WindowBounds } from '../../planner/record.js';
import { fromJsonValue, keyString, toJsonValue } from '../../planner/value-json.js';
import type { Emit, OperatorEnv } from './operator.js';

/**
 * What a time-window store retains: `keptFrom(t)` is the earliest window start the store still
 * gives out once stream time is t (latest window start at t − retention).
 */
export interface FinalRetention {
  readonly keptFrom: (time: number) => number;
  /** Close time (end + grace) of a window. */
  readonly closeOf: (w: WindowBounds) => number;
  /** Close of a window starting at `start`. */
  readonly closeFrom: (start: number) => number;
}

/** A stream-time advance (from, to] after which the store gave out only windows starting at `kept` or later. */
interface Advance {
  from: number;
  to: number;
  kept: number;
}

/** `closed(window, streamTime)`: whether the window can no longer change. */
export function emitFinalBuffer(
  env: OperatorEnv,
  keyCount: number,
  closed: (w: WindowBounds, time: number) => boolean,
  out: Emit,
  retention?: FinalRetention,
): { offer: Emit; advance: (from: number, to: number) => void; release: () => void } {
  const buf = env.store<Rec>(
    'final',
    (r) => ({ c: r.cols.map(toJsonValue), t: r.ts, w: r.window, p: r.partition, o: r.offset }),
    (j) => {
      const o = j as { c: unknown[]; t: number; w: { start: number; end: number }; p: number; o: number };
      return { cols: o.c.map(fromJsonValue), ts: o.t, window: o.w, partition: o.p, offset: o.o };
    },
  );
  const meta = env.store<number>(
    'final-meta',
    (v) => v,
    (j) => j as number,
  );
  let suppressTime = meta.get('time') ?? -Infinity;
  // The batch's stream-time advances after which some window may close already out of the store;
  // a window is decided at the first advance that closes it, all of which happen before release.
  let advances: Advance[] = [];
  /** Whether the window was gone from the store when stream time first reached its close. */
  const lost = (w: WindowBounds): boolean => {
    if (!retention) return false;
    const close = retention.closeOf(w);
    const a = advances.find((x) => x.from < close && close <= x.to);
    return a !== undefined && w.start < a.kept;
  };
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
    advance: (from, to) => {
      if (!retention || to <= from) return;
      const kept = retention.keptFrom(to);
      // Only worth keeping when a window the store no longer gives out can close in (from, to].
      if (retention.closeFrom(kept) > from) advances.push({ from, to, kept });
    },
    release: () => {
      const ready = [...buf.entries()].filter(([, r]) => r.window && closed(r.window, suppressTime));
      ready.sort((a, b) => a[1].window!.end - b[1].window!.end || a[1].ts - b[1].ts);
      for (const [k, r] of ready) {
        buf.delete(k);
        if (!lost(r.window!)) out(r);
      }
      advances = [];
    },
  };
}
