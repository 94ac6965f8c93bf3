// Each benchmark query gives the hand-written loop's answer: through the real engine path over the
// nexmark source connector (what `eddy bench` measures, here with a real sink topic to read the
// answer from), through the embedded log with JSON records, and through its operators fed in-process.
import { describe, expect, it } from 'vitest';
import { answers, engineAnswers } from '../../src/bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../../src/bench/nexmark-queries.js';

// A batch-dependent query (a stream joined to an aggregation's per-batch changes) equals the
// per-record loop only at one record per batch: checked there, on fewer events.

for (const via of ['nexmark', 'log'] as const) {
  describe(`Nexmark correctness: the engine (via ${via}) equals the hand-written loop`, () => {
    for (const q of NEXMARK_QUERIES) {
      it(`${q.name} ${q.title}`, () => {
        const { eddy, baseline } = q.batchDependent ? engineAnswers(q, 3000, 1, via) : engineAnswers(q, 20_000, 1000, via);
        expect(baseline.length).toBeGreaterThan(0);
        expect(eddy).toEqual(baseline);
      });
    }
  });
}

describe('Nexmark correctness: the operators fed in-process equal the hand-written loop', () => {
  for (const q of NEXMARK_QUERIES) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = q.batchDependent ? answers(q, 5000, 1) : answers(q, 30_000);
      expect(baseline.length).toBeGreaterThan(0);
      expect(eddy).toEqual(baseline);
    });
  }
});
