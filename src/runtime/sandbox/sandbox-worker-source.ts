// The sandbox's worker thread, as source text (run with `eval: true`, so the same code serves
// the TypeScript sources under test and the built package). It is a separate V8 isolate whose
// heap the parent caps with resourceLimits, and the parent calls it synchronously through
// shared memory. Function bodies run in a vm context inside it that holds only the language's
// built-ins: no require, process, fs, Buffer or timers, no eval/new Function from inside, and
// no ArrayBuffer/typed arrays/WebAssembly (off-heap memory the heap cap would not count).
// Values cross as JSON text only, so no object of the worker's realm reaches a body.
//
// Channel: ctrl[0] is 0 idle, 1 request ready, 2 answer ready; ctrl[1] the message's byte length.

export const SANDBOX_WORKER_SOURCE = String.raw`
const { createContext, Script } = require('node:vm');
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.ctrl);
const bytes = new Uint8Array(workerData.data);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const context = createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
new Script("for (const n of ['ArrayBuffer','SharedArrayBuffer','DataView','Atomics','WebAssembly','Int8Array','Uint8Array','Uint8ClampedArray','Int16Array','Uint16Array','Int32Array','Uint32Array','Float32Array','Float64Array','BigInt64Array','BigUint64Array','FinalizationRegistry','WeakRef']) delete globalThis[n];" +
  "globalThis.__fns = Object.create(null);" +
  "globalThis.__call = (name, json) => { const r = __fns[name](...JSON.parse(json)); return JSON.stringify(r === undefined ? null : r); };").runInContext(context);
const call = new Script('__call').runInContext(context);
for (;;) {
  // Wait for a request (1); after an answer (2) the parent sets 0 before it writes the next one.
  for (let f = Atomics.load(flag, 0); f !== 1; f = Atomics.load(flag, 0)) Atomics.wait(flag, 0, f);
  const request = JSON.parse(decoder.decode(bytes.slice(0, flag[1])));
  let answer;
  try {
    if (request.op === 'define') {
      new Script('__fns[' + JSON.stringify(request.name) + '] = (function (' + request.params.join(', ') + ') {\n' + request.body + '\n});').runInContext(context);
      answer = { ok: true, value: 'null' };
    } else answer = { ok: true, value: call(request.name, request.args) };
  } catch (e) {
    let message;
    try { message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e); } catch { message = 'the function threw'; }
    answer = { ok: false, error: message };
  }
  let out = encoder.encode(JSON.stringify(answer));
  if (out.length > bytes.length) out = encoder.encode(JSON.stringify({ ok: false, error: 'the result is larger than the sandbox channel (' + bytes.length + ' bytes)' }));
  bytes.set(out);
  flag[1] = out.length;
  Atomics.store(flag, 0, 2);
  Atomics.notify(flag, 0);
}
`;
