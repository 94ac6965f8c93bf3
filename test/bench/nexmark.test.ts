// Each benchmark query, run by Eddy on a small fixed input, gives the hand-written loop's answer.
import { describe, expect, it } from 'vitest';
import { answers } from '../../src/bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../../src/bench/nexmark-queries.js';

describe('Nexmark correctness: Eddy equals the hand-written loop', () => {
  for (const q of NEXMARK_QUERIES) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = answers(q, 30_000);
      expect(baseline.length).toBeGreaterThan(0);
      expect(eddy).toEqual(baseline);
    });
  }
});
