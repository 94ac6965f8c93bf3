// Ends a run with one plain line, `Tests: N passed, N failed, N skipped`: vitest's own summary is
// laid out for people, and CI tools read this simpler form.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  private line = '';

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const n = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') n.passed++;
        else if (state === 'failed') n.failed++;
        else n.skipped++;
      }
      // A file that failed to load has no tests to count, but it failed.
      if (m.state() === 'failed' && ![...m.children.allTests()].some((t) => t.result().state === 'failed')) n.failed++;
    }
    this.line = `Tests: ${n.passed} passed, ${n.failed} failed, ${n.skipped} skipped`;
  }

  // The default reporter prints its summary here; this runs after it (reporters run in order).
  onFinished(): void {
    if (this.line) process.stdout.write(`${this.line}\n`);
  }
}
