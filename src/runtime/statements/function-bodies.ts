// How the JavaScript body of a SQL function becomes something the engine can call, for each kind
// of function and each place it may run: in-process (an engine that trusts its user: the library,
// the shell, `eddy -f`) or in the worker sandbox (a server's network clients). The conventions,
// which docs/extending.md states for users:
//
//   scalar     the body is a function body; it sees its arguments by name and returns the value.
//   table      the body is a generator body; it sees its arguments by name and yields rows, or
//              returns an iterable of rows (an array), or both (the returned rows come last).
//   aggregate  the body runs once and returns { initialize(), aggregate(state, …args),
//              merge(a, b)?, map(state)? }; the state must survive JSON (it commits with the batch).
//   state      the body is a function body run per key step; it sees STATE, RECORDS, KEY,
//              TIMED_OUT and STREAM_TIME and returns { state, rows, timeoutAt | timeoutAfterMs }.

import { MAX_FUNCTION_ELEMENTS } from '../../planner/functions/output-limits.js';
import type { UserAggregateDef } from '../../planner/functions/user-functions.js';
import type { StateCallInput } from '../../planner/functions/user-state-functions.js';
import { Decimal, type Value } from '../../planner/values.js';
import type { FunctionSandbox } from '../sandbox/function-sandbox.js';

/** The JSON-friendly form a sandboxed body receives (DECIMAL as a number, BIGINT as a number). */
function toSandbox(v: Value): unknown {
  return v instanceof Decimal ? v.toNumber() : v;
}

/** What the text of a body compiles to in each kind; a compile error says so with the reason. */
export class BodyError extends Error {}

export function scalarBody(name: string, params: readonly string[], body: string, sandbox: FunctionSandbox | undefined): (args: readonly Value[]) => unknown {
  if (sandbox) {
    define(sandbox, name, params, body);
    return (args) => sandbox.call(name, args.map(toSandbox));
  }
  // Trusted: the engine's own user wrote it (library, shell, script file), as they could any JS.
  const f = compile(name, () => new Function(...params, body) as (...a: unknown[]) => unknown);
  return params.length === 1 ? (a) => f(a[0]) : params.length === 2 ? (a) => f(a[0], a[1]) : (a) => f(...a);
}

type GeneratorFn = (...a: unknown[]) => Generator<unknown, unknown, unknown>;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as new (...a: string[]) => GeneratorFn;

/** A generator's yielded rows, then the rows of the iterable it returned (if any), under the per-call cap. */
function rowsOf(name: string, g: Generator<unknown, unknown, unknown>): unknown[] {
  const out: unknown[] = [];
  const add = (row: unknown) => {
    if (out.length === MAX_FUNCTION_ELEMENTS) throw new Error(`${name} gave more than ${MAX_FUNCTION_ELEMENTS} rows for one record (the limit per call)`);
    out.push(row);
  };
  let step = g.next();
  for (; !step.done; step = g.next()) add(step.value);
  const returned = step.value;
  if (returned === null || returned === undefined) return out;
  if (typeof returned !== 'object' || typeof (returned as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new Error(`${name} returned ${String(returned)} (${typeof returned}): a table function yields rows or returns an array of them`);
  }
  for (const row of returned as Iterable<unknown>) add(row);
  return out;
}

/** The source the sandbox runs for a table function: the generator, drained inside the worker. */
function sandboxTableSource(params: readonly string[], body: string): string {
  return `const __gen = (function* (${params.join(', ')}) {\n${body}\n}).apply(undefined, arguments);
const __rows = [];
const __add = (r) => { if (__rows.length >= ${MAX_FUNCTION_ELEMENTS}) throw new Error('more than ${MAX_FUNCTION_ELEMENTS} rows for one record (the limit per call)'); __rows.push(r === undefined ? null : r); };
let __step = __gen.next();
for (; !__step.done; __step = __gen.next()) __add(__step.value);
if (__step.value !== null && __step.value !== undefined) {
  if (typeof __step.value !== 'object' || typeof __step.value[Symbol.iterator] !== 'function') throw new Error('returned ' + String(__step.value) + ' (' + typeof __step.value + '): a table function yields rows or returns an array of them');
  for (const __r of __step.value) __add(__r);
}
return __rows;`;
}

export function tableBody(name: string, params: readonly string[], body: string, sandbox: FunctionSandbox | undefined): (args: readonly Value[]) => unknown {
  if (sandbox) {
    define(sandbox, name, params, sandboxTableSource(params, body));
    return (args) => sandbox.call(name, args.map(toSandbox));
  }
  const g = compile(name, () => new GeneratorFunction(...params, body));
  return (a) => rowsOf(name, g(...a));
}

/** The names a state function's body sees (user-state-functions.ts has what each holds). */
export const STATE_BODY_PARAMS = ['STATE', 'RECORDS', 'KEY', 'TIMED_OUT', 'STREAM_TIME'] as const;

export function stateBody(name: string, body: string, sandbox: FunctionSandbox | undefined): (input: StateCallInput) => unknown {
  if (sandbox) {
    define(sandbox, name, STATE_BODY_PARAMS, body);
    const plain = (v: Value): unknown => (Array.isArray(v) ? v.map(plain) : toSandbox(v));
    return (c) => sandbox.call(name, [c.state, c.records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))), plain(c.key), c.timedOut, c.streamTime]);
  }
  const f = compile(name, () => new Function(...STATE_BODY_PARAMS, body) as (...a: unknown[]) => unknown);
  return (c) => f(c.state, c.records, c.key, c.timedOut, c.streamTime);
}

