// The README's `npm install git+https://<host>/<owner>/eddy.git`, by the same mechanism: npm
// clones the repository, installs its dependencies (dev ones included) in the clone, runs its
// `prepare` script (the TypeScript build: dist/ is not in git), packs the result and installs that.
// A `git+https` URL differs only in the transport git clones over, so a `git+file://` URL of a bare
// clone made here (of this checkout's HEAD: what is committed) exercises everything npm does with
// it. Slow: the clone's install builds better-sqlite3's native module, as the app's does.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const INSTALL_MS = 30 * 60_000;

function ok(cmd: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 }, (e, stdout, stderr) => {
      if (child.exitCode === 0) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${child.exitCode} (${e?.message ?? ''})\n${stdout}\n${stderr}`));
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'eddy-git-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installing from a git URL', () => {
  it('npm install git+file://<bare clone> builds the package on install (prepare) and it runs', async () => {
    const bare = join(work, 'eddy.git');
    await ok('git', ['clone', '--bare', '--quiet', ROOT, bare], work);
    const app = join(work, 'app');
    mkdirSync(app);
    await ok('npm', ['init', '-y'], app);
    await ok('npm', ['pkg', 'set', 'type=module'], app);
    await ok('npm', ['install', '--no-audit', '--no-fund', `git+file://${bare}`], app, INSTALL_MS);
    const pkg = join(app, 'node_modules', 'eddy');
    // dist/ is not in git: it is there because npm ran `prepare` in its clone.
    expect(existsSync(join(pkg, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(pkg, 'src')), 'only the package files (package.json "files") are installed').toBe(false);
    expect(await ok(join(app, 'node_modules', '.bin', 'eddy'), ['--version'], app)).toBe('0.1.0\n');
    writeFileSync(
      join(app, 'use.mjs'),
      "import { Eddy } from 'eddy';\nconst e = Eddy.open();\ne.execute('CREATE TABLE T (ID INT PRIMARY KEY, V STRING);');\ne.execute(\"INSERT INTO T (ID, V) VALUES (1, 'from git');\");\nconsole.log(e.execute('SELECT V FROM T WHERE ID = 1;')[0].rows[0][0]);\ne.close();\n",
    );
    expect(await ok(process.execPath, ['use.mjs'], app, 60_000)).toBe('from git\n');
  }, INSTALL_MS);
});
