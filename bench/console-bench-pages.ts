// Real console pages for console-bench.ts --browser: N pages of headless Chromium (playwright-core
// over Debian's /usr/bin/chromium) open on the console, in this process of their own, so that
// playwright's client (it parses every network event of every page) is not counted as the
// server's CPU. Prints "ready" once every page shows a live connection, then on stdin's end a JSON
// line of the data requests the pages made, their latencies and this process's CPU time per
// second (playwright's, not the browser's: Chromium's own processes are not measured).
// Run by console-bench.ts: node --import tsx bench/console-bench-pages.ts <base> <pages>

import { chromium } from 'playwright-core';

const [base, n] = [process.argv[2]!, Number(process.argv[3])];
const times: number[] = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const pages = await Promise.all(Array.from({ length: n }, () => browser.newPage()));
for (const page of pages) {
  page.on('requestfinished', (r) => {
    if (!r.url().includes('/console')) times.push(r.timing().responseEnd);
  });
  await page.goto(`${base}/`);
}
await Promise.all(pages.map((page) => page.locator('#conn.ok').waitFor()));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  const c = process.cpuUsage(cpu0);
  const cpuMsPerSec = (c.user + c.system) / 1000 / ((performance.now() - t0) / 1000);
  await browser.close();
  const s = [...times].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  process.stdout.write(`${JSON.stringify({ requests: s.length, p50: p(0.5), p99: p(0.99), cpuMsPerSec })}\n`);
  process.exit(0);
});
