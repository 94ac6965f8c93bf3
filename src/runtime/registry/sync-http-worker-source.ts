// The worker thread of SyncHttp, as source text (run with `eval: true`, so the same code serves
// the TypeScript sources under test and the built package). It runs fetch() on its own event loop
// while the engine's thread waits: each answer goes back over a MessagePort (any size), then the
// shared counter is bumped and notified so the waiting thread wakes and reads the port.

export const SYNC_HTTP_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const signal = new Int32Array(workerData.signal);
const port = workerData.port;
parentPort.on('message', async (req) => {
  let reply;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) });
    reply = { id: req.id, status: res.status, body: await res.text() };
  } catch (e) {
    const cause = e && e.cause ? (e.cause.code || e.cause.message) : undefined;
    reply = { id: req.id, error: e && e.name === 'TimeoutError' ? 'timeout' : String(cause || (e && e.message) || e) };
  }
  port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;
