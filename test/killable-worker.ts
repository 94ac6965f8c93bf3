// A test worker in a real child process (bundled, under plain node) that prints READY once open and DONE
// when finished; the crash tests SIGKILL it a given time after READY to prove recovery.
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgsFor } from './bundled-script.js';

export interface WorkerRun {
  readonly outcome: 'done' | 'killed';
  /** Everything the worker printed, for tests that read figures from its DONE line. */
  readonly stdout: string;
}

const live = new Set<ChildProcess>();

/** Kills workers still running (for afterAll, when a test failed midway). */
export function killLiveWorkers(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** `script`: a .ts file, bundled once and run under plain node (`tsx` for a worker that uses Kafka, see bundled-script.ts). */
export async function runKillableWorker(script: string, args: readonly string[], killAfterMs: number | undefined, opts: { tsx?: boolean } = {}): Promise<WorkerRun> {
  const run = await nodeArgsFor(script, opts.tsx);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...run, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== undefined && out.includes('READY') && !child.killed) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (out.includes('DONE')) resolve({ outcome: 'done', stdout: out });
      else if (signal === 'SIGKILL') resolve({ outcome: 'killed', stdout: out });
      else reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
}
