// README.md runs as written: every ```sql block through `eddy --memory -f`, and every command
// line of every ```sh block, as real processes. A block preceded by `<!-- needs: X -->` needs
// something beyond one `eddy --memory` process; those are listed here so an unmarked block is never
// silently left out, and run elsewhere: `server` and `postgres` by readme-needs.test.ts (real
// servers, a throw-away PostgreSQL), `kafka` by test/kafka/docs-kafka.test.ts, `terminal` by
// test/shell/terminal.test.ts (`npm start` is `node bin/eddy.js` under tmux) and CI itself (`npm
// ci`, `npm test`), `network` by test/install (npm pack, npm install -g; the git URL line is not
// run: a git install compiles better-sqlite3 twice, past the suite's time budget), `../shared` by
// test/conformance (the development split). The ```ts embedding example
// runs in test/install (it needs the packed package).

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliScript } from '../bundled-script.js';
import { ROOT, readmeBlocks, type CodeBlock } from './readme-blocks.js';

const work = mkdtempSync(join(tmpdir(), 'eddy-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// `eddy` on the PATH of the commands: the CLI from source (bundled), as `npm start` would run it built.
const cli = await cliScript();
writeFileSync(join(work, 'eddy'), `#!/bin/sh\nexec "${process.execPath}" ${cli} "$@"\n`);
chmodSync(join(work, 'eddy'), 0o755);

const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
function needs(b: CodeBlock): string | undefined {
  return /^<!-- needs: (.+) -->$/.exec(lines[b.line - 2] ?? '')?.[1];
}

const blocks = readmeBlocks();
const tour = blocks.find((b) => b.lang === 'sql' && b.code.includes('CREATE STREAM CLICKS'));

function sh(command: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${work}:${process.env['PATH'] ?? ''}` };
    const child = execFile('sh', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 180_000 }, (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}

describe('README.md', { timeout: 600_000 }, () => {
  it('marks every block it does not run with what it needs', () => {
    const marked = blocks.filter((b) => needs(b)).map((b) => `${b.lang}:${needs(b)}`);
    expect(marked).toEqual(['sh:terminal', 'sh:network', 'sh:server', 'sh:postgres', 'sh:kafka', 'sh:../shared']);
    // text: the shell's banner; '': the source layout — neither is a command.
    expect(blocks.filter((b) => !needs(b)).map((b) => b.lang)).toEqual(['sql', 'text', 'sh', 'ts', 'sql', 'sql', 'sh', '']);
  });

  it('the tour runs as written with eddy --memory -f', async () => {
    expect(tour).toBeDefined();
    writeFileSync(join(work, 'tour.sql'), tour!.code);
    const r = await sh('eddy --memory -f tour.sql', work);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('│ ada     │ Ada Lovelace │');
    expect(r.stdout).toContain('WindowAggregate  GROUP BY USER_ID');
  });

  it('the Avro example runs as written: inferred columns read what the first stream wrote', async () => {
    const avro = blocks.find((b) => b.lang === 'sql' && b.code.includes("format = 'AVRO'"));
    expect(avro).toBeDefined();
    writeFileSync(join(work, 'avro.sql'), avro!.code);
    const r = await sh('eddy --memory -f avro.sql', work);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ s1\s+│ 21\.5\s+│/);
  });

  it('the streaming k-means example runs as written: a model of three centres, points scored against it', async () => {
    const km = blocks.find((b) => b.lang === 'sql' && b.code.includes('STREAMING_KMEANS'));
    expect(km).toBeDefined();
    writeFileSync(join(work, 'kmeans.sql'), km!.code);
    const r = await sh('eddy --memory -f kmeans.sql', work);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.code).toBe(0);
    // One row of weights (three centres), then three scored points, each in cluster 0, 1 or 2.
    expect(r.stdout).toMatch(/│ +0 │ \[[\d.]+,[\d.]+,[\d.]+\] │/);
    expect(r.stdout.match(/│ +[\d.]+ │ +[\d.]+ │ +[012] │/g)).toHaveLength(3);
  });

  for (const b of blocks.filter((x) => x.lang === 'sh' && !needs(x))) {
    for (const line of b.code.split('\n').filter((l) => l.trim())) {
      const command = line.replace(/\s+# .*$/, '');
      it(`runs: ${command}`, async () => {
        writeFileSync(join(work, 'tour.sql'), tour!.code);
        const inRepo = command.startsWith('node bin/eddy.js');
        const r = await sh(inRepo ? command.replace('node bin/eddy.js', join(work, 'eddy')) : command, inRepo ? ROOT : work);
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout.length).toBeGreaterThan(0);
      });
    }
  }
});
