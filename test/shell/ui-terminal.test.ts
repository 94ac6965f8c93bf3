// Interactive `eddy --ui` as a person runs it: the built binary in a real terminal (tmux), its
// console URL read off the screen, the page fetched over HTTP, and the console open in a real
// headless Chromium (Debian's, driven by playwright-core) while statements are typed into the
// shell: the console lists the shell's persistent query and its push query while it runs (and no
// longer once Ctrl-C cancels it), and a row inserted from the console's editor appears in the
// shell's live output. Ctrl-D leaves the shell and closes the port. Needs tmux and Chromium: each
// missing one skips loudly, and fails under CI=true.

import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build.js';
import { tempDir } from './helpers.js';
import { hasTmux, Terminal } from './tmux.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const msg = `\n${'!'.repeat(78)}\n!! eddy --ui in a terminal with a browser SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const term = new Terminal('ui-terminal');
/** Where the screenshot goes (the console browser test's folder): the data directory is removed after the test. */
const artifacts = process.env.CONSOLE_ARTIFACTS ?? join(tmpdir(), 'eddy-console-artifacts');

describe.skipIf(!hasTmux || !hasChromium)('eddy --ui in a real terminal, its console in Chromium', () => {
  let browser: Browser | undefined;
  beforeAll(ensureBuilt, 180_000);
  afterAll(async () => {
    await browser?.close();
    term.stop();
  });

  it('serves the shell’s engine: the console shows the queries typed in the shell, and the editor feeds its push query', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    // Wide, so the URL with its token stays on one line of the screen.
    term.start(`cd ${ROOT} && EDDY_HISTORY=${join(dir, 'history')} node bin/eddy.js --data ${join(dir, 'data')} --batch-interval 50 --ui 0`, 200, 50);
    const first = await term.waitFor((s) => /^eddy>/m.test(s) && /eddy console: http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.test(s), 'the prompt and the console URL', 120_000);
    const m = /eddy console: (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))/.exec(first)!;
    const url = m[1]!;
    const base = `http://127.0.0.1:${m[2]}`;
    const auth = { Authorization: `Bearer ${m[3]}` };

    // The page over plain HTTP; data only with the token.
    const page0 = await fetch(`${base}/`);
    expect(page0.status).toBe(200);
    expect(await page0.text()).toContain('<title>Eddy console</title>');
    expect((await fetch(`${base}/topics`)).status).toBe(401);

    term.typeLine("SET 'auto.offset.reset' = 'earliest';");
    await term.waitFor((s) => s.includes("Successfully changed local property 'auto.offset.reset'"), 'SET');
    term.typeLine("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    await term.waitFor((s) => s.includes('Stream created'), 'CREATE STREAM');
    term.typeLine('CREATE TABLE C AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;');
    await term.waitFor((s) => s.includes('CTAS_C_'), 'CREATE TABLE AS');
    term.typeLine("INSERT INTO S (K, V) VALUES ('a', 1);");
    await term.waitFor((s) => s.includes('Inserted 1 row'), 'INSERT');

    // The shell's query, as the HTTP API reports it.
    const queries = async () =>
      (
        (await (await fetch(`${base}/ksql`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ ksql: 'SHOW QUERIES;' }) })).json()) as {
          queries: { id: string; queryType: string }[];
        }[]
      )[0]!.queries;
    const ctas = (await queries()).find((q) => q.queryType === 'PERSISTENT' && q.id.startsWith('CTAS_C_'))!;
    expect(ctas).toBeDefined();
    await expect.poll(async () => ((await (await fetch(`${base}/queries/${ctas.id}/progress`, { headers: auth })).json()) as { numInputRows: number }).numInputRows, { timeout: 10_000 }).toBe(1);

    // The console in Chromium, at the URL the shell printed.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.locator(`#queries li[data-query-id="${ctas.id}"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#plan .op-name').allTextContents(), { timeout: 10_000 }).toEqual(['TableSink', 'Project', 'Aggregate', 'StreamSource']);

    // A push query typed in the shell: the console lists it while it runs.
    term.typeLine('SELECT K, V FROM S EMIT CHANGES;');
    await term.waitFor((s) => s.includes('Ctrl-C to cancel') && /│ a +│ +1 │/.test(s), 'the push query and its first row');
    const pushItem = page.locator('#queries li[data-query-id] .sub', { hasText: /^PUSH/ });
    await pushItem.waitFor({ timeout: 10_000 });
    // A row inserted from the console's editor reaches the shell's live output.
    await page.locator('#sql').fill("INSERT INTO S (K, V) VALUES ('from_console', 42);");
    await page.locator('#run').click();
    await term.waitFor((s) => /│ from_console +│ +42 │/.test(s), 'the row inserted from the console', 15_000);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'ui-terminal-console.png'), fullPage: true });
    process.stderr.write(`eddy --ui console screenshot: ${join(artifacts, 'ui-terminal-console.png')}\n`);

    // Ctrl-C cancels it in the shell; the console drops it.
    term.keys('C-c');
    await term.waitFor((s) => /Cancelled: \d+ rows/.test(s), 'the cancel');
    await pushItem.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await queries()).filter((q) => q.queryType === 'PUSH')).toEqual([]);
    await expect.poll(async () => ((await (await fetch(`${base}/queries/${ctas.id}/progress`, { headers: auth })).json()) as { numInputRows: number }).numInputRows, { timeout: 10_000 }).toBe(2);
    expect(problems).toEqual([]);
    await page.close();

    // Ctrl-D leaves the shell, and its console goes with it.
    term.keys('C-d');
    await term.waitForExit('Ctrl-D');
    await expect(fetch(`${base}/`)).rejects.toThrow();
  });
});
