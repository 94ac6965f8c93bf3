// Which time windows a record falls in, as Kafka Streams' TimeWindows.windowsFor computes them.

import type { WindowSpec } from '../../parser/ast.js';

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
