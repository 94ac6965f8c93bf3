// A real `eddy server` process restarted on its data directory: what a query's figures count, as
// SHOW QUERIES EXTENDED, /metrics (read by parse-prometheus-text-format) and the progress JSON's
// per-operator counts (the console's plan boxes) show them. All of them count the batches since
// the query started in this server process, so they agree with each other before the restart and
// after it; after it they start again from zero (as Spark's StreamingQueryProgress does per run,
// and as Prometheus expects of a counter when a process restarts), while the query's state and
// offsets carry on: it reads only what arrived since, and its table still holds every count.

import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { raw, sleep, spawnServer, until, type ServerProcess } from '../helpers.js';
import { replies } from './http-helpers.js';

const QUERY = 'CTAS_POSITIVE_0';
const dir = mkdtempSync(join(tmpdir(), 'eddy-metrics-restart-'));
let eddy: ServerProcess | undefined;

async function stop(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  await Promise.race([p.exited, sleep(10_000)]);
  if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

afterEach(async () => {
  if (eddy) await stop(eddy);
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<{ p: ServerProcess; base: string }> {
  const p = await spawnServer(['--data', join(dir, 'data'), '--http-port', '0']);
  await until(() => /eddy http listening on [\d.]+:\d+/.test(p.output()), 10_000);
  return { p, base: `http://127.0.0.1:${/eddy http listening on [\d.]+:(\d+)/.exec(p.output())![1]}` };
}

let n = 0;
async function sql(port: number, text: string): Promise<unknown[][]> {
  const c = await raw(port);
  const id = `q${n++}`;
  c.send(JSON.stringify({ id, sql: text }));
  const r = await replies(c, id, 30_000);
  c.socket.destroy();
  const err = r.find((l) => l.type === 'error');
  if (err) throw new Error(String(err.message));
  return r.filter((l) => l.type === 'row').map((l) => l.values as unknown[]);
}

/** The same figures from the three places, once the query has read `recordsIn` with no lag. */
async function figures(port: number, base: string, recordsIn: number) {
  let show: unknown[] | undefined;
  const end = Date.now() + 20_000;
  for (;;) {
    // SHOW QUERIES EXTENDED: Query ID, Type, Sink, Query, Status, Batches, Records In, Rows/s, Lag, …
    show = (await sql(port, 'SHOW QUERIES EXTENDED;')).find((r) => r[0] === QUERY);
    if (show && show[6] === recordsIn && show[8] === 0) break;
    if (Date.now() > end) throw new Error(`query did not reach ${recordsIn}: ${JSON.stringify(show)}`);
    await sleep(50);
  }
  const text = await (await fetch(`${base}/metrics`)).text();
  const f = parsePrometheusTextFormat(text);
  const sample = (name: string, labels: Record<string, string>) => Number(f.find((x) => x.name === name)!.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))!.value);
  const q = { query_id: QUERY, type: 'PERSISTENT' };
  const progress = (await (await fetch(`${base}/queries/${QUERY}/progress`)).json()) as {
    batchId: number;
    numInputRows: number;
    sink: { numOutputRows: number };
    eddy: { operators: { operator: string; recordsIn: number; recordsOut: number }[] };
  };
  const ops = progress.eddy.operators;
  const op = (name: string) => ops.find((o) => o.operator === name)!;
  return {
    show: { batches: show[5], recordsIn: show[6] },
    metrics: {
      batches: sample('eddy_query_batches_total', q),
      recordsIn: sample('eddy_query_records_in_total', q),
      recordsOut: sample('eddy_query_records_out_total', q),
      sourceIn: sample('eddy_operator_records_in_total', { ...q, operator: 'StreamSource' }),
      filterOut: sample('eddy_operator_records_out_total', { ...q, operator: 'Filter' }),
      sinkOut: sample('eddy_operator_records_out_total', { ...q, operator_id: '0' }),
    },
    progress: {
      batches: progress.batchId,
      recordsIn: progress.numInputRows,
      recordsOut: progress.sink.numOutputRows,
      sourceIn: op('StreamSource').recordsIn,
      filterOut: op('Filter').recordsOut,
      sinkOut: ops[0]!.recordsOut,
    },
  };
}

it('counts since the query started in this process, everywhere alike, before and after a restart', { timeout: 120_000 }, async () => {
  let { p, base } = await open();
  eddy = p;
  await sql(p.port, "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1); CREATE TABLE POSITIVE AS SELECT K, COUNT(*) AS N FROM S WHERE V > 0 GROUP BY K;");
  let v = 0;
  // Every third record has V = 0 and stops at the filter.
  const insert = (k: number) => sql(p.port, Array.from({ length: k }, () => `INSERT INTO S (K, V) VALUES ('k${v % 4}', ${v++ % 3});`).join(' '));
  await insert(12);
  const first = await figures(p.port, base, 12);
  expect(first.show.recordsIn).toBe(12);
  expect(first.metrics).toMatchObject({ batches: first.show.batches, recordsIn: 12, sourceIn: 12, filterOut: 8 });
  expect(first.progress).toEqual(first.metrics);
  expect(first.metrics.sinkOut).toBe(first.metrics.recordsOut);

  await stop(p);
  ({ p, base } = await open());
  eddy = p;
  // Nothing read yet in this process: every figure is zero, in all three places.
  const restarted = await figures(p.port, base, 0);
  expect(restarted.show).toEqual({ batches: 0, recordsIn: 0 });
  expect(restarted.metrics).toEqual({ batches: 0, recordsIn: 0, recordsOut: 0, sourceIn: 0, filterOut: 0, sinkOut: 0 });
  expect(restarted.progress).toEqual(restarted.metrics);

  // The query goes on from its committed offsets and state: it reads the 6 new records only, and
  // its table counts all 12 + 6 - 6 filtered.
  await insert(6);
  const second = await figures(p.port, base, 6);
  expect(second.metrics).toMatchObject({ batches: second.show.batches, recordsIn: 6, sourceIn: 6, filterOut: 4 });
  expect(second.progress).toEqual(second.metrics);
  expect(second.metrics.sinkOut).toBe(second.metrics.recordsOut);
  const counts = await sql(p.port, 'SELECT K, N FROM POSITIVE;');
  expect(counts.reduce((a, r) => a + Number(r[1]), 0)).toBe(12);
});
