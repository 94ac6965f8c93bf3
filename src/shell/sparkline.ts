// A throughput sparkline: the last samples as eighth-blocks scaled to the largest.

const BLOCKS = '▁▂▃▄▅▆▇█';

export function sparkline(samples: readonly number[], width: number): string {
  const s = samples.slice(-width);
  const max = Math.max(...s, 0);
  return s.map((v) => (max <= 0 || v <= 0 ? ' ' : BLOCKS[Math.min(7, Math.floor((v / max) * 7.999))]!)).join('');
}

/** A progress bar `[█████·····]  42%` of `width` cells. */
export function progressBar(done: number, total: number, width: number): string {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(f * width);
  return `[${'█'.repeat(full)}${'·'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}
