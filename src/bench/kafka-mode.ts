// `eddy bench --kafka host:port`: the Kafka path as a mode of its own — Kafka → filter → Kafka,
// exactly-once, beside a hand-written transactional kafkajs loop on the same records and broker
// (kafka-filter.ts), each output read back and checked (exactly the expected records, each once).
// Kept apart from the Nexmark modes (nexmark-bench.ts): it needs a broker, and it measures the
// Kafka client path, not the operators.

import { runKafkaFilter, type KafkaFilterResult, type KafkaRun } from './kafka-filter.js';

export interface KafkaModeOptions {
  readonly brokers: string;
  readonly records: number;
  readonly batch: number;
  readonly partitions: number;
  readonly rounds: number;
}

export function kafkaTable(r: KafkaFilterResult): string {
  const line = (x: KafkaRun) =>
    `| ${x.who} | ${x.perSec.toLocaleString('en-US')} | ${x.steadyPerSec.toLocaleString('en-US')} | ${x.batches} | ${x.out.toLocaleString('en-US')} | ${x.correct ? 'yes' : 'NO'} |`;
  return [
    `Kafka → filter (AMOUNT >= 50) → Kafka, exactly-once: ${r.records.toLocaleString('en-US')} records on ${r.partitions} partitions, ${r.expectedOut.toLocaleString('en-US')} pass`,
    '',
    '| run | records/s from start | records/s after first commit | batches | output records | answer checked |',
    '|---|---:|---:|---:|---:|---|',
    ...r.runs.map(line),
    '',
    `Eddy / kafkajs loop (best of each): ${r.ratio.toFixed(2)} from start, ${r.steadyRatio.toFixed(2)} steady`,
  ].join('\n');
}

/** Run the Kafka mode and print its table (or JSON); the exit code says whether every answer was right. */
export async function runKafkaMode(o: KafkaModeOptions, json: boolean): Promise<void> {
  const res = await runKafkaFilter(o);
  process.stdout.write(json ? `${JSON.stringify({ ...o, results: res })}\n` : `${kafkaTable(res)}\n`);
  if (res.runs.some((r) => !r.correct)) process.exitCode = 1;
}
