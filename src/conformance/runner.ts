// `eddy test`: runs QTT/RQTT files (or directories of them) and reports one line per failing
// case, a summary per file, and a last line `N passed, M failed[, K skipped][, U unchecked]`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseJson, type Json } from '../util/lossless-json.js';
import { expandCase } from './qtt-case.js';
import { runVariant, type CaseOutcome } from './run-case.js';

export interface CaseReport {
  readonly file: string;
  readonly name: string;
  readonly format: string;
  readonly status: CaseOutcome['status'];
  readonly reason?: string;
}

export function collectFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) out.push(...collectFiles([join(p, f)]));
    } else if (p.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The cases of a QTT/RQTT file, or why it is not one (so a folder of other files is not a pass). */
export function testsIn(path: string): Json[] | string {
  let doc: Json;
  try {
    doc = parseJson(readFileSync(path, 'utf8'));
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const tests = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, Json>).tests : undefined;
  return Array.isArray(tests) ? tests : 'not a test file (no "tests" array)';
}

export function runFile(path: string, filter?: RegExp): CaseReport[] {
  const tests = testsIn(path);
  if (typeof tests === 'string') throw new Error(`${path}: ${tests}`);
  const reports: CaseReport[] = [];
  for (const raw of tests) {
    for (const v of expandCase(raw)) {
      if (filter && !filter.test(v.name)) continue;
      let outcome;
      try {
        outcome = runVariant(v);
      } catch (e) {
        outcome = { status: 'failed' as const, reason: `runner crashed: ${(e as Error).stack ?? String(e)}` };
      }
      reports.push({ file: path, name: v.name, format: v.format, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}) });
    }
  }
  return reports;
}

export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly unchecked: number;
}

export interface RunSummary extends Counts {
  readonly cases: CaseReport[];
  /** JSON files named or found that hold no test cases, with why. */
  readonly notTestFiles: { readonly file: string; readonly reason: string }[];
}

export function countsOf(reports: readonly CaseReport[]): Counts {
  const n = (s: CaseReport['status']) => reports.filter((r) => r.status === s).length;
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped'), unchecked: n('unchecked') };
}

type RunOptions = { filter?: RegExp; onFile?: (file: string, reports: CaseReport[]) => void };

/** One step per file, so a caller can run them all at once or give its event loop a turn between files. */
function* fileSteps(paths: readonly string[], opts: RunOptions, cases: CaseReport[], notTestFiles: { file: string; reason: string }[]): Generator<void> {
  for (const f of collectFiles(paths)) {
    const tests = testsIn(f);
    if (typeof tests === 'string') {
      notTestFiles.push({ file: f, reason: tests });
      continue;
    }
    const r = runFile(f, opts.filter);
    opts.onFile?.(f, r);
    cases.push(...r);
    yield;
  }
}

export function runFiles(paths: readonly string[], opts: RunOptions = {}): RunSummary {
  const cases: CaseReport[] = [];
  const notTestFiles: { file: string; reason: string }[] = [];
  for (const _ of fileSteps(paths, opts, cases, notTestFiles));
  return { ...countsOf(cases), cases, notTestFiles };
}

/**
 * runFiles, yielding to the event loop after each file. A vitest worker blocked for a minute
 * misses its runner's replies ("Timeout calling onTaskUpdate", a failed run though every test
 * passed): the whole split took 81 s in one synchronous call on a loaded machine.
 */
export async function runFilesInTurns(paths: readonly string[], opts: RunOptions = {}): Promise<RunSummary> {
  const cases: CaseReport[] = [];
  const notTestFiles: { file: string; reason: string }[] = [];
  for (const _ of fileSteps(paths, opts, cases, notTestFiles)) await new Promise((r) => setImmediate(r));
  return { ...countsOf(cases), cases, notTestFiles };
}

/** Passed only when something ran and everything that ran passed (skips aside). */
export function runSucceeded(s: Counts): boolean {
  return s.failed === 0 && s.unchecked === 0 && s.passed > 0;
}

export function summaryLine(s: Counts): string {
  return `${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}${s.unchecked ? `, ${s.unchecked} unchecked (no expectation)` : ''}`;
}

/** `AVRO 160/167 passed, …`: the figures of each format among `formats` that has cases. */
export function formatSummary(reports: readonly CaseReport[], formats: readonly string[]): string {
  const parts = formats.flatMap((f) => {
    const ran = reports.filter((r) => r.format === f && r.status !== 'skipped');
    return ran.length ? [`${f} ${ran.filter((r) => r.status === 'passed').length}/${ran.length}`] : [];
  });
  return parts.length ? `passed by format: ${parts.join(', ')}` : '';
}

export function fileSummary(file: string, reports: readonly CaseReport[]): string {
  return `${basename(file)}: ${summaryLine(countsOf(reports))}`;
}
