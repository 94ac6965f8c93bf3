import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile, summaryLine } from '../../src/conformance/runner.js';

const FIX = join(__dirname, 'fixtures');
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

describe('conformance runner', () => {
  it('expands formats, skips schema-registry ones, reports the first differing record', () => {
    const r = runFile(join(FIX, 'cases.json'));
    expect(r.map((c) => [c.name, c.status])).toEqual([
      ['count per key - JSON', 'passed'],
      ['count per key - AVRO', 'skipped'],
      ['wrong expectation', 'failed'],
      ['expected error', 'passed'],
    ]);
    expect(r[2]!.reason).toBe('topic O: record #1 differs: expected {key="a", value={"V":2}}, got {key="a", value={"V":1}, ts=0}');
    expect(summaryLine({ passed: 2, failed: 1, skipped: 1 })).toBe('2 passed, 1 failed, 1 skipped');
  });

  it('eddy test --json prints machine-readable cases and exits non-zero on failure', () => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'test', '--json', join(FIX, 'cases.json')], { encoding: 'utf8' });
    expect(p.status).toBe(1);
    const out = JSON.parse(p.stdout) as { cases: { status: string; format: string }[] };
    expect(out.cases.map((c) => c.status)).toEqual(['passed', 'skipped', 'failed', 'passed']);
  });

  it("eddy test --sql/--input/--output runs a user's own case", () => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'test', '--sql', join(FIX, 'doubled.sql'), '--input', join(FIX, 'doubled-input.json'), '--output', join(FIX, 'doubled-output.json')], { encoding: 'utf8' });
    expect(p.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(p.status).toBe(0);
  });
});
