// `eddy test`: runs QTT/RQTT files (or directories of them) and reports one line per failing
// case, a summary per file, and a last line `N passed, M failed[, K skipped]`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseJson, type Json } from '../util/lossless-json.js';
import { expandCase } from './qtt-case.js';
import { runVariant } from './run-case.js';

export interface CaseReport {
  readonly file: string;
  readonly name: string;
  readonly format: string;
  readonly status: 'passed' | 'failed' | 'skipped';
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

export function runFile(path: string, filter?: RegExp): CaseReport[] {
  const doc = parseJson(readFileSync(path, 'utf8')) as { tests?: Json[] };
  const reports: CaseReport[] = [];
  for (const raw of doc.tests ?? []) {
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

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cases: CaseReport[];
}

export function runFiles(paths: readonly string[], opts: { filter?: RegExp; onFile?: (file: string, reports: CaseReport[]) => void } = {}): RunSummary {
  const cases: CaseReport[] = [];
  for (const f of collectFiles(paths)) {
    const r = runFile(f, opts.filter);
    opts.onFile?.(f, r);
    cases.push(...r);
  }
  return {
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
    cases,
  };
}

export function summaryLine(s: { passed: number; failed: number; skipped: number }): string {
  return `${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`;
}

export function fileSummary(file: string, reports: readonly CaseReport[]): string {
  const p = reports.filter((r) => r.status === 'passed').length;
  const f = reports.filter((r) => r.status === 'failed').length;
  const s = reports.filter((r) => r.status === 'skipped').length;
  return `${basename(file)}: ${summaryLine({ passed: p, failed: f, skipped: s })}`;
}
