// Runs the conformance runner over the development split when it is present beside the
// repository, and fails if fewer cases pass than the floor kept in floor.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFilesInTurns, summaryLine } from '../../src/conformance/runner.js';

const DEV = join(__dirname, '..', '..', '..', 'shared', 'conformance', 'ksql-dev');
const floor = (JSON.parse(readFileSync(join(__dirname, 'floor.json'), 'utf8')) as { passed: number }).passed;

describe('ksqlDB conformance (development split)', () => {
  it.runIf(existsSync(DEV))(
    `passes at least ${floor} cases and crashes on none`,
    async () => {
      const s = await runFilesInTurns([DEV]);
      console.log(`conformance: ${summaryLine(s)} (floor ${floor})`);
      expect(s.cases.filter((c) => c.reason?.startsWith('runner crashed'))).toEqual([]);
      expect(s.passed).toBeGreaterThanOrEqual(floor);
    },
    600_000,
  );

  it.runIf(!existsSync(DEV))('is skipped: no ../shared/conformance/ksql-dev beside the repository', () => {
    console.warn(`\n*** conformance suite NOT RUN: ${DEV} is missing ***\n`);
  });
});
