import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    ...shared,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'eddy', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: ['test/kafka/**', 'test/install/**'], sequence: { groupOrder: 0 } } },
      // One real Kafka broker for every Kafka suite, started only when one of them runs. The Kafka
      // suites run after the others, not beside them: their SIGKILL/restart tests stalled twice
      // when sharing the 2 cores with the rest of the suite (never alone; see the stop-9 note).
      { test: { ...shared, name: 'kafka', include: ['test/kafka/**/*.test.ts'], globalSetup: ['test/kafka/broker-setup.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
      // `npm pack` installed into fresh npm projects: minutes each, as every install builds
      // better-sqlite3's native module; alone, after the rest (`npm run test:install`).
      { test: { ...shared, name: 'install', include: ['test/install/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
