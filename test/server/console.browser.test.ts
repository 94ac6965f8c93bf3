// The web console in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a real Eddy HTTP server on 127.0.0.1 with a data directory and a token:
// the query appears, its charts gain a point per poll that saw a batch (and none while idle), the
// plan tree and schemas show, and the editor runs pull, push and /ksql statements. Screenshots go
// to $CONSOLE_ARTIFACTS (default: a folder under the system tmp), named in the test's output.
// Under CI=true a missing Chromium fails the suite; elsewhere it is skipped with a loud message.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, start } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const msg = `\n${'!'.repeat(78)}\n!! Web console browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const TOKEN = 'console-test-token';
const STREAM = "CREATE STREAM PAGEVIEWS (USERID STRING KEY, PAGEID STRING, MS BIGINT) WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);";
const TABLE = 'CREATE TABLE PER_USER AS SELECT USERID, COUNT(*) AS N FROM PAGEVIEWS GROUP BY USERID;';
const QUERY_ID = 'CTAS_PER_USER_0';
// The same topic read with PAGEID as an INT: every record fails to decode, so each one the
// query reads is a processing-log entry.
const BAD = "CREATE STREAM PV_BAD (USERID STRING KEY, PAGEID INT) WITH (kafka_topic='pageviews', value_format='JSON'); CREATE STREAM BAD_PAGES AS SELECT * FROM PV_BAD;";
const BAD_ID = 'CSAS_BAD_PAGES_1';

