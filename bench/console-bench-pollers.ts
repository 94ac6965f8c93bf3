// The console's polling, without a browser: N pollers each making the requests one open console
// page makes (console/console.js): SHOW QUERIES, every query's progress and the newest 500
// processing-log entries once a second; the topics, SHOW STREAMS/TABLES and a DESCRIBE per source
// every five seconds. Prints "ready" once every poller
// has made its first round, then on stdin's end a JSON line of requests made, their latencies and
// this process's own CPU time per second (the pollers' cost to the machine, not the server's).
// Run by console-bench.ts: node --import tsx bench/console-bench-pollers.ts <base> <pollers>

const [base, n] = [process.argv[2]!, Number(process.argv[3])];
const latencies: number[] = [];
let requests = 0;
let stopping = false;

async function ksql(sql: string): Promise<{ queries?: { id: string }[]; streams?: { name: string }[]; tables?: { name: string }[] }[]> {
  const t0 = performance.now();
  const r = await fetch(`${base}/ksql`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'eddy-console' }, body: JSON.stringify({ ksql: sql }) });
  const body = (await r.json()) as never;
  latencies.push(performance.now() - t0);
  requests++;
  return body;
}

async function progress(id: string): Promise<void> {
  const t0 = performance.now();
  await (await fetch(`${base}/queries/${encodeURIComponent(id)}/progress`, { headers: { 'X-Requested-With': 'eddy-console' } })).text();
  latencies.push(performance.now() - t0);
  requests++;
}

async function get(path: string): Promise<void> {
  const t0 = performance.now();
  await (await fetch(`${base}${path}`, { headers: { 'X-Requested-With': 'eddy-console' } })).text();
  latencies.push(performance.now() - t0);
  requests++;
}

async function poller(ready: () => void): Promise<void> {
  let sourcesAt = 0;
  let first = true;
  while (!stopping) {
    const [q] = await ksql('SHOW QUERIES;');
    await Promise.all((q?.queries ?? []).map((x) => progress(x.id)));
    await get('/processing-log?limit=500');
    if (Date.now() - sourcesAt > 5000) {
      sourcesAt = Date.now();
      await get('/topics');
      const [s, t] = await ksql('SHOW STREAMS; SHOW TABLES;');
      const names = [...(s?.streams ?? []), ...(t?.tables ?? [])].map((x) => x.name);
      if (names.length) await ksql(names.map((x) => `DESCRIBE \`${x}\`;`).join(' '));
    }
    if (first) (first = false), ready();
    // As the page: the next round a second after this one ended.
    await new Promise((r) => setTimeout(r, 1000));
  }
}

let readyCount = 0;
const all = Array.from({ length: n }, () => poller(() => ++readyCount === n && process.stdout.write('ready\n')));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
process.stdin.resume();
process.stdin.on('end', async () => {
  stopping = true;
  await Promise.all(all);
  const s = [...latencies].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  const c = process.cpuUsage(cpu0);
  const cpuMsPerSec = (c.user + c.system) / 1000 / ((performance.now() - t0) / 1000);
  process.stdout.write(`${JSON.stringify({ requests, p50: p(0.5), p99: p(0.99), cpuMsPerSec })}\n`);
  process.exit(0);
});
