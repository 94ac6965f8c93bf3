// The eddy command as a real process, for the suites of -e, -f and standard input.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EDDY_BIN } from './build.js';
import { tempDir } from './helpers.js';

/** Runs the eddy command as a real process (asynchronously: the test worker stays responsive). */
export function eddy(args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EDDY_BIN, ...args], { env: { ...process.env, EDDY_HISTORY: join(tempDir(), 'h') } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
