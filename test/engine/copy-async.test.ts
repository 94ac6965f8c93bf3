// The chunked COPY: progress after every committed chunk, the same result as execute('COPY …'),
// and cancellation that keeps exactly the chunks already committed.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import type { CopyProgress } from '../../src/runtime/statements/copy.js';
import { engine, perTest, rows } from './helpers.js';

const scratch = perTest('copy-async');
let eddy: Eddy | undefined;

/** A CSV of `n` items with a header, one bad line (line 3) and a blank last line. */
function itemsCsv(n: number): string {
  const dir = scratch.dir();
  const path = join(dir, 'items.csv');
  const lines = ['NAME,COST', 'item0,0.5', 'broken,not-a-number', ...Array.from({ length: n - 1 }, (_, i) => `item${i + 1},${i + 1}.5`)];
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

const ITEMS = 'CREATE TABLE ITEMS (NAME STRING PRIMARY KEY, COST DOUBLE);';

describe('copyAsync', () => {
  it('reports progress after each chunk and ends with the message execute() gives', async () => {
    const path = itemsCsv(2500);
    eddy = scratch.use(engine());
    eddy.execute(ITEMS);
    const seen: CopyProgress[] = [];
    const result = await eddy.copyAsync(`COPY ITEMS FROM '${path}';`, { chunkRows: 1000, onProgress: (p) => seen.push(p) });
    // 2501 data lines (one rejected) in chunks of 1000: 1000, 2000, 2501.
    expect(seen.map((p) => p.rowsDone)).toEqual([1000, 2000, 2501]);
    expect(seen.map((p) => p.copied)).toEqual([999, 1999, 2500]);
    expect(seen.every((p) => p.rowsTotal === 2501 && p.target === 'ITEMS' && p.rejected === 1)).toBe(true);
    const bytes = seen.map((p) => p.bytesDone);
    expect(bytes[0]! < bytes[1]! && bytes[1]! < bytes[2]!).toBe(true);
    expect(bytes[2]).toBe(seen[2]!.bytesTotal);
    expect(result).toMatchObject({ kind: 'message', message: expect.stringMatching(/^Copied 2500 rows into ITEMS\. 1 line rejected \(see the processing log\), first: line 3: /) });
    expect(rows(eddy, 'SELECT * FROM ITEMS;')).toHaveLength(2500);

    // The synchronous path says exactly the same of the same file.
    eddy.execute('CREATE TABLE ITEMS2 (NAME STRING PRIMARY KEY, COST DOUBLE);');
    const sync = eddy.execute(`COPY ITEMS2 FROM '${path}';`)[0];
    expect(sync).toMatchObject({ message: (result as { message: string }).message.replace('ITEMS', 'ITEMS2') });
  });

  it('stops after the chunk in hand when cancelled and keeps exactly the committed chunks', async () => {
    const path = itemsCsv(5000);
    eddy = scratch.use(engine());
    eddy.execute(ITEMS);
    const abort = new AbortController();
    const seen: CopyProgress[] = [];
    const result = await eddy.copyAsync(`COPY ITEMS FROM '${path}';`, {
      chunkRows: 1000,
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p);
        if (seen.length === 2) abort.abort();
      },
    });
    expect(seen).toHaveLength(2);
    expect(result).toMatchObject({
      kind: 'message',
      message: 'COPY cancelled: 1999 rows of 5001 copied into ITEMS and committed; the other 3001 were not loaded. 1 line rejected (see the processing log).',
    });
    expect(rows(eddy, 'SELECT * FROM ITEMS;')).toHaveLength(1999);
  });

  it('appends to a stream chunk by chunk, and refuses anything but one COPY', async () => {
    const dir = scratch.dir();
    const path = join(dir, 'clicks.json');
    writeFileSync(path, Array.from({ length: 30 }, (_, i) => JSON.stringify({ PAGE: `/p${i}` })).join('\n'));
    eddy = scratch.use(engine());
    eddy.execute("CREATE STREAM CLICKS (PAGE STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);");
    const seen: number[] = [];
    const result = await eddy.copyAsync(`COPY CLICKS FROM '${path}';`, { chunkRows: 7, onProgress: (p) => seen.push(p.copied) });
    expect(seen).toEqual([7, 14, 21, 28, 30]);
    expect(result).toMatchObject({ message: 'Copied 30 rows into CLICKS.' });
    expect(eddy.readTopic('clicks')).toHaveLength(30);
    expect(() => eddy!.copyAsync('SHOW STREAMS;')).toThrow(/exactly one COPY/);
    await expect(eddy.copyAsync(`COPY NOPE FROM '${path}';`)).rejects.toThrow(/NOPE does not exist/);
  });
});
