// What Eddy promises for Kafka sink topics: each batch's output is staged in SQLite with the
// batch's state and offsets, then written in one Kafka transaction that also commits the
// consumer-group offsets. A read_committed consumer therefore sees every output record exactly
// once, across crashes. Proven with a real Eddy process killed by SIGKILL mid-stream, repeatedly.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../../src/runtime/connectors/datagen.js';
import { killLiveWorkers, runKillableWorker } from '../killable-worker.js';
import { brokers, kafka, noBroker, readTopic, unique } from './helpers.js';

const WORKER = join(__dirname, 'fixtures', 'sink-worker.ts');
const dirs: string[] = [];
afterAll(() => {
  killLiveWorkers();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe.skipIf(noBroker)('Kafka sinks across SIGKILL', () => {
  it('a read_committed consumer sees each output record exactly once', { timeout: 300_000 }, async () => {
    const records = 4_000;
    const input = unique('readings');
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 2 }] });
    await admin.disconnect();
    const rnd = prng(11);
    const rows = Array.from({ length: records }, (_, seq) => ({ sensor: `s${Math.floor(rnd() * 7)}`, seq, v: Math.floor(rnd() * 100) }));
    const producer = kafka().producer();
    await producer.connect();
    for (let i = 0; i < rows.length; i += 1000) {
      await producer.send({
        topic: input,
        messages: rows.slice(i, i + 1000).map((r) => ({ key: r.sensor, value: JSON.stringify({ SEQ: r.seq, V: r.v }), timestamp: String(1_700_000_000_000 + r.seq) })),
      });
    }
    await producer.disconnect();

    const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-eo-'));
    dirs.push(dir);
    const args = [brokers, unique('eo'), input, String(records)];
    const seed = Number(process.env.EDDY_EO_SEED ?? Date.now() % 100_000);
    const kill = prng(seed);
    let kills = 0;
    for (let attempt = 0; attempt < 30; attempt++) {
      const started = Date.now();
      const { outcome } = await runKillableWorker(WORKER, [dir, ...args], kills < 3 ? 100 + Math.floor(kill() * 800) : undefined, { tsx: true });
      if (process.env.EDDY_TEST_VERBOSE) console.log(`run ${attempt}: ${outcome} after ${Date.now() - started} ms`);
      if (outcome === 'done') break;
      kills++;
    }
    console.log(`kafka exactly-once: ${kills} SIGKILLs (seed ${seed})`);
    expect(kills).toBeGreaterThan(0);

    const expectedKept = rows
      .filter((r) => r.v % 3 !== 0)
      .map((r) => `${r.seq}:${r.v * 2}`)
      .sort();
    if (process.env.EDDY_TEST_VERBOSE) console.log('reading sink topics');
    const kept = await readTopic(`${input}_kept`, (s) => s.length >= expectedKept.length, 60_000);
    const seenKept = kept.map((r) => {
      const v = JSON.parse(r.value!) as { SEQ: number; V2: number };
      return `${v.SEQ}:${v.V2}`;
    });
    expect(seenKept.length).toBe(expectedKept.length);
    expect(seenKept.sort()).toEqual(expectedKept);

    if (process.env.EDDY_TEST_VERBOSE) console.log(`read ${kept.length} of ${expectedKept.length}`);
    const totals = new Map<string, { N: number; TOTAL: number }>();
    for (const r of rows) {
      const t = totals.get(r.sensor) ?? { N: 0, TOTAL: 0 };
      totals.set(r.sensor, { N: t.N + 1, TOTAL: t.TOTAL + r.v });
    }
    const changes = await readTopic(`${input}_totals`, (s) => [...totals].every(([k, t]) => s.some((r) => r.key === k && JSON.parse(r.value!).N === t.N)), 60_000);
    const last = new Map(changes.map((r) => [r.key, JSON.parse(r.value!) as { N: number; TOTAL: number }]));
    expect(Object.fromEntries(last)).toEqual(Object.fromEntries(totals));
    // No change record was delivered twice: the counts a key went through only ever increase.
    for (const k of totals.keys()) {
      const ns = changes.filter((r) => r.key === k).map((r) => (JSON.parse(r.value!) as { N: number }).N);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(new Set(ns).size).toBe(ns.length);
    }
  });
});
