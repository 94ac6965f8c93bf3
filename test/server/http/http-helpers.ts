// The HTTP suites' pieces: a server with its HTTP port on 127.0.0.1, the line client's replies to
// one request, and curl (a real process) or a loud skip when it is missing (a failure under CI).

import { execFile, spawnSync } from 'node:child_process';
import { start, type RawClient } from '../helpers.js';
import { until } from '../helpers.js';
import type { ServerOptions } from '../../../src/server/server.js';

export async function startHttp(opts: ServerOptions = {}): Promise<{ port: number; http: number; base: string }> {
  const { server, port } = await start({ httpPort: 0, ...opts });
  const http = server.httpAddress!.port;
  return { port, http, base: `http://127.0.0.1:${http}` };
}

/** The replies to request `id`, once it has ended or failed. */
export async function replies(c: RawClient, id: string, ms = 10_000): Promise<Record<string, unknown>[]> {
  await until(() => c.lines.some((l) => l.id === id && (l.type === 'end' || l.type === 'error')), ms);
  return c.lines.filter((l) => l.id === id);
}

export const hasCurl = spawnSync('curl', ['--version']).status === 0;
if (!hasCurl) {
  const msg = `\n${'!'.repeat(78)}\n!! HTTP tests that drive curl SKIPPED: curl is missing (apt-get install -y curl).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

export interface CurlResult {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Runs curl with `args`; the headers come from -D -, the status from -w. */
export function curl(args: readonly string[], timeoutMs = 15_000): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-D', '-', '-w', '\n%{http_code}', ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && !stdout) return reject(new Error(`curl failed: ${err.message} ${stderr}`));
      const head = stdout.indexOf('\r\n\r\n');
      const nl = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(nl + 1)), headers: stdout.slice(0, head), body: stdout.slice(head + 4, nl) });
    });
  });
}
