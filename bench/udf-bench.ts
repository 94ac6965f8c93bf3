// Cost of a JavaScript scalar UDF per record against the same expression built in, end to end
// (a persistent query over N records in the embedded log, in memory) and per call in the sandbox
// worker (what a network-defined function pays for each record: a synchronous round trip).
//   node --import tsx bench/udf-bench.ts [--records 200000] [--runs 3] [--sandbox-calls 20000]
import { Eddy } from '../src/engine-api.js';
import { timeQuery, type Variant } from './function-bench-run.js';
import { parseExpression } from '../src/parser/index.js';
import { compileExpression } from '../src/planner/expr/index.js';
import type { Rec } from '../src/planner/record.js';
import type { Scope } from '../src/planner/scope.js';
import { FunctionSandbox } from '../src/runtime/sandbox/function-sandbox.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const RECORDS = Number(arg('records', '200000'));
const RUNS = Number(arg('runs', '3'));
const SANDBOX_CALLS = Number(arg('sandbox-calls', '20000'));

const VARIANTS: Record<string, Variant> = {
  'built-in   (V * 2 + 1)': { setup: () => {}, select: 'V * 2 + 1' },
  'library UDF (TWICE_LIB(V) + 1)': {
    setup: (e) => e.registerFunction({ name: 'TWICE_LIB', params: [{ name: 'X', type: 'INT' }] as const, returns: 'INT', fn: (x) => (x === null ? null : x * 2) }),
    select: 'TWICE_LIB(V) + 1',
  },
  'SQL UDF     (TWICE_SQL(V) + 1)': {
    setup: (e) => e.execute('CREATE FUNCTION TWICE_SQL(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;'),
    select: 'TWICE_SQL(V) + 1',
  },
};

const once = (v: Variant): number => timeQuery(v, { records: RECORDS, columns: 'V INT', value: (i) => `{"V":${i % 1000}}`, rowsOut: RECORDS });

console.log(`end to end: ${RECORDS} records, CREATE STREAM OUT AS SELECT ID, <expr> AS X FROM S (JSON in and out), best of ${RUNS}`);
const best: Record<string, number> = {};
for (const [name, v] of Object.entries(VARIANTS)) {
  const times = Array.from({ length: RUNS }, () => once(v));
  best[name] = Math.min(...times);
}
const base = best['built-in   (V * 2 + 1)']!;
for (const [name, ms] of Object.entries(best)) console.log(`  ${name.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms  ${((RECORDS / ms) * 1000).toFixed(0).padStart(8)} rec/s  ${(ms / base).toFixed(2)}×`);

// The expression alone, compiled as the planner compiles it, evaluated over records in a loop.
const probe = Eddy.open({ autoStart: false });
VARIANTS['library UDF (TWICE_LIB(V) + 1)']!.setup(probe);
VARIANTS['SQL UDF     (TWICE_SQL(V) + 1)']!.setup(probe);
// Function names resolve in the probe engine's table, where the two UDFs were just defined.
const scope: Scope = { functions: probe.state.catalog.functions, resolveColumn: () => ({ type: { kind: 'INTEGER' }, read: (r: Rec) => r.cols[0]!, index: 0 }) };
const recs: Rec[] = Array.from({ length: 1000 }, (_, i) => ({ cols: [i], ts: 0, partition: 0, offset: i }));
const EVALS = 5_000_000;
const evalNs: Record<string, number> = {};
for (const [name, v] of Object.entries(VARIANTS)) {
  const c = compileExpression(parseExpression(v.select), scope, { onError: () => {} });
  let acc = 0;
  for (let i = 0; i < 200_000; i++) acc += c.eval(recs[i % 1000]!) as number; // warm up
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let i = 0; i < EVALS; i++) acc += c.eval(recs[i % 1000]!) as number;
    best = Math.min(best, ((performance.now() - t0) * 1e6) / EVALS);
  }
  evalNs[name] = best;
  if (acc < 0) console.log(acc);
}
probe.close();
console.log(`expression only: ${EVALS} evaluations, best of ${RUNS}`);
for (const [name, ns] of Object.entries(evalNs)) console.log(`  ${name.padEnd(32)} ${ns.toFixed(1).padStart(6)} ns/record  ${(ns / evalNs['built-in   (V * 2 + 1)']!).toFixed(2)}×`);

// Per call, without the engine around it.
const twice = (x: number) => x * 2;
let t = performance.now();
let sum = 0;
for (let i = 0; i < 10_000_000; i++) sum += twice(i);
const plain = ((performance.now() - t) * 1e6) / 10_000_000;
const box = new FunctionSandbox({ timeMs: 1000, memoryMb: 64 });
box.define('TWICE', ['X'], 'return X * 2;');
box.call('TWICE', [1]);
t = performance.now();
for (let i = 0; i < SANDBOX_CALLS; i++) sum += box.call('TWICE', [i]) as number;
const sandboxed = ((performance.now() - t) * 1e6) / SANDBOX_CALLS;
box.close();
console.log(`per call: in-process JS function ${plain.toFixed(1)} ns; sandbox worker round trip ${(sandboxed / 1000).toFixed(1)} µs (${(1e9 / sandboxed).toFixed(0)} calls/s)${sum < 0 ? '' : ''}`);
