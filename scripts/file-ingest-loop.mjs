// The hand-written loop beside scripts/file-ingest-bench.mjs: the file read in 4 MiB chunks, split
// into lines, each line copied into a 1 MiB buffer, each full buffer one blob row in SQLite (WAL,
// synchronous=NORMAL, as Eddy's), one transaction per chunk: the floor of storing the lines in SQLite.
// Usage: node scripts/file-ingest-loop.mjs FILE.jsonl   (prints records per second and per CPU-second)
import Database from 'better-sqlite3';
import { openSync, readSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
const file = process.argv[2];
const dir = mkdtempSync(`${tmpdir()}/ingest-loop-`);
const db = new Database(dir + '/x.db');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE c (base INTEGER PRIMARY KEY, n INTEGER, lens BLOB, data BLOB)');
const ins = db.prepare('INSERT INTO c VALUES (?, ?, ?, ?)');
const c0 = process.cpuUsage();
const t0 = performance.now();
const fd = openSync(file, 'r');
const buf = Buffer.allocUnsafe(4 << 20);
let pos = 0,
  n = 0,
  base = 0;
let seg = Buffer.allocUnsafe(1 << 20),
  used = 0,
  lens = new Int32Array(8192),
  cnt = 0;
const flush = () => {
  if (!cnt) return;
  ins.run(base, cnt, Buffer.from(lens.buffer, 0, cnt * 4), seg.subarray(0, used));
  base += cnt;
  cnt = 0;
  used = 0;
  seg = Buffer.allocUnsafe(1 << 20);
};
for (;;) {
  const got = readSync(fd, buf, 0, buf.length, pos);
  if (!got) break;
  const last = buf.lastIndexOf(10, got - 1);
  db.transaction(() => {
    let s = 0;
    while (s <= last) {
      const nl = buf.indexOf(10, s);
      const len = nl - s;
      if (used + len > seg.length || cnt === 8192) flush();
      buf.copy(seg, used, s, nl);
      used += len;
      lens[cnt++] = len;
      n++;
      s = nl + 1;
    }
    flush();
  })();
  pos += last + 1;
}
const u = process.cpuUsage(c0);
const wall = (performance.now() - t0) / 1000;
const cpu = (u.user + u.system) / 1e6;
db.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ engine: 'loop', records: n, wall, cpu, perCpuSec: Math.round(n / cpu), perSec: Math.round(n / wall), rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
