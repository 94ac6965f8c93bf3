// The webhook sink against a real HTTP server on 127.0.0.1 in this process: each batch arrives as
// one POST of JSON lines with the batch's idempotency key; a server that fails a few times gets the
// batch after retries with growing pauses, under the same key each time; one that keeps failing
// puts the failure in the processing log while the query keeps its place, goes on staging batches,
// and delivers all of them, in order, once the server answers again.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';

interface Received {
  readonly key: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** The status the server answered. */
  readonly status: number;
}

interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** The status for the next request (given how many came before). */
  answer: (n: number) => number;
  close(): Promise<void>;
}

const open: Receiver[] = [];
const engines: Eddy[] = [];
afterEach(async () => {
  engines.splice(0).forEach((e) => e.close());
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(answer: (n: number) => number = () => 200): Promise<Receiver> {
  const requests: Received[] = [];
  const r: Receiver = { url: '', requests, answer, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = r.answer(requests.length);
      requests.push({ key: String(req.headers['idempotency-key']), headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now(), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  Object.assign(r, { url: `http://127.0.0.1:${port}/hook`, close: () => new Promise<void>((done) => server.close(() => done())) });
  open.push(r);
  return r;
}

function engine(maxRecords: number): Eddy {
  const e = Eddy.open({ autoStart: false, batch: { maxRecords } });
  engines.push(e);
  return e;
}

const accepted = (r: Receiver) => r.requests.filter((q) => q.status < 300);
const lines = (body: string) => body.split('\n').filter((l) => l !== '');

describe('webhook sink', () => {
  it('POSTs each batch as JSON lines with the idempotency key <query>-<batch>, a table tombstone as _deleted', async () => {
    const hook = await receiver();
    const e = engine(2);
    e.execute(`CREATE STREAM S (ID INT KEY, K STRING, B BIGINT, D DECIMAL(6,2)) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM W WITH (sink='webhook', url='${hook.url}') AS SELECT * FROM S;`);
    e.execute("INSERT INTO S (ID, K, B, D) VALUES (1, 'a', 998877665544332211, 1.25);");
    e.insert('S', [
      { ID: 2, K: 'b', B: null, D: null },
      { ID: 3, K: 'line\nbreak', B: -1, D: '0.10' },
    ]);
    await e.flushSinks(5_000);
    expect(hook.requests.map((q) => q.key)).toEqual(['CSAS_W_0-1', 'CSAS_W_0-2']);
    expect(hook.requests.every((q) => q.headers['content-type'] === 'application/x-ndjson' && q.status === 200)).toBe(true);
    // The raw text, so a BIGINT past 2^53 and the DECIMAL's digits are checked as sent.
    expect(hook.requests.flatMap((q) => lines(q.body))).toEqual([
      '{"ID":1,"K":"a","B":998877665544332211,"D":1.25}',
      '{"ID":2,"K":"b","B":null,"D":null}',
      '{"ID":3,"K":"line\\nbreak","B":-1,"D":0.10}',
    ]);
    expect(hook.requests.every((q) => q.body.endsWith('\n'))).toBe(true);
    const sinks = e.execute('SHOW SINKS;')[0]!;
    expect(sinks.kind === 'rows' && sinks.rows.map((r) => r.slice(2))).toEqual([[`webhook ${hook.url}`, 'at-least-once', 2, 2, 0, null]]);

    // A table: changes as rows, a tombstone (HAVING no longer holds) as its key and "_deleted".
    const table = await receiver();
    e.execute(`CREATE TABLE T WITH (sink='webhook', url='${table.url}') AS SELECT K, COUNT(*) AS N FROM S GROUP BY K HAVING COUNT(*) < 2;`);
    for (const ID of [4, 5]) {
      e.insert('S', [{ ID, K: 'x', B: 1, D: '1' }]);
      await e.flushSinks(5_000);
    }
    expect(table.requests.map((q) => q.key)).toEqual(['CTAS_T_1-1', 'CTAS_T_1-2']);
    expect(table.requests.map((q) => q.body)).toEqual(['{"K":"x","N":1}\n', '{"_deleted":true,"K":"x"}\n']);
  });

  it('retries a failing POST with doubling pauses under the same key, and the batch arrives once the server takes it', async () => {
    const FAILS = 3;
    const hook = await receiver((n) => (n < FAILS ? 503 : 200));
    const e = engine(100);
    e.execute(`CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM W WITH (sink='webhook', url='${hook.url}', retries=5) AS SELECT * FROM S;`);
    e.insert('S', [
      { ID: 1, V: 'a' },
      { ID: 2, V: 'b' },
    ]);
    await e.flushSinks(10_000);
    expect(hook.requests.map((q) => [q.key, q.status])).toEqual([
      ['CSAS_W_0-1', 503],
      ['CSAS_W_0-1', 503],
      ['CSAS_W_0-1', 503],
      ['CSAS_W_0-1', 200],
    ]);
    expect(new Set(hook.requests.map((q) => q.body))).toEqual(new Set(['{"ID":1,"V":"a"}\n{"ID":2,"V":"b"}\n'])); // the very same batch each time
    // Backoff: the pauses between attempts double from 50 ms (timers fire late, never early).
    const gaps = hook.requests.slice(1).map((q, i) => q.at - hook.requests[i]!.at);
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(50 * 2 ** i - 5));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]! * 2);
    // Retries within one delivery are not a delivery failure: nothing in the processing log.
    expect(e.processingLog().filter((l) => l.reason.includes('sink webhook'))).toEqual([]);
    const sinks = e.execute('SHOW SINKS;')[0]!;
    expect(sinks.kind === 'rows' && sinks.rows[0]!.slice(4)).toEqual([1, 1, 0, null]);
  });

  it('logs a server that keeps failing after the retries; the query keeps its place, goes on, and delivers every batch in order once it can', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 500));
    const e = engine(2);
    e.execute(`CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM W WITH (sink='webhook', url='${hook.url}', retries=2) AS SELECT * FROM S;`);
    e.insert('S', [
      { ID: 1, V: 1 },
      { ID: 2, V: 2 },
    ]);
    await expect(e.flushSinks(1_500)).rejects.toThrow(/sinks still delivering/);
    const log = e.processingLog().filter((l) => l.reason.includes('sink webhook'));
    expect(log.length).toBeGreaterThan(0);
    log.forEach((l) => expect(l.reason).toMatch(/delivery failed \(attempt \d+, retrying in \d+ ms\): POST of batch 1 failed after 3 attempts: HTTP 500/));
    expect(log.at(-1)!.reason).toMatch(/sink webhook http:\/\/127\.0\.0\.1:\d+\/hook: delivery failed \(attempt 1, retrying in 100 ms\): POST of batch 1 failed after 3 attempts: HTTP 500/);
    // Eddy offered the batch again after each failed delivery, and each delivery made 1 + retries
    // attempts, all for batch 1: the query did not skip it.
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(hook.requests.length).toBeGreaterThanOrEqual(3 * log.length);
    expect(new Set(hook.requests.map((q) => q.key))).toEqual(new Set(['CSAS_W_0-1']));

    // The query goes on while its target is down: new input becomes batches staged behind batch 1.
    e.insert('S', [
      { ID: 3, V: 3 },
      { ID: 4, V: 4 },
      { ID: 5, V: 5 },
    ]);
    await expect(e.flushSinks(300)).rejects.toThrow(/sinks still delivering/);
    let sinks = e.execute('SHOW SINKS;')[0]!;
    expect(sinks.kind === 'rows' && sinks.rows[0]!.slice(4, 7)).toEqual([3, 0, 3]);
    expect(sinks.kind === 'rows' && String(sinks.rows[0]![7])).toMatch(/HTTP 500/);

    up = true;
    await e.flushSinks(10_000);
    const ok = accepted(hook);
    expect(ok.map((q) => q.key)).toEqual(['CSAS_W_0-1', 'CSAS_W_0-2', 'CSAS_W_0-3']);
    expect(ok.flatMap((q) => lines(q.body))).toEqual(['{\"ID\":1,\"V\":1}', '{\"ID\":2,\"V\":2}', '{\"ID\":3,\"V\":3}', '{\"ID\":4,\"V\":4}', '{\"ID\":5,\"V\":5}']);
    sinks = e.execute('SHOW SINKS;')[0]!;
    expect(sinks.kind === 'rows' && sinks.rows[0]!.slice(4)).toEqual([3, 3, 0, null]);
  });

  it('does not retry a request the server refuses as such (4xx other than 408 and 429)', async () => {
    let refuse = true;
    const hook = await receiver(() => (refuse ? 422 : 200));
    const e = engine(10);
    e.execute(`CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE STREAM W WITH (sink='webhook', url='${hook.url}', retries=4) AS SELECT * FROM S;`);
    e.insert('S', [{ ID: 1, V: 1 }]);
    await expect(e.flushSinks(600)).rejects.toThrow(/HTTP 422/);
    // One request per delivery: as many as the failures logged (and one more if a delivery is on its way).
    const log = e.processingLog().filter((l) => l.reason.includes('sink webhook'));
    const requests = hook.requests.length;
    expect(log.length).toBeGreaterThanOrEqual(1);
    log.forEach((l) => expect(l.reason).toMatch(/POST of batch 1 failed after 1 attempt: HTTP 422/));
    expect(requests - log.length).toBeGreaterThanOrEqual(0);
    expect(requests - log.length).toBeLessThanOrEqual(1);
    refuse = false;
    await e.flushSinks(5_000);
    expect(accepted(hook).map((q) => q.key)).toEqual(['CSAS_W_0-1']);
  });
});
