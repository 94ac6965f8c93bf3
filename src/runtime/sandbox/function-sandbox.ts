// Where SQL-defined functions from network clients run: a worker_threads Worker (its own V8
// isolate and heap, capped by resourceLimits) called synchronously per record through a
// SharedArrayBuffer and Atomics.wait with a deadline. A call that passes its deadline (an endless
// loop) or a worker that dies (its heap cap reached) is stopped by terminating the worker; the
// call fails (the processing log gets it, the row's value is NULL), and a fresh worker is started
// with the same definitions for the next call. The server's own isolate never runs user code.
//
// Why not isolated-vm: it is the stronger boundary (no Node API in the isolate at all) but it is
// a native addon built from C++ source at install; here that build did not finish within 5
// minutes on 2 cores, and it would fail on any machine without a compiler. Why not node:vm
// alone: it shares the server's heap and thread, so it can neither cap memory nor stop a loop
// from a second thread, and a context escape lands in the server.

import { Worker } from 'node:worker_threads';
import { SANDBOX_WORKER_SOURCE } from './sandbox-worker-source.js';

export interface SandboxLimits {
  /** Longest one call may run, in milliseconds. */
  readonly timeMs: number;
  /** The worker's heap cap (old generation), in MB. */
  readonly memoryMb: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { timeMs: 1000, memoryMb: 64 };

/** How long a fresh worker may take to start before its first answer counts as late. */
const STARTUP_MS = 5000;
const CHANNEL_BYTES = 1 << 20;

interface Definition {
  readonly name: string;
  readonly params: readonly string[];
  readonly body: string;
}

export class FunctionSandbox {
  private worker: Worker | undefined;
  private ctrl = new Int32Array(new SharedArrayBuffer(8));
  private data = new Uint8Array(new SharedArrayBuffer(CHANNEL_BYTES));
  private fresh = true;
  private readonly definitions = new Map<string, Definition>();
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  /** Workers stopped so far (loops, heap caps): for tests and EXPLAIN-style reporting. */
  restarts = 0;

  constructor(readonly limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS) {}

  /** Define (or redefine) a function in the sandbox; throws on a body that does not compile. */
  define(name: string, params: readonly string[], body: string): void {
    const d = { name, params, body };
    this.request({ op: 'define', ...d, params: [...params] });
    this.definitions.set(name, d);
  }

  /** Forget a function (and its generations, NAME#n, which a SQL aggregate is defined as). */
  forget(name: string): void {
    this.definitions.delete(name);
    for (const n of [...this.definitions.keys()]) if (n.startsWith(`${name}#`)) this.definitions.delete(n);
  }

  /** Call a defined function with JSON-compatible arguments; throws with the reason on failure. */
  call(name: string, args: readonly unknown[]): unknown {
    const json = JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    return JSON.parse(this.request({ op: 'call', name, args: json })) as unknown;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): void {
    this.ctrl = new Int32Array(new SharedArrayBuffer(8));
    this.data = new Uint8Array(new SharedArrayBuffer(CHANNEL_BYTES));
    this.worker = new Worker(SANDBOX_WORKER_SOURCE, {
      eval: true,
      workerData: { ctrl: this.ctrl.buffer, data: this.data.buffer },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.ceil(this.limits.memoryMb / 8)), stackSizeMb: 4 },
      env: {},
      stdout: true,
      stderr: true,
    });
    this.worker.unref();
    // A worker killed by its heap cap reports here; the waiting call has already failed by its deadline.
    this.worker.on('error', () => {});
    this.fresh = true;
    for (const d of this.definitions.values()) this.send({ op: 'define', name: d.name, params: [...d.params], body: d.body });
  }

  private request(msg: object): string {
    if (!this.worker) this.start();
    const answer = this.send(msg);
    if (!answer.ok) throw new Error(answer.error);
    return answer.value;
  }

  private send(msg: object): { ok: true; value: string } | { ok: false; error: string } {
    const bytes = this.encoder.encode(JSON.stringify(msg));
    if (bytes.length > this.data.length) return { ok: false, error: `the arguments are larger than the sandbox channel (${this.data.length} bytes)` };
    this.data.set(bytes);
    this.ctrl[1] = bytes.length;
    Atomics.store(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    const deadline = this.limits.timeMs + (this.fresh ? STARTUP_MS : 0);
    const outcome = Atomics.wait(this.ctrl, 0, 1, deadline);
    if (outcome === 'timed-out' && Atomics.load(this.ctrl, 0) !== 2) {
      this.close();
      this.restarts++;
      return { ok: false, error: `stopped by the sandbox: no answer within ${this.limits.timeMs} ms (an endless loop, or the function passed its ${this.limits.memoryMb} MB heap limit)` };
    }
    this.fresh = false;
    const text = this.decoder.decode(this.data.slice(0, this.ctrl[1]));
    Atomics.store(this.ctrl, 0, 0);
    return JSON.parse(text) as { ok: true; value: string } | { ok: false; error: string };
  }
}
