// File ingest into the embedded log alone: a file source nothing reads, stepped until it has read the file.
// Usage: npm run build && node scripts/file-ingest-bench.mjs . FILE.jsonl   (Nexmark bid lines; prints records/s and peak RSS)
import v8 from 'node:v8';
v8.setFlagsFromString('--no-allocation-site-pretenuring');
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
const [eddyDir, file] = process.argv.slice(2);
const { Eddy } = await import(join(resolve(eddyDir), 'dist/index.js'));
const dir = mkdtempSync(join(tmpdir(), 'eddy-ingest-'));
const eddy = Eddy.open({ dataDir: dir, autoStart: false, batch: { maxRecords: 10000 } });
let peak = process.memoryUsage().rss;
const c0 = process.cpuUsage();
const t0 = performance.now();
eddy.execute(
  `CREATE STREAM BID (AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT, CHANNEL STRING, URL STRING, DATETIME BIGINT, EXTRA STRING) WITH (source='file', path='${file}', value_format='JSON', timestamp='DATETIME');`,
);
let cycles = 0;
for (;;) {
  const k = eddy.step();
  if (k === 0) break;
  if (++cycles % 8 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
const s = (performance.now() - t0) / 1000;
const u = process.cpuUsage(c0);
const cpu = (u.user + u.system) / 1e6; // both threads: the engine's and the WAL checkpointer's
peak = Math.max(peak, process.memoryUsage().rss);
const end = eddy.state.log.endOffset(eddy.state.catalog.get('BID').topic, 0);
eddy.close();
console.log(
  JSON.stringify({
    file,
    bytes: statSync(file).size,
    records: end,
    seconds: s,
    recordsPerSec: Math.round(end / s),
    cpuSeconds: +cpu.toFixed(2),
    recordsPerCpuSec: Math.round(end / cpu),
    MBps: +(statSync(file).size / 1e6 / s).toFixed(1),
    peakRssMiB: Math.round(peak / 1048576),
  }),
);
rmSync(dir, { recursive: true, force: true });
