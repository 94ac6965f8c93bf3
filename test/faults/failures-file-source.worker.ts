// A real Eddy process whose file source's path is replaced by a directory, then by a file again.
// Prints JSON lines, then DONE; a crash shows as an exit without DONE.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eddy } from '../../src/runtime/engine.js';

const [dir] = process.argv.slice(2) as [string];
const path = join(dir, 'in.jsonl');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => JSON.stringify({ N: from + i }) + '\n').join('');

const eddy = Eddy.open({ dataDir: join(dir, 'data'), batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } });
writeFileSync(path, lines(0, 5));
eddy.execute(`CREATE STREAM F (N INT) WITH (source='file', path='${path}', value_format='JSON');`);
eddy.execute('CREATE STREAM OUT AS SELECT N FROM F;');
const outN = () => eddy.readTopic('OUT').map((r) => (JSON.parse(r.value!.toString()) as { N: number }).N);

async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 20_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

await until('the first lines', () => outN().length === 5);
rmSync(path);
mkdirSync(path);
await sleep(1000); // the source polls every 200 ms: several reads of the directory
say({
  whileDirectory: eddy
    .processingLog(50)
    .map((e) => e.reason)
    .filter((r) => r.includes(path)),
});
rmSync(path, { recursive: true });
writeFileSync(path, lines(5, 8)); // a new, shorter file: read from its start
await until('the new lines', () => outN().length === 8);
say({ out: outN() });
eddy.close();
process.stdout.write('DONE\n');