async function ksql(base: string, sql: string): Promise<unknown[]> {
  const r = await fetch(`${base}/ksql`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ ksql: sql }) });
  const body = (await r.json()) as unknown[];
  if (!r.ok) throw new Error(`ksql ${sql}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

const points = (page: Page, figure: string) => page.locator(`#charts .chart[data-figure="${figure}"]`).getAttribute('data-points').then(Number);

describe.skipIf(!hasChromium)('web console in Chromium', () => {
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-console-data-'));
  const artifacts = process.env.CONSOLE_ARTIFACTS ?? join(tmpdir(), 'eddy-console-artifacts');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    process.stderr.write(`console screenshots: ${artifacts}\n`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a live query with growing charts, its plan and schemas, and runs statements from the editor', { timeout: 90_000 }, async () => {
    const { server } = await start({ httpPort: 0, token: TOKEN, engine: { dataDir, batch: { intervalMs: 20 }, properties: { 'auto.offset.reset': 'earliest' } } });
    const base = `http://127.0.0.1:${server.httpAddress!.port}`;
    await ksql(base, `${STREAM} ${TABLE} ${BAD}`);
    let n = 0;
    const insert = () => ksql(base, Array.from({ length: 5 }, () => `INSERT INTO PAGEVIEWS (USERID, PAGEID, MS) VALUES ('u${n % 3}', 'p${n}', ${n++});`).join(' '));
    await insert();

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // Chromium logs every non-2xx response as an error; the editor's failing statement makes one.
    page.on('console', (m) => void (m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`)));
    // The token in the fragment: the page keeps it and sends it as the Bearer header.
    await page.goto(`${base}/#token=${TOKEN}`);
    expect(new URL(page.url()).hash).toBe('');
    const item = page.locator(`#queries li[data-query-id="${QUERY_ID}"]`);
    await item.waitFor({ timeout: 15_000 });
    await expect.poll(() => item.locator('.status').textContent(), { timeout: 10_000 }).toBe('RUNNING');

    // Rows arrive over time: each poll that sees a committed batch adds a point to every chart.
    const feeder = setInterval(() => void insert(), 300);
    try {
      await expect.poll(() => points(page, 'inputRate'), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      const before = await points(page, 'inputRate');
      await expect.poll(() => points(page, 'inputRate'), { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 3);
      for (const f of ['processRate', 'batchMs', 'latencyMs', 'lag', 'lateDropped', 'stateRows', 'timeline']) expect(await points(page, f), f).toBeGreaterThanOrEqual(before + 3);
    } finally {
      clearInterval(feeder);
    }
    // The plan as EXPLAIN's operator tree; the stream's and the table's schemas.
    await expect.poll(() => page.locator('#plan .op-name').allTextContents()).toEqual(['TableSink', 'Project', 'Aggregate', 'StreamSource']);
    await expect(page.locator('#plan .op-state').first().textContent()).resolves.toContain('agg');
    // The running query's live counts in every box, with no EXPLAIN ANALYZE: the source has read
    // every record so far and passed each on; the aggregate took them all; what it emitted is what
    // the projection read; the sink wrote what it was given. They follow new records by themselves.
    const live = (op: string, side: 'in' | 'out') => page.locator(`#plan .op[data-operator="${op}"] .op-live-${side}`).textContent();
    const count = async (op: string, side: 'in' | 'out') => Number((await live(op, side))!.replace(/[^0-9]/g, ''));
    await expect.poll(() => live('StreamSource', 'in'), { timeout: 10_000 }).toBe(`${n} in`);
    await expect(live('StreamSource', 'out')).resolves.toBe(`${n} out`);
    await expect(live('Aggregate', 'in')).resolves.toBe(`${n} in`);
    expect(await count('Project', 'in')).toBe(await count('Aggregate', 'out'));
    expect(await count('TableSink', 'out')).toBe(await count('TableSink', 'in'));
    expect(await count('TableSink', 'in')).toBeGreaterThanOrEqual(3);
    await insert();
    await expect.poll(() => live('StreamSource', 'in'), { timeout: 10_000 }).toBe(`${n} in`);
    await expect.poll(() => live('Aggregate', 'in'), { timeout: 10_000 }).toBe(`${n} in`);
    expect(await page.locator('#plan .op-figures').count()).toBe(0);
    await page.locator('#sources details[data-name="PAGEVIEWS"] summary').click();
    await expect.poll(() => page.locator('#sources details[data-name="PAGEVIEWS"] td.name').allTextContents()).toEqual(['USERID', 'PAGEID', 'MS']);
    await expect(page.locator('#sources details[data-name="PER_USER"] .kind').textContent()).resolves.toBe('TABLE');

    // Topic sizes: the panel's records of each topic, and the source's topic size in its summary.
    await expect.poll(() => page.locator('#topics tr[data-topic="pageviews"] .records').textContent(), { timeout: 10_000 }).toBe(String(n));
    await expect.poll(() => page.locator('#sources details[data-name="PAGEVIEWS"] .size').textContent(), { timeout: 10_000 }).toBe(`${n} records in 1 partition`);

    // The processing log: the bad query's entries, newest first, live, filtered by text and query.
    const entries = page.locator('#log tbody tr.entry');
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(n);
    await expect(entries.first().locator('td.query').textContent()).resolves.toBe(BAD_ID);
    await expect(entries.first().locator('td.topic').textContent()).resolves.toBe('pageviews');
    expect(await entries.first().locator('td.reason').textContent()).toMatch(/PAGEID/i);
    const offsets = (await entries.locator('td.offset').allTextContents()).map(Number);
    expect(offsets).toEqual([...offsets].sort((a, b) => b - a));
    expect(offsets[0]).toBe(n - 1);
    await insert();
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(n);
    expect(n).toBe(offsets.length + 5);
    await page.locator('#log-query').selectOption(QUERY_ID);
    await expect.poll(() => entries.count()).toBe(0);
    await expect(page.locator('#log tbody td').first().textContent()).resolves.toBe('no entry matches');
    await page.locator('#log-query').selectOption(BAD_ID);
    await expect.poll(() => entries.count()).toBe(n);
    await page.locator('#log-filter').fill('no such text');
    await expect.poll(() => entries.count()).toBe(0);
    await page.locator('#log-filter').fill('pageviews');
    await expect.poll(() => entries.count()).toBe(n);
    await page.locator('#log-query').selectOption('');

    // EXPLAIN ANALYZE's figures in the plan, on demand: every operator's rows in and time; the
    // source reads every record of the topic.
    expect(await page.locator('#plan .op-figures').count()).toBe(0);
    await page.locator('#analyze').click();
    await expect.poll(() => page.locator('#plan .op-figures').count(), { timeout: 10_000 }).toBe(4);
    const rowsIn = (await page.locator('#plan .op-rows-in').allTextContents()).map((t) => Number(t.replace(/[^0-9]/g, '')));
    expect(rowsIn[3]).toBe(n);
    expect(await page.locator('#plan .op-rows-out').count()).toBe(4);
    await expect(page.locator('#plan .op[data-operator="StreamSource"] .op-rows-out').textContent()).resolves.toBe(`${n} out`);
    await expect(page.locator('#plan .op[data-operator="TableSink"] .op-rows-out').textContent()).resolves.toMatch(/^\d+ out$/);
    await expect(page.locator('#plan .op-ms').first().textContent()).resolves.toMatch(/^[\d.]+ ms$/);
    await expect(page.locator('#plan .plan-summary').textContent()).resolves.toContain(`Analyzed over ${n} input records`);
    await page.screenshot({ path: join(artifacts, 'console-live.png'), fullPage: true });

    // Idle: no batch commits, so no point is added however many polls pass.
    await sleep(1500);
    const idle = await points(page, 'inputRate');
    await sleep(2500);
    expect(await points(page, 'inputRate')).toBe(idle);

    // A pull query from the editor: the table's rows.
    const sql = page.locator('#sql');
    await sql.fill('SELECT * FROM PER_USER;');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#results table.result th').allTextContents()).toEqual(['USERID', 'N']);
    await expect.poll(() => page.locator('#results tbody tr').count()).toBe(3);
    await expect(page.locator('#run-status').textContent()).resolves.toBe('3 rows');
    const total = (await page.locator('#results tbody td:nth-child(2)').allTextContents()).map(Number).reduce((a, b) => a + b, 0);
    expect(total).toBe(n);

    // A push query over the table: rows update in place by key as new counts arrive.
    await page.locator('#earliest').check();
    await sql.fill('SELECT USERID, N FROM PER_USER EMIT CHANGES;');
    await sql.press('Control+Enter');
    await expect.poll(() => page.locator('#results tbody tr').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.locator('#stop').isEnabled()).toBe(true);
    const u0 = () => page.locator('#results tbody tr', { hasText: /^u0/ }).locator('td').nth(1).textContent().then(Number);
    const was = await u0();
    await ksql(base, "INSERT INTO PAGEVIEWS (USERID, PAGEID, MS) VALUES ('u0', 'late', 1); INSERT INTO PAGEVIEWS (USERID, PAGEID, MS) VALUES ('u0', 'later', 2);");
    await expect.poll(u0, { timeout: 10_000 }).toBe(was + 2);
    expect(await page.locator('#results tbody tr').count()).toBe(3);
    await expect(page.locator('#run-status').textContent()).resolves.toMatch(/3 keys \(updated in place\) — running/);
    const pushQueries = async () => ((await ksql(base, 'SHOW QUERIES;'))[0] as { queries: { queryType: string }[] }).queries.filter((q) => q.queryType === 'PUSH').length;
    expect(await pushQueries()).toBe(1);
    await page.locator('#queries li[data-query-id] .sub', { hasText: /^PUSH/ }).waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(artifacts, 'console-push.png'), fullPage: true });
    await page.locator('#stop').click();
    await expect.poll(() => page.locator('#run-status').textContent()).toMatch(/^push query stopped after \d+ rows$/);
    // Hanging up ended the push query on the server.
    await expect.poll(pushQueries, { timeout: 10_000 }).toBe(0);

    // A statement for /ksql, and an error shown as one.
    await sql.fill('SHOW STREAMS;');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#results table.result td').allTextContents()).toContain('PAGEVIEWS');
    await sql.fill('DROP STREAM NOPE;');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#results .error').textContent()).toContain('NOPE does not exist');
    await page.screenshot({ path: join(artifacts, 'console-editor.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks for the token when the URL has none, and refuses a wrong one', { timeout: 60_000 }, async () => {
    const { server } = await start({ httpPort: 0, token: TOKEN, engine: { batch: { intervalMs: 20 } } });
    const base = `http://127.0.0.1:${server.httpAddress!.port}`;
    await ksql(base, `${STREAM} ${TABLE}`);
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('#login').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#queries li[data-query-id]').count()).toBe(0);
    await page.locator('#token').fill('wrong');
    await page.locator('#login button').click();
    await expect.poll(() => page.locator('#login-error').textContent()).toBe('wrong token');
    await page.locator('#token').fill(TOKEN);
    await page.locator('#login button').click();
    await page.locator('#login').waitFor({ state: 'hidden' });
    await page.locator(`#queries li[data-query-id="${QUERY_ID}"]`).waitFor({ timeout: 10_000 });
    await page.close();
  });
});
