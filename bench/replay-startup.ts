// Start-up time against command-log length: 22k commands of CREATE/DROP and INSERT/TERMINATE history.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../src/engine-api.js';
const dir = mkdtempSync(join(tmpdir(), 'eddy-replay-bench-'));
let e = Eddy.open({ dataDir: dir, autoStart: false });
e.execute(
  "CREATE STREAM INPUT (ID INT KEY, V INT) WITH (kafka_topic='input', value_format='JSON', partitions=1); CREATE STREAM OUT (ID INT KEY, V INT) WITH (kafka_topic='out', value_format='JSON', partitions=1);",
);
const ins = e.state.db.prepare('INSERT INTO commands(sql, query_id) VALUES (?, ?)');
e.state.db.transaction(() => {
  for (let i = 0; i < 5500; i++) {
    ins.run('CREATE STREAM TMP AS SELECT * FROM INPUT', `CSAS_TMP_${2 * i}`);
    ins.run('DROP STREAM TMP', null);
    ins.run('INSERT INTO OUT SELECT * FROM INPUT', `INSERTQUERY_${2 * i + 1}`);
    ins.run(`TERMINATE INSERTQUERY_${2 * i + 1}`, null);
  }
})();
const n = e.state.db.prepare('SELECT count(*) FROM commands').pluck().get() as number;
e.close();
for (const label of ['first open (full log, then compacted)', 'second open (compacted log)']) {
  const t = performance.now();
  e = Eddy.open({ dataDir: dir, autoStart: false });
  const ms = performance.now() - t;
  console.log(`${label}: ${e.state.db.prepare('SELECT count(*) FROM commands').pluck().get() as number} commands after, ${ms.toFixed(0)} ms (log had ${n})`);
  e.close();
}