type AggregateParts = Pick<UserAggregateDef, 'initialize' | 'aggregate' | 'merge' | 'map'>;

/** The methods an aggregate body's object must (and may) have. */
function checkShape(name: string, shape: Record<string, string>): void {
  for (const m of ['initialize', 'aggregate']) {
    if (shape[m] !== 'function') throw new BodyError(`the body of aggregate ${name} must return an object with ${m}() (it has ${shape[m] === 'undefined' ? 'none' : `a ${shape[m]}`})`);
  }
  for (const m of ['merge', 'map']) {
    if (shape[m] !== 'function' && shape[m] !== 'undefined') throw new BodyError(`the ${m} of aggregate ${name} must be a function, not a ${shape[m]}`);
  }
}

let generation = 0;

export function aggregateBody(name: string, body: string, sandbox: FunctionSandbox | undefined): AggregateParts {
  if (sandbox) {
    // One sandbox function per aggregate; its object is made once per worker (lazily, so a
    // restarted worker rebuilds it) under a key that a CREATE OR REPLACE changes.
    // Under a name of its own generation too: a CREATE OR REPLACE whose body fails its checks
    // leaves the aggregate that queries already run intact.
    const fn = `${name}#${++generation}`;
    const key = JSON.stringify(fn);
    const source = `const __all = globalThis.__aggregates || (globalThis.__aggregates = Object.create(null));
const __o = __all[${key}] || (__all[${key}] = (function () {\n${body}\n})());
switch (__op) {
  case 'shape': return { initialize: typeof (__o && __o.initialize), aggregate: typeof (__o && __o.aggregate), merge: typeof (__o && __o.merge), map: typeof (__o && __o.map) };
  case 'initialize': return __o.initialize();
  case 'aggregate': return __o.aggregate(__a, ...__b);
  case 'merge': return __o.merge(__a, __b);
  default: return __o.map(__a);
}`;
    define(sandbox, fn, ['__op', '__a', '__b'], source);
    let shape: Record<string, string>;
    try {
      shape = sandbox.call(fn, ['shape', null, null]) as Record<string, string>;
    } catch (e) {
      sandbox.forget(fn);
      throw new BodyError(`the body of aggregate ${name} failed: ${(e as Error).message}`);
    }
    try {
      checkShape(name, shape);
    } catch (e) {
      sandbox.forget(fn);
      throw e;
    }
    return {
      initialize: () => sandbox.call(fn, ['initialize', null, null]),
      aggregate: (args, state) => sandbox.call(fn, ['aggregate', state, args.map(toSandbox)]),
      ...(shape.merge === 'function' ? { merge: (a: unknown, b: unknown) => sandbox.call(fn, ['merge', a, b]) } : {}),
      ...(shape.map === 'function' ? { map: (s: unknown) => sandbox.call(fn, ['map', s, null]) } : {}),
    };
  }
  const make = compile(name, () => new Function(body) as () => unknown);
  let o: Record<string, unknown>;
  try {
    o = make() as Record<string, unknown>;
  } catch (e) {
    throw new BodyError(`the body of aggregate ${name} failed: ${(e as Error).message}`);
  }
  const method = (m: string) => (o !== null && typeof o === 'object' ? typeof o[m] : 'undefined');
  checkShape(name, { initialize: method('initialize'), aggregate: method('aggregate'), merge: method('merge'), map: method('map') });
  type Fn = (...a: unknown[]) => unknown;
  const impl = o as Record<'initialize' | 'aggregate' | 'merge' | 'map', Fn>;
  return {
    initialize: () => impl.initialize(),
    aggregate: (args, state) => impl.aggregate(state, ...args),
    ...(method('merge') === 'function' ? { merge: (a: unknown, b: unknown) => impl.merge(a, b) } : {}),
    ...(method('map') === 'function' ? { map: (s: unknown) => impl.map(s) } : {}),
  };
}

function define(sandbox: FunctionSandbox, name: string, params: readonly string[], source: string): void {
  try {
    sandbox.define(name, params, source);
  } catch (e) {
    throw new BodyError(`The body of ${name} does not compile: ${(e as Error).message}`);
  }
}

function compile<F>(name: string, make: () => F): F {
  try {
    return make();
  } catch (e) {
    throw new BodyError(`The body of ${name} does not compile: ${(e as Error).message}`);
  }
}
