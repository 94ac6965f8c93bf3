import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile, summaryLine } from '../../src/conformance/runner.js';
import { cliScript } from '../bundled-script.js';

const FIX = join(__dirname, 'fixtures');
const CLI = await cliScript();

describe('conformance runner', () => {
  it('expands formats, runs schema-registry ones against the embedded registry, reports the first differing record', () => {
    const r = runFile(join(FIX, 'cases.json'));
    expect(r.map((c) => [c.name, c.status])).toEqual([
      ['count per key - JSON', 'passed'],
      ['count per key - AVRO', 'passed'],
      ['wrong expectation', 'failed'],
      ['expected error', 'passed'],
    ]);
    expect(r[2]!.reason).toBe('topic O: record #1 differs: expected {key="a", value={"V":2}}, got {key="a", value={"V":1}, ts=0}');
    expect(summaryLine({ passed: 2, failed: 1, skipped: 1, unchecked: 0 })).toBe('2 passed, 1 failed, 1 skipped');
  });

  it('eddy test --json prints machine-readable cases and exits non-zero on failure', () => {
    const p = spawnSync(process.execPath, [CLI, 'test', '--json', join(FIX, 'cases.json')], { encoding: 'utf8' });
    expect(p.status).toBe(1);
    const out = JSON.parse(p.stdout) as { cases: { status: string; format: string }[] };
    expect(out.cases.map((c) => c.status)).toEqual(['passed', 'passed', 'failed', 'passed']);
  });

  it("eddy test --sql/--input/--output runs a user's own case", () => {
    const p = spawnSync(process.execPath, [CLI, 'test', '--sql', join(FIX, 'doubled.sql'), '--input', join(FIX, 'doubled-input.json'), '--output', join(FIX, 'doubled-output.json')], {
      encoding: 'utf8',
    });
    expect(p.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(p.status).toBe(0);
  });

  // Asynchronous, so the test worker keeps answering vitest while the CLI runs.
  const eddyTest = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [CLI, 'test', ...args], { encoding: 'utf8' }, (_e, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
    });
  const doubled = ['--sql', join(FIX, 'doubled.sql'), '--input', join(FIX, 'doubled-input.json')];

  it('never passes a case that states no expectation, or whose query emits records the outputs do not list', () => {
    const r = runFile(join(FIX, 'false-passes.json'));
    expect(r.map((c) => [c.name, c.status])).toEqual([
      ['no expectation', 'unchecked'],
      ['no outputs expected but the query emits one', 'failed'],
      ['no outputs expected and none emitted', 'passed'],
      ['a second sink the outputs do not name emits', 'passed'],
    ]);
    expect(r[0]!.reason).toMatch(/states no expectation/);
    expect(r[1]!.reason).toBe('topic O: the case expects no output records ("outputs": []), but 1 were written, the first {key="a", value={"V":1}, ts=0}');
  });

  it('eddy test --sql without --output is unchecked, and {"outputs":[]} for a query that emits fails', async () => {
    const none = await eddyTest(...doubled);
    expect(none.stdout).toMatch(/^UNCHECKED .*states no expectation/m);
    expect(none.stdout.trim().split('\n').at(-1)).toBe('0 passed, 0 failed, 1 unchecked (no expectation)');
    expect(none.status).toBe(1);
    const empty = await eddyTest(...doubled, '--output', join(FIX, 'no-outputs.json'));
    expect(empty.stdout).toMatch(/^FAIL .*topic DOUBLED: the case expects no output records \("outputs": \[\]\), but 2 were written/m);
    expect(empty.status).toBe(1);
  });

  it('eddy test --sql --json prints the case as JSON', async () => {
    const p = await eddyTest('--json', ...doubled, '--output', join(FIX, 'doubled-output.json'));
    expect(JSON.parse(p.stdout)).toEqual({ cases: [{ file: join(FIX, 'doubled.sql'), name: join(FIX, 'doubled.sql'), format: 'JSON', status: 'passed' }] });
    expect(p.status).toBe(0);
  });

  it('a folder without test files is an error, not "0 passed, 0 failed"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-not-tests-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"name":"x"}');
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      const p = await eddyTest(dir);
      expect(p.stderr).toContain(`${join(dir, 'package.json')}: not a test file (no "tests" array)`);
      expect(p.stderr).toContain(`no test cases in ${dir}`);
      expect(p.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
