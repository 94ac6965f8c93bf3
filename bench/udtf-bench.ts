// Cost of a JavaScript table function (UDTF) per record against the built-in EXPLODE, end to end:
// a persistent query over N records in the embedded log, in memory, each record an array of 4
// numbers that becomes 4 output rows (JSON in and out). Variants: EXPLODE; a library UDTF that
// returns the array, and one that yields it from a generator; the same two as SQL functions.
//   node --import tsx bench/udtf-bench.ts [--records 50000] [--runs 3]
import { Eddy } from '../src/engine-api.js';
import { timeQuery, type Variant } from './function-bench-run.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const RECORDS = Number(arg('records', '50000'));
const RUNS = Number(arg('runs', '3'));
const WIDTH = 4;

const BUILT_IN = 'built-in EXPLODE(XS)';
const VARIANTS: Record<string, Variant> = {
  [BUILT_IN]: { setup: () => {}, select: 'EXPLODE(XS)' },
  'library UDTF, returns array': {
    setup: (e) => e.registerTableFunction({ name: 'EACH_LIB', params: [{ name: 'XS', type: 'ARRAY<INT>' }] as const, returns: 'INT', fn: (xs) => xs as number[] | null }),
    select: 'EACH_LIB(XS)',
  },
  'library UDTF, generator': {
    setup: (e) =>
      e.registerTableFunction({
        name: 'EACH_GEN',
        params: [{ name: 'XS', type: 'ARRAY<INT>' }] as const,
        returns: 'INT',
        *fn(xs) {
          if (xs) for (const x of xs) yield x as number;
        },
      }),
    select: 'EACH_GEN(XS)',
  },
  'SQL UDTF, returns array': {
    setup: (e) => e.execute('CREATE FUNCTION EACH_SQL(XS ARRAY<INT>) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$ return XS; $$;'),
    select: 'EACH_SQL(XS)',
  },
  'SQL UDTF, yields': {
    setup: (e) => e.execute('CREATE FUNCTION EACH_YIELD(XS ARRAY<INT>) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$ if (XS) for (const x of XS) yield x; $$;'),
    select: 'EACH_YIELD(XS)',
  },
};

const once = (v: Variant): number =>
  timeQuery(v, { records: RECORDS, columns: 'XS ARRAY<INT>', value: (i) => `{"XS":[${Array.from({ length: WIDTH }, (_, j) => (i + j) % 1000).join(',')}]}`, rowsOut: RECORDS * WIDTH });

console.log(`end to end: ${RECORDS} records of ${WIDTH} values → ${RECORDS * WIDTH} rows, CREATE STREAM OUT AS SELECT ID, <fn>(XS) AS X FROM S (JSON in and out), best of ${RUNS}`);
const best: Record<string, number> = {};
for (const [name, v] of Object.entries(VARIANTS)) best[name] = Math.min(...Array.from({ length: RUNS }, () => once(v)));
const base = best[BUILT_IN]!;
for (const [name, ms] of Object.entries(best)) {
  console.log(
    `  ${name.padEnd(30)} ${ms.toFixed(0).padStart(6)} ms  ${((RECORDS / ms) * 1000).toFixed(0).padStart(8)} rec/s  ${((RECORDS * WIDTH * 1000) / ms).toFixed(0).padStart(8)} rows/s  ${(ms / base).toFixed(2)}×`,
  );
}

// The call alone, as FlatMap makes it: the planned implementation over an array, in a loop.
const probe = Eddy.open({ autoStart: false });
for (const v of Object.values(VARIANTS)) v.setup(probe);
const CALLS = 2_000_000;
const arrays = Array.from({ length: 1000 }, (_, i) => Array.from({ length: WIDTH }, (_, j) => i + j));
const callNs: Record<string, number> = {};
for (const [name, v] of Object.entries(VARIANTS)) {
  const fn = probe.state.catalog.functions.lookupTableFunction(v.select.replace(/\(.*$/, ''))!;
  const impl = fn.resolve([{ type: { kind: 'ARRAY', item: { kind: 'INTEGER' } }, isConstant: false }]);
  let rows = 0;
  for (let i = 0; i < 100_000; i++) rows += impl.fn([arrays[i % 1000]!]).length; // warm up
  let bestNs = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) rows += impl.fn([arrays[i % 1000]!]).length;
    bestNs = Math.min(bestNs, ((performance.now() - t0) * 1e6) / CALLS);
  }
  callNs[name] = bestNs;
  if (rows < 0) console.log(rows);
}
probe.close();
console.log(`the call alone: ${CALLS} calls of ${WIDTH} values each, best of ${RUNS}`);
for (const [name, ns] of Object.entries(callNs)) console.log(`  ${name.padEnd(30)} ${ns.toFixed(0).padStart(6)} ns/call  ${(ns / callNs[BUILT_IN]!).toFixed(2)}×`);
