// What the scale-out tests share: `eddy server --kafka` processes on throw-away data directories,
// killed and removed after the file, and the committed output of a count query read back as each
// key's successive values, to compare a faulted service with one undisturbed server.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { spawnServer, type ServerProcess } from '../server/helpers.js';
import { brokers, kafka, unique, until } from './helpers.js';

/** `server(args)` starts one on its own data directory; all are SIGKILLed (woken first, if stopped) after the file. */
export function serverFleet(prefix: string): (extra: string[]) => Promise<ServerProcess> {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const s of servers) {
      s.child.kill('SIGCONT');
      s.child.kill('SIGKILL');
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return async (extra) => {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    dirs.push(dir);
    const s = await spawnServer(['--data', dir, '--kafka', brokers, ...extra]);
    servers.push(s);
    return s;
  };
}

export interface RawRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: string | null;
}

/** Every committed record of a topic, in partition order, once `want` records were seen (and a second more, so late ones show). */
export async function committedRecords(topic: string, want: number | ((n: number) => boolean), ms = 60_000): Promise<RawRecord[]> {
  const enough = typeof want === 'number' ? (n: number) => n >= want : want;
  const consumer = kafka().consumer({ groupId: unique('check'), readUncommitted: false, maxWaitTimeInMs: 100 });
  const seen: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message: m }) => void seen.push({ partition, key: m.key ?? null, value: m.value?.toString('utf8') ?? null }) });
    await until(() => enough(seen.length), ms).catch(() => {});
    await new Promise((r) => setTimeout(r, 1_000));
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** Each key's successive count values (column C), in the order they were committed; a windowed key is `key@windowStart`. */
export function countSequences(records: readonly RawRecord[], windowed: boolean): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of records) {
    if (!r.key || r.value === null) continue;
    const id = windowed ? `${r.key.subarray(0, r.key.length - 8).toString('utf8')}@${r.key.readBigInt64BE(r.key.length - 8)}` : r.key.toString('utf8');
    out.set(id, [...(out.get(id) ?? []), (JSON.parse(r.value) as { C: number }).C]);
  }
  return out;
}
