// The process tests run the real `eddy` command, bin/eddy.js, which loads dist/: build it first
// when it is missing or older than the sources (CI builds it in `npm ci`; this covers local runs).
// A lock directory keeps two test files from building at once.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const EDDY_BIN = join(ROOT, 'bin', 'eddy.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  return existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(ROOT, 'src'));
}

export async function ensureBuilt(): Promise<void> {
  if (isFresh()) return;
  const lock = join(ROOT, 'dist.build-lock');
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`could not take ${lock}; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    // Not execFileSync: a worker blocked for the build's minute under load misses vitest's replies.
    if (!isFresh()) {
      await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')]).catch(
        (e: { stdout?: string; message: string }) => {
          throw new Error(`the build failed: ${e.stdout || e.message}`);
        },
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
