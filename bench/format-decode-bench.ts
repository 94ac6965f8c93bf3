// Value decode throughput of the schema-registry formats beside JSON, on the same records: each
// format's source decodes the same N rows (written by that source's own encoder first) through
// the record codec a query's input uses — bytes to a row, wire-format header, schema lookup by
// id and the fit to the columns included. Prints records/s per format (best of the runs) and
// each one's ratio to JSON. The runs take the formats in turn (a shared machine's load hits each alike).
//   node --import tsx bench/format-decode-bench.ts [--records 100000] [--runs 5] [--only AVRO]
// A profile of one format: node --cpu-prof --cpu-prof-dir=.cache/prof --import tsx
//   bench/format-decode-bench.ts --only AVRO, then node scripts/cpuprofile-summary.mjs <file>.
import { Eddy } from '../src/engine-api.js';
import type { Rec } from '../src/planner/record.js';
import type { Value } from '../src/planner/values.js';
import type { LogRecord } from '../src/runtime/log/index.js';
import { recordCodec } from '../src/runtime/record-codec.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const RECORDS = Number(arg('records', '100000'));
const RUNS = Number(arg('runs', '5'));
const ONLY = arg('only', '');
const FORMATS = ['JSON', 'AVRO', 'PROTOBUF', 'JSON_SR'].filter((f) => !ONLY || ONLY.split(',').includes(f));

// A typical event: numbers, strings, a timestamp, an array and a nested struct.
const COLUMNS = 'ID INT KEY, USER_ID BIGINT, NAME STRING, AMOUNT DOUBLE, QTY INT, PAID BOOLEAN, AT TIMESTAMP, TAGS ARRAY<STRING>, ADDR STRUCT<CITY STRING, ZIP INT>';

function row(i: number): Value[] {
  return [i, 1_000_000 + i, `user-${i % 977}`, (i % 10_000) / 100, i % 17, i % 2 === 0, 1_700_000_000_000 + i, ['a', `t${i % 5}`], { CITY: `city-${i % 31}`, ZIP: 10_000 + (i % 900) }];
}

const e = Eddy.open({ autoStart: false });
const sets = FORMATS.map((format) => {
  const name = `S_${format}`;
  e.execute(`CREATE STREAM ${name} (${COLUMNS}) WITH (kafka_topic='${name.toLowerCase()}', key_format='KAFKA', value_format='${format}', partitions=1);`);
  const def = e.state.catalog.get(name)!;
  const codec = recordCodec(def, e.schemaRegistry);
  const records: LogRecord[] = Array.from({ length: RECORDS }, (_, i) => {
    const rec: Rec = { cols: row(i), ts: i, partition: 0, offset: i };
    const a = codec.encode(rec);
    return { topic: def.topic!, partition: 0, offset: i, timestamp: i, key: a.key ?? null, value: a.value ?? null, headers: [] };
  });
  // The decoded rows must be what was encoded (a benchmark of a broken decoder measures nothing).
  const first = codec.decode(records[1]!);
  if (first.error || JSON.stringify(first.rec!.cols) !== JSON.stringify(row(1))) throw new Error(`${format}: decoded ${JSON.stringify(first)} for ${JSON.stringify(row(1))}`);
  return { format, codec, records, best: Infinity };
});
// Runs take the formats in turn, so a load that comes and goes on a shared machine hits each alike.
for (let run = 0; run < RUNS + 1; run++) {
  for (const set of sets) {
    const t = performance.now();
    let errors = 0;
    for (const r of set.records) if (set.codec.decode(r).error) errors++;
    const ms = performance.now() - t;
    if (errors) throw new Error(`${set.format}: ${errors} records did not decode`);
    if (run > 0) set.best = Math.min(set.best, ms); // run 0 warms the JIT
  }
}
const results = sets.map((s) => ({ format: s.format, rps: (RECORDS / s.best) * 1000, bytes: s.records.reduce((n, r) => n + (r.value?.length ?? 0), 0) / RECORDS }));
e.close();

const json = results.find((r) => r.format === 'JSON');
console.log(`value decode, ${RECORDS} records, best of ${RUNS} runs (node ${process.version})`);
console.log('format     records/s   bytes/value   vs JSON');
for (const r of results) {
  console.log(`${r.format.padEnd(9)} ${Math.round(r.rps).toLocaleString('en-US').padStart(11)}   ${r.bytes.toFixed(1).padStart(11)}   ${json ? `${(r.rps / json.rps).toFixed(2)}×` : ''}`);
}
