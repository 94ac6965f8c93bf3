// The engine is synchronous (a micro-batch is one SQLite transaction); kafkajs is asynchronous.
// Every kafkajs client lives in one worker thread; the engine calls it through a MessageChannel
// and blocks on a shared flag (Atomics.wait) until the reply is posted — for a bounded time: the
// worker answers reads from prefetch buffers and metadata from what it keeps (refreshed in the
// background), and a delivery is started and its outcome picked up later, so a broker outage
// never holds the engine (and the clients it answers) for long.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BridgeApi, BridgeMethod, BridgeReply } from './wire.js';

export class KafkaBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** Requests started with `start` whose replies are kept until `result` takes them. */
  private readonly started = new Set<number>();
  private readonly replies = new Map<number, BridgeReply>();
  private failure: string | undefined;
  private closed = false;
  private seq = 0;

  /** `timeoutMs`: how long a call waits for the worker unless it says otherwise. */
  constructor(private readonly timeoutMs = 10_000) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const js = new URL('./worker.js', import.meta.url);
    const workerData = { port: port2, flag: this.flag };
    this.worker = existsSync(fileURLToPath(js))
      ? new Worker(js, { workerData, transferList: [port2] })
      : // Under the TypeScript test runner the sources are .ts: register tsx in the worker first.
        new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`, {
          eval: true,
          workerData,
          transferList: [port2],
        });
    // A worker that died must fail the calls, not the process (an 'error' nobody listens to is thrown).
    this.worker.on('error', (e) => (this.failure = e.message));
    this.worker.unref();
  }

  call<M extends BridgeMethod>(method: M, arg: BridgeApi[M][0], timeoutMs = this.timeoutMs): BridgeApi[M][1] {
    const seq = this.post(method, arg);
    const reply = this.wait(seq, timeoutMs);
    if (!reply) throw new Error(`Kafka: ${method} timed out after ${timeoutMs} ms`);
    return this.value(reply) as BridgeApi[M][1];
  }

  /** Start a request without waiting for it; `result` picks its reply up later. */
  start<M extends BridgeMethod>(method: M, arg: BridgeApi[M][0]): number {
    const seq = this.post(method, arg);
    this.started.add(seq);
    return seq;
  }

  /** The reply of a started request, waiting at most `waitMs`; undefined while it is still running. */
  result<M extends BridgeMethod>(_method: M, seq: number, waitMs: number): { value: BridgeApi[M][1] } | undefined {
    const reply = this.replies.get(seq) ?? this.wait(seq, waitMs);
    if (!reply) return undefined;
    this.replies.delete(seq);
    this.started.delete(seq);
    return { value: this.value(reply) as BridgeApi[M][1] };
  }

  /** A started request whose reply is no longer wanted. */
  forget(seq: number): void {
    this.started.delete(seq);
    this.replies.delete(seq);
  }

  private post(method: BridgeMethod, arg: unknown): number {
    if (this.closed) throw new Error('Kafka connection is closed');
    if (this.failure) throw new Error(`Kafka worker failed: ${this.failure}`);
    const seq = ++this.seq;
    this.port.postMessage({ seq, method, arg });
    return seq;
  }

  private wait(seq: number, timeoutMs: number): BridgeReply | undefined {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      Atomics.store(this.flag, 0, 0);
      for (let msg = receiveMessageOnPort(this.port); msg; msg = receiveMessageOnPort(this.port)) {
        const reply = msg.message as BridgeReply;
        if (reply.seq === seq) return reply;
        // Another started request's reply is kept; the late reply of a call that timed out is dropped.
        if (this.started.has(reply.seq)) this.replies.set(reply.seq, reply);
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.flag, 0, 0, Math.min(left, 1000));
    }
  }

  private value(reply: BridgeReply): unknown {
    if (!reply.ok) throw new Error(`Kafka: ${reply.error}`);
    return reply.value;
  }

  close(): void {
    if (this.closed) return;
    try {
      // Leaving groups and aborting needs the broker: a shutdown during an outage does not wait for it.
      if (!this.failure) this.call('close', undefined, 3_000);
    } catch {
      // timed out, or the worker is gone: terminating it below is all that is left to do
    } finally {
      this.closed = true;
      void this.worker.terminate();
    }
  }
}
