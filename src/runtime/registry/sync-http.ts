// Synchronous HTTP requests for code that runs inside the engine's synchronous micro-batch (the
// serdes asking an external schema registry for a schema): a worker thread does the fetch() and
// this thread waits for it with Atomics.wait and a deadline, so an unreachable or silent server
// costs at most the timeout and then fails with a clear error, never a hang. The same pattern as
// the function sandbox (sandbox/function-sandbox.ts).
//
// The waiting thread runs nothing else meanwhile: a request to a server in this same thread (an
// Eddy whose --schema-registry names its own HTTP port) cannot be answered and times out.

import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { SYNC_HTTP_WORKER_SOURCE } from './sync-http-worker-source.js';

/** How long a fresh worker may take to start, on top of the first request's own timeout. */
const STARTUP_MS = 5000;

export interface SyncResponse {
  readonly status: number;
  readonly body: string;
}

type Reply = { readonly id: number; readonly status: number; readonly body: string } | { readonly id: number; readonly error: string };

export class SyncHttpError extends Error {
  override readonly name = 'SyncHttpError';
}

export class SyncHttp {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private signal = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private fresh = true;

  constructor(readonly timeoutMs: number) {}

  request(method: string, url: string, headers: Readonly<Record<string, string>>, body?: string): SyncResponse {
    if (!this.worker) this.start();
    const id = ++this.seq;
    this.worker!.postMessage({ id, method, url, headers, body, timeoutMs: this.timeoutMs });
    const deadline = Date.now() + this.timeoutMs + (this.fresh ? STARTUP_MS : 0);
    for (;;) {
      // Read the counter before the port: an answer posted after this read bumps it, so the wait below returns at once.
      const seen = Atomics.load(this.signal, 0);
      for (let m = receiveMessageOnPort(this.port!); m; m = receiveMessageOnPort(this.port!)) {
        const reply = m.message as Reply;
        // An answer to an earlier request that timed out here: nobody waits for it any more.
        if (reply.id !== id) continue;
        this.fresh = false;
        if ('error' in reply) throw new SyncHttpError(reply.error === 'timeout' ? `no answer within ${this.timeoutMs} ms` : `cannot reach it (${reply.error})`);
        return { status: reply.status, body: reply.body };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SyncHttpError(`no answer within ${this.timeoutMs} ms`);
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  close(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = undefined;
    this.port = undefined;
  }

  private start(): void {
    const { port1, port2 } = new MessageChannel();
    this.signal = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(SYNC_HTTP_WORKER_SOURCE, { eval: true, workerData: { signal: this.signal.buffer, port: port2 }, transferList: [port2] });
    // Not a reason to keep the process alive; close() ends it.
    this.worker.unref();
    this.worker.on('error', () => {});
    this.port = port1;
    this.fresh = true;
  }
}
