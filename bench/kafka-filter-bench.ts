// Kafka → filter → Kafka, exactly-once: Eddy beside a hand-written transactional kafkajs
// consume→produce loop on the same records (src/bench/kafka-filter.ts), alternating runs so that
// the ratio compares like with like on a loaded machine. With no --brokers it starts the bundled
// broker (scripts/kafka.sh) in a temporary directory and stops it afterwards.
//   node --import tsx bench/kafka-filter-bench.ts [--brokers host:port] [--records 1000000] [--partitions 4] [--batch 10000] [--rounds 2] [--only eddy|kafkajs-loop]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKafkaFilter } from '../src/bench/kafka-filter.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};

let brokers = arg('brokers', '');
let stop = () => {};
if (!brokers) {
  const script = join(import.meta.dirname, '..', 'scripts', 'kafka.sh');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kbench-broker-'));
  const env = { ...process.env, EDDY_KAFKA_DIR: dir, EDDY_KAFKA_WATCH_PID: String(process.pid) };
  const port = 20000 + Math.floor(Math.random() * 20000);
  execFileSync('bash', [script, 'start', String(port), String(port + 1)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  brokers = `127.0.0.1:${port}`;
  stop = () => {
    spawnSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  };
}
try {
  const res = await runKafkaFilter({
    brokers,
    records: Number(arg('records', '1000000')),
    partitions: Number(arg('partitions', '4')),
    batch: Number(arg('batch', '10000')),
    rounds: Number(arg('rounds', '2')),
    ...(arg('only', '') ? { only: arg('only', '') as 'eddy' | 'kafkajs-loop' } : {}),
    onRun: (r) =>
      console.log(
        `${r.who.padEnd(13)} ${r.perSec.toLocaleString('en-US').padStart(8)} records/s from start (${r.ms} ms), ${r.steadyPerSec.toLocaleString('en-US').padStart(8)} after the first commit; ${r.batches} batches; out ${r.out} ${r.correct ? 'correct' : 'WRONG'}`,
      ),
  });
  console.log(
    `${res.records} records, ${res.partitions} partitions, ${res.expectedOut} pass the filter; Eddy / kafkajs loop (best of each): ${res.ratio.toFixed(2)} from start, ${res.steadyRatio.toFixed(2)} steady`,
  );
  if (res.runs.some((r) => !r.correct)) process.exitCode = 1;
} finally {
  stop();
}
