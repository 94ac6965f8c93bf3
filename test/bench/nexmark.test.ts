// Each benchmark query gives the hand-written loop's answer, both through the real engine path
// (persistent queries over the embedded log) and through its operators fed in-process.
import { describe, expect, it } from 'vitest';
import { answers, engineAnswers } from '../../src/bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../../src/bench/nexmark-queries.js';

// A batch-dependent query (a stream joined to an aggregation's per-batch changes) equals the
// per-record loop only at one record per batch: checked there, on fewer events.

describe('Nexmark correctness: the engine equals the hand-written loop', () => {
  for (const q of NEXMARK_QUERIES) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = q.batchDependent ? engineAnswers(q, 3000, 1) : engineAnswers(q, 20_000, 1000);
      expect(baseline.length).toBeGreaterThan(0);
      expect(eddy).toEqual(baseline);
    });
  }
});

describe('Nexmark correctness: the operators fed in-process equal the hand-written loop', () => {
  for (const q of NEXMARK_QUERIES) {
    it(`${q.name} ${q.title}`, () => {
      const { eddy, baseline } = q.batchDependent ? answers(q, 5000, 1) : answers(q, 30_000);
      expect(baseline.length).toBeGreaterThan(0);
      expect(eddy).toEqual(baseline);
    });
  }
});
