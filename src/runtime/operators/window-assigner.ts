// Which time windows a record falls in, as Kafka Streams' TimeWindows.windowsFor computes them.

import type { WindowSpec } from '../../parser/ast.js';
import type { WindowBounds } from '../../planner/record.js';

/** ksqlDB's default grace period when a window names none. */
export const DEFAULT_GRACE_MS = 24 * 3600 * 1000;

export function graceOf(w: WindowSpec): number {
  return w.grace ? w.grace.ms : DEFAULT_GRACE_MS;
}

export function timeWindowsFor(w: WindowSpec, ts: number): WindowBounds[] {
  if (w.kind === 'SESSION') throw new Error('session windows are not assigned per record');
  const size = w.size.ms;
  const advance = w.kind === 'HOPPING' ? w.advance.ms : size;
  const out: WindowBounds[] = [];
  let start = Math.floor(Math.max(0, ts - size + advance) / advance) * advance;
  while (start <= ts) {
    out.push({ start, end: start + size });
    start += advance;
  }
  return out;
}
