// Connectors contain what goes wrong outside: a file source whose path becomes a directory logs it
// (once) and goes on, in a real process that must not crash; the socket source reads a long line
// in time linear in its length.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';

const dirs: string[] = [];
const servers: Server[] = [];
let eddy: Eddy | undefined;
afterAll(() => {
  killLiveWorkers();
  eddy?.close();
  for (const s of servers) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-connectors-'));
  dirs.push(d);
  return d;
}

describe('the file source', () => {
  it('logs a path that became a directory once, does not crash, and reads the file that replaces it', async () => {
    const run = await runKillableWorker(join(import.meta.dirname, 'failures-file-source.worker.ts'), [tempDir()], undefined);
    expect(run.outcome).toBe('done');
    const [during, after] = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>) as [{ whileDirectory: string[] }, { out: number[] }];
    expect(during.whileDirectory).toHaveLength(1);
    expect(during.whileDirectory[0]).toMatch(/cannot read '.*in\.jsonl': EISDIR: illegal operation on a directory/);
    expect(after.out).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 120_000);
});

/** A TCP server on 127.0.0.1 that sends `payload` in 64 KiB writes to whoever connects, then closes. */
function sender(payload: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer((sock) => {
      for (let i = 0; i < payload.length; i += 65536) sock.write(payload.subarray(i, i + 65536));
      sock.end();
    });
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

async function timeToRead(megabytes: number): Promise<number> {
  const value = 'x'.repeat(megabytes * 1024 * 1024);
  const port = await sender(Buffer.from(`{"S":"${value}"}\n{"S":"end"}\n`));
  eddy = Eddy.open({ autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
  const started = performance.now();
  eddy.execute(`CREATE STREAM L (S STRING) WITH (source='socket', host='127.0.0.1', port=${port}, value_format='JSON');`);
  const topicName = eddy.state.catalog.get('L')!.topic!;
  while (eddy.state.log.endOffset(topicName, 0) < 2) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  const got = eddy.readTopic(topicName).map((r) => r.value!.length);
  expect(got).toEqual([value.length + 8, 11]);
  eddy.close();
  eddy = undefined;
  return ms;
}

describe('the socket source', () => {
  it('reads a long line in linear time (12 MB vs 3 MB: about 4x, not 16x; both under the 16 MiB line cap)', async () => {
    await timeToRead(1); // warm up
    const small = await timeToRead(3);
    const large = await timeToRead(12);
    // Linear: 4x the bytes take about 4x the time. The quadratic reader took 16x (a 50 MB line: 80 s).
    expect(large / small).toBeLessThan(9);
    expect(large).toBeLessThan(10_000);
  }, 120_000);
});
