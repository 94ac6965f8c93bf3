// The engine is synchronous (a micro-batch is one SQLite transaction); kafkajs is asynchronous.
// Every kafkajs client lives in one worker thread; the engine calls it through a MessageChannel
// and blocks on a shared flag (Atomics.wait) until the reply is posted. Reads are cheap because
// the worker prefetches into bounded buffers: a poll copies what is already there.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BridgeApi, BridgeMethod, BridgeReply } from './wire.js';

export class KafkaBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;
  private seq = 0;

  constructor(private readonly timeoutMs = 60_000) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const js = new URL('./worker.js', import.meta.url);
    const workerData = { port: port2, flag: this.flag };
    this.worker = existsSync(fileURLToPath(js))
      ? new Worker(js, { workerData, transferList: [port2] })
      : // Under the TypeScript test runner the sources are .ts: register tsx in the worker first.
        new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`, { eval: true, workerData, transferList: [port2] });
    this.worker.unref();
  }

  call<M extends BridgeMethod>(method: M, arg: BridgeApi[M][0]): BridgeApi[M][1] {
    if (this.closed) throw new Error('Kafka connection is closed');
    const seq = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ seq, method, arg });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const msg = receiveMessageOnPort(this.port);
      if (msg) {
        const reply = msg.message as BridgeReply;
        // The late reply of a call that timed out: taking it for this call's would skew every later one.
        if (reply.seq !== seq) {
          Atomics.store(this.flag, 0, 0);
          continue;
        }
        if (!reply.ok) throw new Error(`Kafka: ${reply.error}`);
        return reply.value as BridgeApi[M][1];
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Kafka: ${method} timed out after ${this.timeoutMs} ms`);
      Atomics.wait(this.flag, 0, 0, Math.min(left, 1000));
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call('close', undefined);
    } finally {
      this.closed = true;
      void this.worker.terminate();
    }
  }
}
