// The shape of ksqlDB's query-validation test cases (QTT) and REST cases (RQTT), as read from
// their JSON files, and their expansion into runnable variants (one per listed format).

import { JsonNumber, type Json } from '../util/lossless-json.js';
import { testOnlyFunctionIn } from './test-only-functions.js';

export interface QttRecord {
  readonly topic: string;
  readonly key?: Json;
  readonly value?: Json;
  readonly timestamp?: Json;
  readonly partition?: Json;
  readonly headers?: Json;
  readonly window?: Json;
}

export interface QttCase {
  readonly name: string;
  readonly statements: readonly string[];
  readonly inputs: readonly QttRecord[];
  readonly outputs?: readonly QttRecord[];
  readonly expectedException?: { readonly type?: string; readonly message?: string };
  readonly properties?: Readonly<Record<string, Json>>;
  readonly post?: Json;
  readonly responses?: readonly Json[];
  readonly expectedError?: Json;
  readonly topics?: readonly Json[];
  /** REST cases: produce the inputs only once the push query is running (it reads from latest). */
  readonly inputConditions?: { readonly waitForActivePushQuery?: boolean };
}

export interface CaseVariant {
  readonly name: string;
  readonly format: string;
  readonly case: QttCase;
  /** Why the variant cannot run here (a test-only function), if so. */
  readonly skip?: string;
}

export const REGISTRY_FORMATS = ['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'];

export function asString(j: Json | undefined): string | undefined {
  if (j === undefined || j === null) return undefined;
  if (j instanceof JsonNumber) return j.text;
  return typeof j === 'string' ? j : String(j);
}

export function asNumber(j: Json | undefined): number | undefined {
  if (j === undefined || j === null) return undefined;
  if (j instanceof JsonNumber) return Number(j.text);
  if (typeof j === 'number') return j;
  return undefined;
}

function registryFormatIn(statements: readonly string[]): string | undefined {
  const text = statements.join('\n').toUpperCase();
  // PROTOBUF_NOSR before PROTOBUF, whose pattern it would otherwise match.
  for (const f of ['AVRO', 'PROTOBUF_NOSR', 'PROTOBUF', 'JSON_SR']) {
    if (new RegExp(`FORMAT\\s*=\\s*'${f}'`).test(text)) return f;
  }
  return undefined;
}

export function expandCase(raw: Json): CaseVariant[] {
  const c = raw as unknown as QttCase & { format?: Json[] };
  const base: QttCase = { ...c, inputs: c.inputs ?? [], statements: c.statements ?? [] };
  const formats = Array.isArray(c.format) ? c.format.map((f) => String(f)) : [''];
  return formats.map((format) => {
    const statements = format ? base.statements.map((s) => s.replace(/\{FORMAT\}/g, format)) : base.statements;
    const variant: QttCase = { ...base, statements };
    const reg = REGISTRY_FORMATS.includes(format) ? format : registryFormatIn(statements);
    const name = format ? `${base.name} - ${format}` : base.name;
    const testOnly = testOnlyFunctionIn(statements);
    if (testOnly) return { name, format: format || reg || 'JSON', case: variant, skip: `uses ksqlDB's test-only function ${testOnly}` };
    return { name, format: format || reg || 'JSON', case: variant };
  });
}
