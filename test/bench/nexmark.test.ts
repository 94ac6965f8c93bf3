// Each benchmark query gives the hand-written loop's answer: through the real engine path over the
// nexmark source connector (what `eddy bench` measures, here with a real sink topic to read the
// answer from), through the embedded log with JSON records, through JSON-lines files read by the
// file source, and through its operators fed in-process.
import { describe, expect, it } from 'vitest';
import { answers, checkAnswer, engineAnswers } from '../../src/bench/nexmark-bench.js';
import { NEXMARK_QUERIES } from '../../src/bench/nexmark-queries.js';

// The loop is per record; the answers must not depend on the batch size (a stream joined to an
// aggregation's changes included: q7).

for (const via of ['nexmark', 'log', 'file'] as const) {
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

describe("eddy bench's own check of a real path's answer", () => {
  it('q7 over files at 10,000 records per cycle equals the loop (what the bench table marks ✓)', () => {
    const c = checkAnswer(NEXMARK_QUERIES.find((n) => n.name === 'q7')!, 10_000, 'file');
    expect(c.rows).toBeGreaterThan(0);
    expect(c.ok).toBe(true);
  });
  it("a wrong answer is marked wrong: q2 over the log at 10,000 compared with q1's loop", () => {
    const q1 = NEXMARK_QUERIES.find((n) => n.name === 'q1')!;
    const q2 = NEXMARK_QUERIES.find((n) => n.name === 'q2')!;
    expect(checkAnswer({ ...q2, name: q1.name }, 10_000, 'log').ok).toBe(false);
  });
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
