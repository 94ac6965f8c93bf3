// The topics ksqlDB's test harness creates before a case's statements run, and the order in which
// it registers their schemas — which decides the ids a registry hands out, and so what a
// statement's KEY_/VALUE_SCHEMA_ID names. The harness gathers the topics into a java.util.HashMap
// keyed by topic name: first the case's `topics`, then those the CREATE STREAM/TABLE statements
// with columns imply (their columns' schemas, where the case's topic states none), then the topics
// of inputs and outputs (no schemas). It then walks the map's values — Java's hash order, not the
// order written — registering each topic's key schema, then its value schema, ids counting up.

import { parse } from '../parser/index.js';
import { Eddy } from '../engine-api.js';
import type { HarnessSchema, HarnessTopic } from './case-schemas.js';

/** java.lang.String#hashCode: s[0]·31^(n-1) + … + s[n-1], in 32-bit arithmetic, over UTF-16 units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order java.util.HashMap (default capacity 16, load factor 0.75) walks keys inserted in this
 * order: by bucket — the hash with its high half folded into the low, masked by the capacity —
 * and within a bucket in insertion order (a resize splits buckets keeping that order).
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const distinct = [...new Set(keys)];
  let capacity = 16;
  while (distinct.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: string) => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return distinct
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k);
}

/**
 * The schemas the case's CREATE STREAM/TABLE statements (not … AS SELECT) register for their
 * columns, found by running them (and any CREATE TYPE they need) in a scratch engine of their own.
 */
function statementTopics(statements: readonly string[], properties: Record<string, string>): HarnessTopic[] {
  const scratch = Eddy.open({ autoStart: false, properties });
  try {
    scratch.schemaRegistry.setCompatibility('NONE');
    for (const text of statements) {
      try {
        const kinds = parse(text).map((p) => p.statement.kind);
        if (kinds.every((k) => k === 'CreateSource' || k === 'CreateType')) scratch.execute(text);
      } catch {
        // A statement the harness cannot read implies no topic; the real run reports it.
      }
    }
    const out: HarnessTopic[] = [];
    const seen = new Set<string>();
    for (const def of scratch.sources()) {
      if (!def.topic || seen.has(def.topic)) continue;
      seen.add(def.topic);
      const schemas: { key?: HarnessSchema; value?: HarnessSchema } = {};
      for (const role of ['key', 'value'] as const) {
        const s = scratch.schemaRegistry.latest(Eddy.schemaRules.subject(def.topic, role));
        if (s) schemas[role] = { schemaType: s.schemaType, schema: s.schema };
      }
      out.push({ name: def.topic, ...schemas });
    }
    return out;
  } finally {
    scratch.close();
  }
}

/** Every topic the harness creates, in the order it registers their schemas. */
export function harnessTopics(declared: readonly HarnessTopic[], statements: readonly string[], recordTopics: readonly string[], properties: Record<string, string>): HarnessTopic[] {
  const byName = new Map<string, HarnessTopic>();
  for (const t of declared) byName.set(t.name, t);
  for (const t of statementTopics(statements, properties)) {
    const had = byName.get(t.name);
    // A schema the case states wins over the one the statement implies.
    byName.set(t.name, had ? { name: t.name, ...((had.key ?? t.key) ? { key: had.key ?? t.key! } : {}), ...((had.value ?? t.value) ? { value: had.value ?? t.value! } : {}) } : t);
  }
  for (const name of recordTopics) if (!byName.has(name)) byName.set(name, { name });
  return javaHashMapOrder([...byName.keys()]).map((name) => byName.get(name)!);
}
