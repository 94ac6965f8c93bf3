// GET /metrics scraped over real HTTP and read by parse-prometheus-text-format (an npm parser
// nobody here wrote): its figures agree with SHOW QUERIES EXTENDED once the batches have
// committed; the histogram is a histogram; the process figures are there; the token guards it.

import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { CLICKS, raw, until } from '../helpers.js';
import { replies, startHttp } from './http-helpers.js';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

function sample(f: Families, name: string, labels: Record<string, string>): number {
  const fam = f.find((x) => x.name === name);
  if (!fam) throw new Error(`no family ${name}`);
  const m = fam.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  if (!m) throw new Error(`no ${name} sample with ${JSON.stringify(labels)}`);
  return Number(m.value);
}

async function scrape(base: string, init: RequestInit = {}): Promise<Families> {
  const r = await fetch(`${base}/metrics`, init);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await r.text());
}

describe('GET /metrics', () => {
  it('agrees with SHOW QUERIES EXTENDED after batches commit', async () => {
    const { port, base } = await startHttp();
    const c = await raw(port);
    c.send(JSON.stringify({ id: 'd', sql: `${CLICKS} CREATE TABLE PER_USER AS SELECT U, COUNT(*) AS N FROM CLICKS GROUP BY U;` }));
    expect((await replies(c, 'd')).some((l) => l.type === 'error')).toBe(false);
    for (let i = 0; i < 3; i++) {
      c.send(JSON.stringify({ id: `i${i}`, insert: 'CLICKS', rows: Array.from({ length: 5 }, (_, k) => ({ U: `u${k % 3}`, P: `p${i}` })) }));
      await replies(c, `i${i}`);
    }
    // Every record consumed and committed: nothing moves between the scrape and SHOW.
    let show: unknown[] = [];
    const end = Date.now() + 10_000;
    for (let n = 0; ; n++) {
      c.send(JSON.stringify({ id: `s${n}`, sql: 'SHOW QUERIES EXTENDED;' }));
      const rows = (await replies(c, `s${n}`)).filter((l) => l.type === 'row').map((l) => l.values as unknown[]);
      const q = rows.find((r) => r[0] === 'CTAS_PER_USER_0');
      if (q && q[6] === 15 && q[8] === 0) {
        show = q;
        break;
      }
      if (Date.now() > end) throw new Error(`query did not catch up: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The event-loop monitor starts at the first scrape: the second has its figures.
    await scrape(base);
    await new Promise((r) => setTimeout(r, 50));
    const f = await scrape(base);
    const q = { query_id: 'CTAS_PER_USER_0', type: 'PERSISTENT' };
    // SHOW QUERIES EXTENDED: Query ID, Type, Sink, Query, Status, Batches, Records In, Rows/s, Lag, Late Dropped, Errors, Last Error
    expect(sample(f, 'eddy_query_running', q)).toBe(show[4] === 'RUNNING' ? 1 : 0);
    expect(sample(f, 'eddy_query_batches_total', q)).toBe(show[5]);
    expect(sample(f, 'eddy_query_records_in_total', q)).toBe(show[6]);
    expect(Math.round(sample(f, 'eddy_query_processed_rows_per_second', q))).toBe(show[7]);
    expect(sample(f, 'eddy_query_lag_records', q)).toBe(show[8]);
    expect(sample(f, 'eddy_query_late_dropped_total', q)).toBe(show[9]);
    expect(sample(f, 'eddy_query_errors_total', q)).toBe(show[10]);
    expect(sample(f, 'eddy_query_state_rows', q)).toBeGreaterThanOrEqual(3); // three users' counts at least
    expect(sample(f, 'eddy_query_records_out_total', q)).toBeGreaterThanOrEqual(3);
    // Per operator, by EXPLAIN's pre-order position: the source read all 15 and passed them on,
    // the aggregate got them, and the sink (position 0) wrote what the query counts as its output.
    expect(sample(f, 'eddy_operator_records_in_total', { ...q, operator_id: '3', operator: 'StreamSource' })).toBe(15);
    expect(sample(f, 'eddy_operator_records_out_total', { ...q, operator_id: '3', operator: 'StreamSource' })).toBe(15);
    expect(sample(f, 'eddy_operator_records_in_total', { ...q, operator_id: '2', operator: 'Aggregate' })).toBe(15);
    expect(sample(f, 'eddy_operator_records_out_total', { ...q, operator_id: '2', operator: 'Aggregate' })).toBe(
      sample(f, 'eddy_operator_records_in_total', { ...q, operator_id: '1', operator: 'Project' }),
    );
    expect(sample(f, 'eddy_operator_records_out_total', { ...q, operator_id: '0', operator: 'TableSink' })).toBe(sample(f, 'eddy_query_records_out_total', q));
    expect(sample(f, 'eddy_topic_records', { topic: 'clicks' })).toBe(15);
    expect(sample(f, 'eddy_query_source_lag_records', { ...q, topic: 'clicks' })).toBe(0);

    // The histogram: the npm parser knows its type, but flattens a labelled histogram's series into
    // one map and drops _count and _sum (its flattenMetrics handles only label-free series), so its
    // samples are read from the text itself, checked against the format's rules.
    expect(f.find((x) => x.name === 'eddy_query_batch_duration_seconds')!.type).toBe('HISTOGRAM');
    const text = await (await fetch(`${base}/metrics`)).text();
    const series = (suffix: string) =>
      [...text.matchAll(new RegExp(`^eddy_query_batch_duration_seconds_${suffix}\\{query_id="CTAS_PER_USER_0",type="PERSISTENT"(?:,le="([^"]+)")?\\} (\\S+)$`, 'gm'))].map(
        (m) => [m[1], Number(m[2])] as const,
      );
    const buckets = series('bucket');
    expect(buckets.at(-1)).toEqual(['+Inf', show[5]]);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]![1]).toBeGreaterThanOrEqual(buckets[i - 1]![1]);
    expect(series('count')).toEqual([[undefined, show[5]]]);
    expect(series('sum')[0]![1]).toBeGreaterThan(0);

    expect(sample(f, 'process_resident_memory_bytes', {})).toBeGreaterThan(10_000_000);
    expect(sample(f, 'nodejs_heap_used_bytes', {})).toBeGreaterThan(1_000_000);
    const loop = f.find((x) => x.name === 'nodejs_eventloop_delay_seconds')!;
    expect(loop.type).toBe('SUMMARY');
    expect(Object.keys(loop.metrics[0]!.quantiles!).sort()).toEqual(['0.5', '0.99', '1']);
    expect(Number(loop.metrics[0]!.count)).toBeGreaterThan(0);

    // The progress JSON reads the same snapshot.
    const p = (await (await fetch(`${base}/queries/CTAS_PER_USER_0/progress`)).json()) as Record<string, unknown>;
    expect(p.id).toBe('CTAS_PER_USER_0');
    expect(p.batchId).toBe(show[5]);
    expect(p.numInputRows).toBe(show[6]);
    expect(p.sources).toEqual([{ description: 'topic clicks', lag: 0 }]);
    expect((p.eddy as Record<string, unknown>).status).toBe('RUNNING');
    const missing = await fetch(`${base}/queries/NOPE/progress`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ '@type': 'generic_error', error_code: 40400 });
  }, 30_000);

  it("counts a windowed aggregate's open windows as its state rows", async () => {
    const { port, base } = await startHttp();
    const c = await raw(port);
    c.send(JSON.stringify({ id: 'd', sql: `${CLICKS} CREATE TABLE PER_HOUR AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY U;` }));
    expect((await replies(c, 'd')).some((l) => l.type === 'error')).toBe(false);
    // Three users in one window, two in the next: five (group, window) entries of state, and the
    // aggregate's stream time (its 'meta' store's one row).
    const rows = [0, 0, 0, 3_600_000, 3_600_000].map((t, k) => ({ ROWTIME: t + k, U: `u${k % 3}`, P: 'p' }));
    c.send(JSON.stringify({ id: 'i', insert: 'CLICKS', rows }));
    await replies(c, 'i');
    const q = { query_id: 'CTAS_PER_HOUR_0', type: 'PERSISTENT' };
    let f = await scrape(base);
    for (const end = Date.now() + 10_000; sample(f, 'eddy_query_records_in_total', q) < 5 && Date.now() < end; f = await scrape(base)) await new Promise((r) => setTimeout(r, 20));
    expect(sample(f, 'eddy_query_records_in_total', q)).toBe(5);
    expect(sample(f, 'eddy_query_state_rows', q)).toBe(6);
    const p = (await (await fetch(`${base}/queries/CTAS_PER_HOUR_0/progress`)).json()) as { stateOperators: { numRowsTotal: number }[] };
    expect(p.stateOperators[0]!.numRowsTotal).toBe(6);
  }, 20_000);

  it('counts a push query while it runs', async () => {
    const { port, base } = await startHttp();
    const c = await raw(port);
    c.send(JSON.stringify({ id: 'd', sql: CLICKS }));
    await replies(c, 'd');
    c.send(JSON.stringify({ id: 'p', sql: 'SELECT * FROM CLICKS EMIT CHANGES;' }));
    await until(() => c.lines.some((l) => l.id === 'p' && l.type === 'header'));
    const queryId = c.lines.find((l) => l.id === 'p' && l.type === 'header')!.queryId as string;
    c.send(
      JSON.stringify({
        id: 'i',
        insert: 'CLICKS',
        rows: [
          { U: 'a', P: 'x' },
          { U: 'b', P: 'y' },
        ],
      }),
    );
    await until(() => c.lines.filter((l) => l.id === 'p' && l.type === 'row').length === 2);
    const f = await scrape(base);
    expect(sample(f, 'eddy_query_records_in_total', { query_id: queryId, type: 'PUSH' })).toBe(2);
  }, 20_000);

  it('wants the token when the server has one', async () => {
    const { base } = await startHttp({ token: 's3cret' });
    const r = await fetch(`${base}/metrics`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await r.json()).toEqual({ '@type': 'generic_error', error_code: 40100, message: 'Unauthorized' });
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: `Basic ${Buffer.from('prometheus:wrong').toString('base64')}` } })).status).toBe(401);
    await scrape(base, { headers: { Authorization: `Basic ${Buffer.from('prometheus:s3cret').toString('base64')}` } });
    await scrape(base, { headers: { Authorization: 'Bearer s3cret' } });
  }, 20_000);
});
