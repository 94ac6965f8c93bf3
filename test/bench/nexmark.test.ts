// Each benchmark query gives the hand-written loop's answer, both through the real engine path
// (persistent queries over the embedded log) and through its operators fed in-process.
import { describe, expect, it } from 'vitest';
import { answers, engineAnswers } from '../../src/bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../../src/bench/nexmark-queries.js';

describe('Nexmark correctness: the engine equals the hand-written loop', () => {
  for (const q of NEXMARK_QUERIES) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = engineAnswers(q, 20_000, 1000);
      expect(baseline.length).toBeGreaterThan(0);
      expect(eddy).toEqual(baseline);
    });
  }
});

describe('Nexmark correctness: the operators fed in-process equal the hand-written loop', () => {
  for (const q of NEXMARK_QUERIES) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = answers(q, 30_000);
      expect(baseline.length).toBeGreaterThan(0);
      expect(eddy).toEqual(baseline);
    });
  }
});
