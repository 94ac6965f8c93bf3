// Regenerates docs/img/console.png, the README's and docs/console.md's picture of the console on the
// RIDES demo (the shell's datagen stream, 5 rows a second): a real server with a data directory,
// the banner's windowed aggregate, and a stream reading REGION as an INT (so the processing log
// has entries); a real headless Chromium (Debian's /usr/bin/chromium through playwright-core)
// opens the console, selects the aggregate, waits for the charts to fill, clicks Analyze and
// takes the page. pngquant (Debian's `pngquant`), when there, makes it a palette PNG a third the size.
// Run: node --import tsx scripts/console-screenshot.ts [--seconds 40] [--out docs/img/console.png]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { EddyServer } from '../src/server/server.js';
import { DEMO_STREAM } from '../src/shell/open-backend.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const SECONDS = Number(arg('seconds', '40'));
const OUT = arg('out', join(import.meta.dirname, '..', 'docs', 'img', 'console.png'));
const QUERY = 'CTAS_FARES_BY_REGION_0';

const dataDir = mkdtempSync(join(tmpdir(), 'eddy-console-shot-'));
const server = new EddyServer({ port: 0, httpPort: 0, engine: { dataDir, properties: { 'auto.offset.reset': 'earliest' } } });
await server.listen();
const base = `http://127.0.0.1:${server.httpAddress!.port}`;
for (const sql of [
  DEMO_STREAM,
  'CREATE TABLE FARES_BY_REGION AS SELECT REGION, COUNT(*) AS RIDES, ROUND(AVG(FARE), 2) AS AVG_FARE FROM RIDES WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY REGION;',
  "CREATE STREAM RIDES_BY_NUMBER (RIDE_ID STRING KEY, REGION INT, FARE DOUBLE) WITH (kafka_topic='rides', value_format='JSON');",
  'CREATE STREAM NUMBERED AS SELECT * FROM RIDES_BY_NUMBER;',
])
  server.eddy.execute(sql);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${base}/`);
  await page.locator(`#queries li[data-query-id="${QUERY}"]`).click();
  await page.locator('#sources details[data-name="RIDES"] summary').click();
  process.stderr.write(`waiting ${SECONDS} s for the charts to fill…\n`);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await page.locator('#analyze').click();
  await page.locator('#plan .op-figures').first().waitFor();
  await page.locator('#plan .op-live').first().waitFor();
  await page.screenshot({ path: OUT, fullPage: true });
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
const q = spawnSync('pngquant', ['--force', '--skip-if-larger', '--output', OUT, '256', OUT]);
process.stderr.write(`${OUT}: ${statSync(OUT).size} bytes${q.error ? ' (no pngquant: full-colour PNG)' : ''}\n`);
