// A client that asks one statement back to back until stopped: the longest wait for an answer is
// the delay that other work (a hostile client, a slow query) caused it.

import type { EddyClient } from '../../src/server/client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function probe(c: EddyClient, sql: string, pauseMs: number): { stop(): Promise<{ worstMs: number; answers: number }> } {
  let running = true;
  let worstMs = 0;
  let answers = 0;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await c.execute(sql);
      worstMs = Math.max(worstMs, performance.now() - t);
      answers++;
      await sleep(pauseMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { worstMs, answers };
    },
  };
}
