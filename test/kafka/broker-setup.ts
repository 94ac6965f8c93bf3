// Starts the bundled Kafka broker (scripts/kafka.sh) once for all Kafka suites, on free loopback
// ports, with its data in a temporary directory; stops it afterwards, whatever happened. Without
// Java or Maven the suites skip with a loud message — except under CI=true, where that fails.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka.sh');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const missing = ['java', 'mvn'].filter((c) => !has(c));
  if (missing.length) {
    const msg = `\n${'!'.repeat(78)}\n!! Kafka suites SKIPPED: ${missing.join(' and ')} not installed (needed for the bundled broker).\n${'!'.repeat(78)}\n`;
    if (process.env.CI === 'true') throw new Error(msg);
    process.stderr.write(msg);
    project.provide('kafkaBrokers', '');
    return () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-'));
  const env = { ...process.env, EDDY_KAFKA_DIR: dir, EDDY_KAFKA_WATCH_PID: String(process.pid) };
  const stop = (): void => {
    spawnSync('bash', [SCRIPT, 'stop'], { env, stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  };
  const port = await freePort();
  const controller = await freePort();
  try {
    execFileSync('bash', [SCRIPT, 'start', String(port), String(controller)], { env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  } catch (e) {
    stop();
    throw e;
  }
  project.provide('kafkaBrokers', `127.0.0.1:${port}`);
  return stop;
}
