import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    ...shared,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'eddy', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: ['test/kafka/**'] } },
      // One real Kafka broker for every Kafka suite, started only when one of them runs.
      { test: { ...shared, name: 'kafka', include: ['test/kafka/**/*.test.ts'], globalSetup: ['test/kafka/broker-setup.ts'], fileParallelism: false } },
    ],
  },
});
