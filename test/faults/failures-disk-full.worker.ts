// A real Eddy process that runs out of disk space in the middle of its work. The disk is made
// "full" for the engine's connection with PRAGMA max_page_count (SQLite then fails writes with
// SQLITE_FULL exactly as on a full file system). Modes:
//   recover  fill the disk, see the query in ERROR, free the space, see it resume; print OUT ids
//   stall    fill the disk, print READY once the query is in ERROR, and wait to be killed
//   resume   open the data directory again (space free) and print OUT ids once all are there
//   ioerr    as recover, but the parent makes writes fail with EFBIG (a file-size limit set on this
//            process with prlimit: SQLite reports SQLITE_IOERR_WRITE), asked for by the line
//            LIMIT and lifted on the line LIFT; each waits for the parent's 'go' on stdin
// Prints JSON lines, then DONE.
import { Eddy } from '../../src/runtime/engine.js';
import type { StatementResult } from '../../src/runtime/results.js';

const [dataDir, mode] = process.argv.slice(2) as [string, 'recover' | 'stall' | 'resume' | 'ioerr'];
const TOTAL = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const eddy = Eddy.open({
  dataDir,
  batch: { maxRecords: 100, intervalMs: 10 },
  properties: { 'auto.offset.reset': 'earliest', 'ksql.query.retry.backoff.initial.ms': '20', 'ksql.query.retry.backoff.max.ms': '100' },
});
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

function rowsOf(sql: string): unknown[][] {
  const r = eddy.execute(sql).at(-1) as StatementResult;
  if (r.kind !== 'rows') throw new Error(`no rows from ${sql}`);
  return r.rows as unknown[][];
}

function produce(from: number, to: number): void {
  const pad = 'x'.repeat(300);
  const recs = [];
  for (let i = from; i < to; i++) recs.push({ timestamp: i, key: Buffer.from(String(i)), value: Buffer.from(JSON.stringify({ V: i, PAD: pad })) });
  eddy.produce('s', recs);
}

const outIds = (): number[] => eddy.readTopic('OUT').map((r) => (JSON.parse(r.value!.toString()) as { V: number }).V);

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const stdinLines: string[] = [];
process.stdin.setEncoding('utf8').on('data', (d: string) => stdinLines.push(...d.split('\n').filter(Boolean)));
/** Ask the parent to do something to this process, and wait until it has. */
async function ask(what: string): Promise<void> {
  const seen = stdinLines.length;
  process.stdout.write(`${what}\n`);
  await until(`the parent's answer to ${what}`, () => stdinLines.length > seen);
}
if (mode !== 'ioerr') process.stdin.pause();

const status = (): { status: unknown; lastError: unknown } => {
  const row = rowsOf('SHOW QUERIES EXTENDED;').find((r) => r[0] === 'CSAS_OUT_0')!;
  return { status: row[4], lastError: row.at(-1) };
};

if (mode !== 'resume') {
  eddy.execute("CREATE STREAM S (ID STRING KEY, V INT, PAD STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
  eddy.execute('CREATE STREAM OUT AS SELECT ID, V, PAD FROM S;');
  produce(0, TOTAL / 2);
  await until('the first half', () => outIds().length === TOTAL / 2);
  if (mode === 'ioerr') {
    eddy.stop(); // the second half waits for the write failures
    produce(TOTAL / 2, TOTAL);
    await ask('LIMIT');
    eddy.start();
  } else {
    produce(TOTAL / 2, TOTAL);
    // Synchronous with the produce: no batch runs in between, the second half meets a full disk.
    const pages = eddy.state.db.pragma('page_count', { simple: true }) as number;
    eddy.state.db.pragma(`max_page_count = ${pages}`);
  }
  await until('the query in ERROR', () => status().status === 'ERROR');
  say({ error: status(), logged: eddy.processingLog(20).map((e) => e.reason) });
  if (mode === 'stall') {
    process.stdout.write('READY\n');
    await sleep(60_000); // killed long before
    process.exit(3);
  }
  await sleep(300); // several retries, each failing again, the process alive throughout
  say({ stillError: status(), lag: outIds().length });
  if (mode === 'ioerr') await ask('LIFT');
  else eddy.state.db.pragma('max_page_count = 1073741823');
}
await until('every record in OUT', () => outIds().length >= TOTAL);
await sleep(100); // a doubled record would show up here
say({ ids: outIds(), status: status().status, log: rowsOf('SELECT REASON FROM PROCESSING_LOG;').map((r) => r[0]) });
eddy.close();
process.stdin.destroy(); // nothing more to wait for: let the process end
process.stdout.write('DONE\n');
