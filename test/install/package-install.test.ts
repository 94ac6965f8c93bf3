// The install story, as a newcomer meets it: `npm pack` output installed into fresh npm projects
// (ESM and CommonJS) and globally, the README's embedding example compiled under strict
// TypeScript (skipLibCheck off, so the published types must stand on their own) and run twice,
// and the `eddy` command it installs. Slow: each install builds better-sqlite3's native module.

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeBlocks } from '../docs/readme-blocks.js';

const ROOT = join(__dirname, '..', '..');
const INSTALL_MS = 30 * 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A real process, asynchronously (the test worker must keep answering vitest meanwhile). */
function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 }, (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}

async function ok(cmd: string, args: readonly string[], cwd: string, timeoutMs?: number): Promise<string> {
  const r = await run(cmd, args, cwd, timeoutMs);
  expect(r.code, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const STRICT_TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, outDir: 'out' },
  include: ['embedding.ts'],
});

// The table emits each change; ada's two orders are one change when they were inserted in the same
// millisecond (a change of the same key and time is folded into the one before), two otherwise.
const FIRST_RUN = /^(change: ada 1 12\.5\n)?change: ada 2 20\nchange: bob 1 3\nada now: ada 2 20\n$/;

const embedding = readmeBlocks().find((b) => b.lang === 'ts' && b.code.includes("from 'eddy'"));

let work: string;
let tarball: string;
let app: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eddy-install-'));
  const packed = (await ok('npm', ['pack', '--pack-destination', work], ROOT, INSTALL_MS)).trim().split('\n').at(-1)!;
  tarball = join(work, packed);
  app = join(work, 'app');
  mkdirSync(app);
  await ok('npm', ['init', '-y'], app);
  await ok('npm', ['pkg', 'set', 'type=module'], app);
  const typescript = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string }).version;
  await ok('npm', ['install', tarball, `typescript@${typescript}`], app, INSTALL_MS);
}, INSTALL_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Compiles the README's example under strict TypeScript in `dir` and runs it twice there. */
async function compileAndRunTwice(dir: string): Promise<string[]> {
  writeFileSync(join(dir, 'tsconfig.json'), STRICT_TSCONFIG);
  writeFileSync(join(dir, 'embedding.ts'), embedding!.code);
  await ok(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], dir);
  const outputs: string[] = [];
  // A timeout here is a hang: the example must let the process exit after close().
  for (let i = 0; i < 2; i++) outputs.push(await ok(process.execPath, ['out/embedding.js'], dir, 60_000));
  return outputs;
}

describe('installing the packed package', () => {
  it('the README embedding example is examples/embedding.ts', () => {
    expect(embedding, 'a ```ts block importing eddy in README.md').toBeDefined();
    expect(embedding!.code).toBe(readFileSync(join(ROOT, 'examples', 'embedding.ts'), 'utf8'));
  });

  it('runs the embedding example under strict TypeScript in an ESM project, twice on the same data', async () => {
    const [first, second] = await compileAndRunTwice(app);
    expect(first).toMatch(FIRST_RUN);
    expect(second).toMatch(/^(change: ada 3 32\.5\n)?change: ada 4 40\nchange: bob 2 6\nada now: ada 4 40\n$/);
  }, 300_000);

  it('runs it in a CommonJS project too (require() of the ESM package, Node 20.19+)', async () => {
    const cjs = join(app, 'cjs');
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'cjs-app', type: 'commonjs' }));
    const [first] = await compileAndRunTwice(cjs);
    expect(readFileSync(join(cjs, 'out', 'embedding.js'), 'utf8')).toContain('require("eddy")');
    expect(first).toMatch(FIRST_RUN);
  }, 300_000);

  it('after close(), a statement gets a clear error, not a TypeError from SQLite', async () => {
    writeFileSync(
      join(app, 'closed.mjs'),
      "import { Eddy } from 'eddy';\nconst e = Eddy.open();\ne.close();\ntry { e.execute('SHOW STREAMS;'); } catch (err) { console.log(err.constructor.name, err.message); }\n",
    );
    expect(await ok(process.execPath, ['closed.mjs'], app)).toBe('Error This Eddy instance is closed; open another with Eddy.open().\n');
  }, 60_000);

  it('installs an `eddy` command that runs from any directory (npx, node_modules/.bin)', async () => {
    expect(await ok('npx', ['eddy', '--version'], app)).toBe('0.1.0\n');
    const out = await ok(
      join(app, 'node_modules', '.bin', 'eddy'),
      ['--memory', '-e', "CREATE TABLE T (ID INT PRIMARY KEY, V STRING); INSERT INTO T (ID, V) VALUES (1, 'a'); SELECT V FROM T WHERE ID = 1;", '--output', 'csv'],
      work,
    );
    expect(out).toContain('V\na\n');
  }, 120_000);

  it(
    'npm install -g <tarball> gives a working `eddy` on the PATH',
    async () => {
      const prefix = join(work, 'global');
      // better-sqlite3's native module has no prebuilt binary reachable here, so every install
      // compiles it (minutes on 2 cores); the local install above already proved that build, so this
      // one skips install scripts and takes the module the local install compiled. What this test
      // adds is the global layout: the `eddy` bin link on the PATH and the package resolving there.
      await ok('npm', ['install', '-g', '--ignore-scripts', '--prefix', prefix, tarball], work, INSTALL_MS);
      const native = join('node_modules', 'better-sqlite3', 'build');
      cpSync(join(app, native), join(prefix, 'lib', 'node_modules', 'eddy', native), { recursive: true });
      const env = `PATH=${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`;
      const sql = "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1); SHOW STREAMS;";
      expect(await ok('env', [env, 'eddy', '--memory', '-e', sql, '--output', 'json'], work)).toContain('{"Name":"S","Topic":"s"');
      expect(await ok('env', [env, 'eddy', 'version'], work)).toBe('0.1.0\n');
    },
    INSTALL_MS,
  );
});
