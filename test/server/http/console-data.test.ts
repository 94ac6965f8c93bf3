// GET /processing-log and GET /topics over real HTTP on a real server with a token: the views
// the console polls. Newest entries first, ?query= and ?limit=, the token checked as on every
// data route; topics with partitions, records and end offsets.

import { describe, expect, it } from 'vitest';
import { sleep, start } from '../helpers.js';

const TOKEN = 'data-token';
const auth = { Authorization: `Bearer ${TOKEN}` };

async function ksql(base: string, sql: string): Promise<void> {
  const r = await fetch(`${base}/ksql`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ ksql: sql }) });
  if (!r.ok) throw new Error(`${sql}: ${r.status} ${await r.text()}`);
}

interface Entry {
  loggedAt: number;
  queryId: string | null;
  topic: string | null;
  partition: number | null;
  offset: number | null;
  reason: string;
}

describe('console data views', () => {
  it('serves the processing log newest first, by query and limit, and topic sizes', async () => {
    const { server } = await start({ httpPort: 0, token: TOKEN });
    const base = `http://127.0.0.1:${server.httpAddress!.port}`;
    await ksql(base, "CREATE STREAM S (K STRING KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=3);");
    await ksql(base, "CREATE STREAM S_BAD (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON'); CREATE STREAM OUT_BAD AS SELECT * FROM S_BAD; CREATE STREAM OUT_OK AS SELECT * FROM S;");
    for (let i = 0; i < 6; i++) await ksql(base, `INSERT INTO S (K, V) VALUES ('k${i}', 'v${i}');`);
    const log = async (q = ''): Promise<Entry[]> => {
      const r = await fetch(`${base}/processing-log${q}`, { headers: auth });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      return ((await r.json()) as { entries: Entry[] }).entries;
    };
    for (let i = 0; i < 200 && (await log()).length < 6; i++) await sleep(25);
    const all = await log();
    expect(all).toHaveLength(6);
    expect(all.every((e) => e.queryId === 'CSAS_OUT_BAD_0' && e.topic === 's' && /V/.test(e.reason))).toBe(true);
    const at = all.map((e) => e.loggedAt);
    expect(at).toEqual([...at].sort((a, b) => b - a));
    expect(await log('?limit=2')).toEqual(all.slice(0, 2));
    expect(await log('?query=csas_out_bad_0')).toEqual(all);
    expect(await log('?query=CSAS_OUT_OK_1')).toEqual([]);

    const topics = (await (await fetch(`${base}/topics`, { headers: auth })).json()) as { topics: { name: string; partitions: number; records: number; endOffsets: number[] }[] };
    const s = topics.topics.find((t) => t.name === 's')!;
    expect(s.partitions).toBe(3);
    expect(s.records).toBe(6);
    expect(s.endOffsets.reduce((a, b) => a + b, 0)).toBe(6);

    for (const path of ['/processing-log', '/topics']) expect((await fetch(`${base}${path}`)).status, path).toBe(401);
  });
});
