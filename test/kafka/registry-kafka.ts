// Shared pieces of the schema-registry suites over a real broker: an `eddy server --kafka` process
// with its HTTP port (where its registry is served), SQL with rows back, and kafkajs produce.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { raw, spawnServer, until, type ServerProcess } from '../server/helpers.js';
import { brokers, kafka } from './helpers.js';

export interface KafkaServer extends ServerProcess {
  /** The server's HTTP base URL: its REST API and the schema registry it uses. */
  readonly http: string;
}

/** `eddy server --kafka <suite broker> --http-port 0 …extra`, killed after the file's tests. */
export function kafkaServers(): (extra?: string[]) => Promise<KafkaServer> {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const s of servers) s.child.kill('SIGKILL');
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  return async (extra = []) => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-registry-kafka-'));
    dirs.push(dir);
    const s = await spawnServer(['--kafka', brokers, '--data', join(dir, 'data'), '--http-port', '0', ...extra]);
    servers.push(s);
    await until(() => /eddy http listening on [\d.]+:\d+/.test(s.output()), 10_000);
    const [, host, port] = /eddy http listening on ([\d.]+):(\d+)/.exec(s.output())!;
    return Object.assign(s, { http: `http://${host}:${port}` });
  };
}

/** Run `sql` (one request); the rows of its queries, or its error thrown with the server's message. */
export async function sqlRows(port: number, sql: string, ms = 60_000): Promise<unknown[][]> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'q', sql }));
  await until(() => c.lines.some((l) => l.id === 'q' && (l.type === 'end' || l.type === 'error')), ms);
  c.socket.destroy();
  const err = c.lines.find((l) => l.type === 'error');
  if (err) throw new Error(String(err.message));
  return c.lines.filter((l) => l.type === 'row').map((l) => l.values as unknown[]);
}

/** Poll a pull query until `ok` holds for its rows. */
export async function rowsSoon(port: number, sql: string, ok: (rows: unknown[][]) => boolean, ms = 60_000): Promise<unknown[][]> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 250))) {
    const rows = await sqlRows(port, sql);
    if (ok(rows)) return rows;
    if (Date.now() > end) throw new Error(`timed out: ${sql} gave ${JSON.stringify(rows)}`);
  }
}

/** Produce records to the broker with a plain kafkajs producer (the bytes as given). */
export async function produce(topic: string, records: { key?: Buffer | null; value: Buffer | null; timestamp?: number }[]): Promise<void> {
  const p = kafka().producer();
  await p.connect();
  try {
    await p.send({ topic, messages: records.map((r, i) => ({ key: r.key ?? null, value: r.value, timestamp: String(r.timestamp ?? 1_000 + i) })) });
  } finally {
    await p.disconnect();
  }
}
