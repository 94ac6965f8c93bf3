// The `eddy` command's own surface, as real processes: help that shows the shell's options,
// the version, and option values checked with a sentence instead of a Node error.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliScript } from '../bundled-script.js';

const ROOT = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'eddy-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function eddy(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = await cliScript();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 }, (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('eddy (the command)', { timeout: 240_000 }, () => {
  it('--help shows the shell options, since `eddy` alone is the shell', async () => {
    const r = await eddy('--help');
    expect(r.code).toBe(0);
    for (const flag of ['-e, --execute <sql>', '-f, --file <file>', '--data <dir>', '--memory', '-o, --output <format>', '--connect <host:port>']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/^Commands:$/m);
  });

  it('version and --version print the package version', async () => {
    for (const args of [['version'], ['--version'], ['-V']]) {
      const r = await eddy(...args);
      expect([r.code, r.stdout]).toEqual([0, `${version}\n`]);
    }
  });

  it('an unknown command is named as one', async () => {
    const r = await eddy('vresion');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: unknown command 'vresion' (eddy --help lists the commands; SQL goes in -e "…" or the shell)\n`);
  });

  it('--port abc (and other numbers) get a sentence, not a Node error', async () => {
    const r = await eddy('server', '--port', 'abc');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: option '--port <port>' argument 'abc' is invalid. expected a whole number from 0 to 65535, not 'abc'.\n");
    const b = await eddy('--memory', '--batch-interval', 'soon', '-e', 'SHOW STREAMS;');
    expect([b.code, b.stderr]).toEqual([1, "error: option '--batch-interval <ms>' argument 'soon' is invalid. expected a whole number from 0 to 86400000, not 'soon'.\n"]);
  });

  it('--data refuses a path whose parent is missing (as sqlite3 does), creates a missing last directory', async () => {
    const r = await eddy('--data', 'nonexist/a/b', '-e', 'SHOW STREAMS;');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'nonexist/a/b' does not exist and neither does its parent directory");
    expect(existsSync(join(work, 'nonexist'))).toBe(false);
    const s = await eddy('server', '--data', 'nonexist/a/b', '--port', '0');
    expect([s.code, existsSync(join(work, 'nonexist'))]).toEqual([1, false]);
    writeFileSync(join(work, 'afile'), '');
    expect((await eddy('--data', 'afile', '-e', 'SHOW STREAMS;')).stderr).toContain("'afile' is a file, not a data directory.");
    const made = await eddy('--data', 'fresh', '-e', "CREATE STREAM S (K STRING KEY) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    expect(made.code).toBe(0);
    expect(existsSync(join(work, 'fresh', 'eddy.db'))).toBe(true);
  });

  it('--output takes only its choices', async () => {
    const r = await eddy('--memory', '--output', 'xml', '-e', 'SHOW STREAMS;');
    expect([r.code, r.stderr]).toEqual([1, "error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are table, csv, json.\n"]);
  });
});
