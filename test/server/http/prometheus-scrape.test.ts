// A real Prometheus (Debian's `prometheus` package: the server, its scraper and its own text
// parser, nobody here wrote any of it) scrapes a real `eddy server` process's /metrics every
// second, with the server's token as a Bearer credential; the test then asks Prometheus' HTTP API
// (/api/v1/query) for Eddy's series and watches them move as records are inserted: records in and
// out per query and per operator, the batch-duration histogram, lag, state rows, topic records.
// The target must stay `up` with no scrape error, so whatever Prometheus' parser rejects (names,
// HELP/TYPE lines, label escaping, histogram buckets) fails here. promtool (same package) lints a
// scrape as well. Under CI=true a missing prometheus fails the suite; elsewhere it skips loudly.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raw, sleep, spawnServer, until, type ServerProcess } from '../helpers.js';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const hasPrometheus = existsSync(PROMETHEUS);
if (!hasPrometheus) {
  const msg = `\n${'!'.repeat(78)}\n!! Real Prometheus scrape test SKIPPED: no prometheus at ${PROMETHEUS} (apt-get install -y prometheus).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const TOKEN = 'prometheus-scrape-token';
const QUERY = 'CTAS_PER_USER_0';

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: readonly [number, string];
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function ksql(base: string, sql: string): Promise<unknown[]> {
  const r = await fetch(`${base}/ksql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  const body = (await r.json()) as unknown[];
  if (!r.ok) throw new Error(`ksql ${sql}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

/** Prometheus' answer to an instant query: its vector's samples. */
async function promQuery(prom: string, q: string): Promise<Sample[]> {
  const r = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; error?: string; data?: { resultType: string; result: Sample[] } };
  if (body.status !== 'success' || !body.data) throw new Error(`prometheus ${q}: ${body.error ?? JSON.stringify(body)}`);
  return body.data.result;
}

/** The one sample of `q` (a selector that names one series), as a number; undefined while Prometheus has none. */
async function value(prom: string, q: string): Promise<number | undefined> {
  const r = await promQuery(prom, q);
  if (r.length > 1) throw new Error(`${q}: ${r.length} series, expected one: ${JSON.stringify(r.map((s) => s.metric))}`);
  return r[0] ? Number(r[0].value[1]) : undefined;
}

/** Polls `q` until `ok` holds for its value (Prometheus sees a scrape a second, at most ~2 s late). */
async function eventually(prom: string, q: string, ok: (v: number | undefined) => boolean, ms = 15_000): Promise<number> {
  const end = Date.now() + ms;
  let last: number | undefined;
  for (;;) {
    last = await value(prom, q);
    if (ok(last)) return last!;
    if (Date.now() > end) throw new Error(`${q}: still ${last} after ${ms} ms`);
    await sleep(250);
  }
}

/** SHOW QUERIES EXTENDED's rows: Query ID, Type, Sink, Query, Status, Batches, Records In, Rows/s, Lag, Late Dropped, Errors, Last Error. */
async function showQueriesExtended(port: number): Promise<unknown[][]> {
  const c = await raw(port);
  await until(() => c.lines.length > 0, 10_000); // the server's hello: the token comes next
  c.send(`AUTH ${TOKEN}`);
  c.send(JSON.stringify({ id: 'show', sql: 'SHOW QUERIES EXTENDED;' }));
  await until(() => c.lines.some((l) => l.id === 'show' && (l.type === 'end' || l.type === 'error')), 10_000);
  c.socket.destroy();
  return c.lines.filter((l) => l.id === 'show' && l.type === 'row').map((l) => l.values as unknown[]);
}

describe.skipIf(!hasPrometheus)('a real Prometheus scraping /metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-prometheus-'));
  let prometheus: ChildProcess | undefined;
  let eddy: ServerProcess | undefined;
  let promLog = '';

  afterAll(async () => {
    for (const p of [prometheus, eddy?.child]) {
      if (!p || p.exitCode !== null) continue;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes every second; the series move as records are inserted', { timeout: 120_000 }, async () => {
    eddy = await spawnServer(['--data', join(dir, 'data'), '--http-port', '0', '--token', TOKEN]);
    await until(() => /eddy http listening on [\d.]+:\d+/.test(eddy!.output()), 10_000);
    const httpPort = Number(/eddy http listening on [\d.]+:(\d+)/.exec(eddy.output())![1]);
    const base = `http://127.0.0.1:${httpPort}`;

    const promPort = await freePort();
    const prom = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: eddy',
        '    authorization:',
        '      type: Bearer',
        `      credentials: ${TOKEN}`,
        '    static_configs:',
        `      - targets: ['127.0.0.1:${httpPort}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prometheus.stdout!.on('data', (d: Buffer) => (promLog += d.toString()));
    prometheus.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
    const promExit = new Promise<number | null>((r) => prometheus!.once('exit', r));
    const ready = async () => {
      for (const end = Date.now() + 30_000; Date.now() < end; ) {
        if (prometheus!.exitCode !== null) break;
        const ok = await fetch(`${prom}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await sleep(200);
      }
      throw new Error(`prometheus did not become ready:\n${promLog}`);
    };
    await Promise.race([ready(), promExit.then((c) => Promise.reject(new Error(`prometheus exited (${c}):\n${promLog}`)))]);

    await ksql(
      base,
      "CREATE STREAM PAGEVIEWS (USERID STRING KEY, PAGEID STRING) WITH (kafka_topic='pageviews', value_format='JSON', partitions=1); CREATE TABLE PER_USER AS SELECT USERID, COUNT(*) AS N FROM PAGEVIEWS GROUP BY USERID;",
    );
    let n = 0;
    const insert = (k: number) => ksql(base, Array.from({ length: k }, () => `INSERT INTO PAGEVIEWS (USERID, PAGEID) VALUES ('u${n % 4}', 'p${n++}');`).join(' '));
    await insert(10);

    const q = `{job="eddy",query_id="${QUERY}",type="PERSISTENT"}`;
    try {
      // The target is up and its last scrape had no error: Prometheus' parser took every line.
      await eventually(prom, 'up{job="eddy"}', (v) => v === 1);
      const targets = (await (await fetch(`${prom}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
      expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);

      const in1 = await eventually(prom, `eddy_query_records_in_total${q}`, (v) => v === 10);
      expect(await eventually(prom, `eddy_topic_records{job="eddy",topic="pageviews"}`, (v) => v === 10)).toBe(10);
      const out1 = await eventually(prom, `eddy_query_records_out_total${q}`, (v) => v !== undefined && v >= 4);
      const batches1 = await eventually(prom, `eddy_query_batch_duration_seconds_count${q}`, (v) => v !== undefined && v >= 1);
      expect(await value(prom, `eddy_query_batches_total${q}`)).toBe(batches1);
      expect(await value(prom, `eddy_query_lag_records${q}`)).toBe(0);
      expect(await value(prom, `eddy_query_state_rows${q}`)).toBeGreaterThanOrEqual(4);
      expect(await value(prom, `eddy_query_running${q}`)).toBe(1);
      // Per operator: the source read every record, the sink wrote the query's output.
      expect(await value(prom, `eddy_operator_records_in_total{job="eddy",query_id="${QUERY}",operator="StreamSource"}`)).toBe(in1);
      expect(await value(prom, `eddy_operator_records_out_total{job="eddy",query_id="${QUERY}",operator_id="0",operator="TableSink"}`)).toBe(out1);
      // The histogram is a histogram to Prometheus: its buckets end at +Inf and histogram_quantile reads them.
      const buckets = await promQuery(prom, `eddy_query_batch_duration_seconds_bucket${q}`);
      expect(buckets.map((b) => b.metric.le)).toContain('+Inf');
      expect(Number(buckets.find((b) => b.metric.le === '+Inf')!.value[1])).toBe(batches1);
      const p99 = await value(prom, `histogram_quantile(0.99, eddy_query_batch_duration_seconds_bucket${q})`);
      expect(p99).toBeGreaterThan(0);
      expect(p99).toBeLessThanOrEqual(10);
      // Process figures.
      expect(await value(prom, 'process_resident_memory_bytes{job="eddy"}')).toBeGreaterThan(10_000_000);
      expect((await promQuery(prom, 'nodejs_eventloop_delay_seconds{job="eddy"}')).map((s) => s.metric.quantile).sort()).toEqual(['0.5', '0.99', '1']);
      expect(await eventually(prom, 'nodejs_eventloop_delay_seconds_count{job="eddy"}', (v) => v !== undefined && v > 0)).toBeGreaterThan(0);

      // More records: every figure moves, as Prometheus sees it on its next scrapes.
      await insert(25);
      expect(await eventually(prom, `eddy_query_records_in_total${q}`, (v) => v === 35)).toBe(35);
      expect(await eventually(prom, `eddy_topic_records{job="eddy",topic="pageviews"}`, (v) => v === 35)).toBe(35);
      expect(await eventually(prom, `eddy_query_records_out_total${q}`, (v) => v !== undefined && v > out1)).toBeGreaterThan(out1);
      expect(await eventually(prom, `eddy_query_batch_duration_seconds_count${q}`, (v) => v !== undefined && v > batches1)).toBeGreaterThan(batches1);
      expect(await eventually(prom, `eddy_operator_records_in_total{job="eddy",query_id="${QUERY}",operator="Aggregate"}`, (v) => v === 35)).toBe(35);
      // A rate over the scrapes Prometheus kept: records arrived in the last half minute.
      expect(await value(prom, `increase(eddy_query_records_in_total${q}[30s])`)).toBeGreaterThan(0);
      // Lag as Prometheus stored it: 0 once the query caught up (it is a gauge of records waiting).
      expect(await eventually(prom, `eddy_query_lag_records${q}`, (v) => v === 0)).toBe(0);
      // What Prometheus stored agrees with SHOW QUERIES EXTENDED (over the line protocol) once
      // the query is idle: Batches, Records In, Lag, Late Dropped and Errors, and the source
      // operator's records in (the console's plan box) are Records In.
      const show = (await showQueriesExtended(eddy.port)).find((r) => r[0] === QUERY)!;
      expect(show[6]).toBe(35);
      expect(await eventually(prom, `eddy_query_batches_total${q}`, (v) => v === show[5])).toBe(show[5]);
      expect(await value(prom, `eddy_query_records_in_total${q}`)).toBe(show[6]);
      expect(await value(prom, `eddy_query_lag_records${q}`)).toBe(show[8]);
      expect(await value(prom, `eddy_query_late_dropped_total${q}`)).toBe(show[9]);
      expect(await value(prom, `eddy_query_errors_total${q}`)).toBe(show[10]);
      expect(await value(prom, `eddy_operator_records_in_total{job="eddy",query_id="${QUERY}",operator="StreamSource"}`)).toBe(show[6]);
      // A push query shows up as its own series while it runs.
      const push = await fetch(`${base}/query-stream`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ sql: 'SELECT * FROM PAGEVIEWS EMIT CHANGES;', properties: { 'auto.offset.reset': 'earliest' } }),
      });
      const reader = push.body!.getReader();
      try {
        await reader.read();
        await eventually(prom, 'count(eddy_query_records_in_total{job="eddy",type="PUSH"})', (v) => v === 1);
        expect(await eventually(prom, 'sum(eddy_query_records_in_total{job="eddy",type="PUSH"})', (v) => v === 35)).toBe(35);
      } finally {
        await reader.cancel();
      }
      const after = (await (await fetch(`${prom}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
      expect(after.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
    } catch (e) {
      process.stderr.write(`prometheus log:\n${promLog}\n`);
      throw e;
    }

    // promtool's lint of the exposition (naming and HELP/TYPE rules Prometheus' own clients follow).
    if (existsSync(PROMTOOL)) {
      const text = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
      const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${lint.stdout}${lint.stderr}`.trim(), 'promtool check metrics').toBe('');
      expect(lint.status).toBe(0);
    }
  });
});
