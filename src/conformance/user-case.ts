// `eddy test --sql statements.sql --input input.json --output expected.json`: a user's own case,
// in the same shape as ksqlDB's test runner takes (inputs/outputs as {"inputs": [...]} and
// {"outputs": [...]}), run by the same machinery as the conformance suites.

import { readFileSync } from 'node:fs';
import { parse } from '../parser/index.js';
import { parseJson, type Json } from '../util/lossless-json.js';
import type { QttCase, QttRecord } from './qtt-case.js';
import { runVariant, type CaseOutcome } from './run-case.js';

export function runUserCase(sqlPath: string, inputPath: string | undefined, outputPath: string | undefined): CaseOutcome {
  const statements = parse(readFileSync(sqlPath, 'utf8')).map((p) => p.text);
  const read = (p: string | undefined, field: string): QttRecord[] | undefined => {
    if (!p) return undefined;
    const doc = parseJson(readFileSync(p, 'utf8')) as Record<string, Json> | Json[];
    const list = Array.isArray(doc) ? doc : ((doc[field] as Json[] | undefined) ?? []);
    return list as unknown as QttRecord[];
  };
  // No --output file: no expectation, which the runner reports as unchecked rather than passed.
  const outputs = read(outputPath, 'outputs');
  const c: QttCase = { name: sqlPath, statements, inputs: read(inputPath, 'inputs') ?? [], ...(outputs ? { outputs } : {}) };
  return runVariant({ name: sqlPath, format: 'JSON', case: c });
}
