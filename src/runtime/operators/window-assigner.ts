// Which time windows a record falls in, as Kafka Streams' TimeWindows.windowsFor computes them.

import type { WindowSpec } from '../../parser/ast.js';
import type { FinalRetention } from './emit-final.js';

/** ksqlDB's default grace period when a window names none. */
export const DEFAULT_GRACE_MS = 24 * 3600 * 1000;

export function graceOf(w: WindowSpec): number {
  return w.grace ? w.grace.ms : DEFAULT_GRACE_MS;
}

/**
 * The time windows a record falls in, as Kafka Streams' TimeWindows.windowsFor computes them: starts
 * from `first` up to the record's time, `advance` apart (no list built on the hot path).
 */
export function timeWindowSteps(w: WindowSpec, ts: number): { first: number; size: number; advance: number } {
  if (w.kind === 'SESSION') throw new Error('session windows are not assigned per record');
  const size = w.size.ms;
  const advance = w.kind === 'HOPPING' ? w.advance.ms : size;
  return { first: Math.floor(Math.max(0, ts - size + advance) / advance) * advance, size, advance };
}

/**
 * What Kafka Streams' store of a TUMBLING/HOPPING EMIT FINAL aggregation gives out: windows starting
 * at or after the latest window start put (the latest window holding stream time) less the
 * retention — the window's RETENTION or, unset, size + grace (the Materialized default ksqlDB
 * leaves in place). Its time-ordered store keeps that bound inclusive, unlike the plain window
 * store's `+ 1`.
 */
export function timeWindowRetention(w: WindowSpec, grace: number): FinalRetention {
  const { size, advance } = timeWindowSteps(w, 0);
  const retention = w.retention ? w.retention.ms : size + grace;
  return {
    keptFrom: (time) => Math.floor(Math.max(0, time) / advance) * advance - retention,
    closeOf: (b) => b.end + grace,
    closeFrom: (start) => start + size + grace,
  };
}
