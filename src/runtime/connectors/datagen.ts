// datagen: a generator of plausible rows for any schema, for demos and benchmarks.
// WITH (source='datagen', rate=100 /* rows per second */, keys=10 /* distinct keys */, max_rows=…, seed=…)

import type { SqlType } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../../planner/values.js';
import { setField } from '../../util/lossless-json.js';
import type { ConnectorFactory } from './connector.js';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
const REGIONS = ['north', 'south', 'east', 'west'];

/** A small deterministic PRNG (mulberry32) so demos and benchmarks are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomValue(t: SqlType, name: string, rnd: () => number, keys: number): Value {
  switch (t.kind) {
    case 'BOOLEAN':
      return rnd() < 0.5;
    case 'INTEGER':
    case 'BIGINT':
      return Math.floor(rnd() * (keys > 0 ? keys : 1000));
    case 'DOUBLE':
      return Math.round(rnd() * 10_000) / 100;
    case 'DECIMAL':
      return Decimal.fromNumber(Math.round(rnd() * 10_000) / 100, t.scale);
    case 'STRING':
      return /REGION/i.test(name) ? REGIONS[Math.floor(rnd() * REGIONS.length)]! : `${WORDS[Math.floor(rnd() * WORDS.length)]!}_${Math.floor(rnd() * Math.max(keys, 1))}`;
    case 'TIMESTAMP':
      return Date.now();
    case 'DATE':
      return Math.floor(Date.now() / 86_400_000);
    case 'TIME':
      return Date.now() % 86_400_000;
    case 'BYTES':
      return Buffer.from([Math.floor(rnd() * 256)]);
    case 'ARRAY':
      return [randomValue(t.item, name, rnd, keys), randomValue(t.item, name, rnd, keys)];
    case 'MAP':
      return new Map([[randomValue(t.key, name, rnd, keys), randomValue(t.value, name, rnd, keys)]]);
    case 'STRUCT': {
      const s: Record<string, Value> = {};
      for (const f of t.fields) setField(s, f.name, randomValue(f.type, f.name, rnd, keys));
      return s;
    }
    case 'CUSTOM':
      return null;
  }
}

export const datagenConnector: ConnectorFactory = (ctx, settings) => {
  const rate = Number(settings.RATE ?? 10);
  const keys = Number(settings.KEYS ?? 10);
  const maxRows = settings.MAX_ROWS !== undefined ? Number(settings.MAX_ROWS) : Infinity;
  let produced = Number(ctx.checkpoint() ?? 0);
  const rnd = prng(Number(settings.SEED ?? 42) + produced);
  const tickMs = 100;
  let timer: NodeJS.Timeout | undefined;
  let carry = 0;
  return {
    kind: 'datagen',
    start() {
      timer = setInterval(() => {
        carry += (rate * tickMs) / 1000;
        const n = Math.min(Math.floor(carry), maxRows - produced);
        carry -= Math.floor(carry);
        if (n <= 0) return;
        const now = Date.now();
        const rows = Array.from({ length: n }, () => ({ values: ctx.source.columns.map((c) => randomValue(c.type, c.name, rnd, keys)), ts: now }));
        produced += n;
        ctx.append(rows, String(produced));
      }, tickMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
};
