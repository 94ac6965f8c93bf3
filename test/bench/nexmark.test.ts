// Each benchmark query gives the hand-written loop's answer: through the real engine path over the
// nexmark source connector (what `eddy bench` measures, here with a real sink topic to read the
// answer from), through the embedded log with JSON records, and through its operators fed in-process.
import { describe, expect, it } from 'vitest';
import { answers, engineAnswers } from '../../src/bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../../src/bench/nexmark-queries.js';

// The loop is per record; the answers must not depend on the batch size (a stream joined to an
// aggregation's changes included: q7).

for (const via of ['nexmark', 'log'] as const) {
  describe(`Nexmark correctness: the engine (via ${via}) equals the hand-written loop`, () => {
    for (const q of NEXMARK_QUERIES) {
      it(`${q.name} ${q.title}`, () => {
        const { eddy, baseline } = engineAnswers(q, 20_000, 1000, via);
        expect(baseline.length).toBeGreaterThan(0);
        expect(eddy).toEqual(baseline);
      });
    }
  });
}

describe("Nexmark correctness at the bench's own batch size (10,000 records per query per cycle)", () => {
  for (const q of NEXMARK_QUERIES.filter((n) => ['q3', 'q7', 'q8'].includes(n.name))) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = engineAnswers(q, 25_000, 10_000, 'nexmark');
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
