// A damaged eddy.db is refused with a clear error instead of opening as an empty or wrong database:
// a zero-length file (truncated), and pages overwritten with garbage.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseDamagedError } from '../../src/runtime/database.js';
import { Eddy } from '../../src/runtime/engine.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-damaged-'));
  dirs.push(d);
  return d;
}

function openError(dir: string): unknown {
  try {
    Eddy.open({ dataDir: dir, autoStart: false }).close();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('a damaged database is refused', () => {
  it('a zero-length eddy.db', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'eddy.db'), '');
    const e = openError(dir);
    expect(e).toBeInstanceOf(DatabaseDamagedError);
    expect((e as Error).message).toContain(`${join(dir, 'eddy.db')} is damaged: the file is empty (0 bytes)`);
    // Refused again, not taken for in use: the lock went with the failed open.
    expect(openError(dir)).toBeInstanceOf(DatabaseDamagedError);
    expect(statSync(join(dir, 'eddy.db')).size).toBe(0);
  });

  it('pages overwritten with garbage', () => {
    const dir = tempDir();
    const eddy = Eddy.open({ dataDir: dir, autoStart: false });
    eddy.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    eddy.insert(
      'S',
      Array.from({ length: 3000 }, (_, i) => ({ ID: i, V: `value ${i} `.repeat(5) })),
    );
    eddy.close();
    const file = join(dir, 'eddy.db');
    const pages = statSync(file).size / 4096;
    expect(pages).toBeGreaterThan(20);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 4, 0x5a), 0, 4096 * 4, 4096 * Math.floor(pages / 2));
    closeSync(fd);
    const e = openError(dir);
    expect(e).toBeInstanceOf(DatabaseDamagedError);
    expect((e as Error).message).toMatch(/eddy\.db is damaged: .+/);
  });
});
