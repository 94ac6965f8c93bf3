// A test worker in a real child process (bundled, under plain node) that prints READY once open and DONE
// when finished; the crash tests SIGKILL it a given time after READY to prove recovery.
//
// A kill costs a process start, most of it loading modules and building the parser (~1.5 s of CPU
// on the 2-core machine) before the worker opens anything. A kill test that needs dozens of kills
// starts each worker warm (startWarmWorker): loaded ahead, while the one before it still runs, and
// waiting on stdin for its turn (awaitTurn in worker-turn.ts) before it opens its data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgsFor } from './bundled-script.js';
import { TURN_ENV } from './worker-turn.js';

export interface WorkerRun {
  readonly outcome: 'done' | 'killed';
  /** Everything the worker printed, for tests that read figures from its DONE line. */
  readonly stdout: string;
}

export interface WorkerOptions {
  /** Run under tsx (a worker that uses Kafka, see bundled-script.ts). */
  readonly tsx?: boolean;
  /** More environment for the child (EDDY_FAULT=<step> to make it kill itself there). */
  readonly env?: Readonly<Record<string, string>>;
}

const live = new Set<ChildProcess>();

/** Kills workers still running (for afterAll, when a test failed midway). */
export function killLiveWorkers(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** A worker process started ahead of its turn: `run` lets it go on (and SIGKILLs it `killAfterMs` after its READY); `discard` kills it unused. */
export interface WarmWorker {
  run(killAfterMs: number | undefined): Promise<WorkerRun>;
  discard(): void;
}

function spawnWorker(run: readonly string[], args: readonly string[], opts: WorkerOptions, warm: boolean): WarmWorker {
  const child = spawn(process.execPath, [...run, ...args], { stdio: [warm ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env, ...(warm ? { [TURN_ENV]: '1' } : {}) } });
  live.add(child);
  let out = '';
  let err = '';
  let killAfter: number | undefined;
  let armed = false;
  const arm = () => {
    if (armed || killAfter === undefined || !out.includes('READY') || child.killed) return;
    armed = true;
    setTimeout(() => child.kill('SIGKILL'), killAfter);
  };
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    arm();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin?.on('error', () => {}); // a worker killed before it read its turn
  const exited = new Promise<WorkerRun>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (out.includes('DONE')) resolve({ outcome: 'done', stdout: out });
      else if (signal === 'SIGKILL') resolve({ outcome: 'killed', stdout: out });
      else reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
  exited.catch(() => {}); // a discarded worker's end is nobody's concern
  return {
    run(killAfterMs) {
      killAfter = killAfterMs;
      arm();
      child.stdin?.end('GO\n');
      return exited;
    },
    discard() {
      child.kill('SIGKILL');
    },
  };
}

/** `script`: a .ts file, bundled once and run under plain node (`tsx` for a worker that uses Kafka, see bundled-script.ts). */
export async function runKillableWorker(script: string, args: readonly string[], killAfterMs: number | undefined, opts: WorkerOptions = {}): Promise<WorkerRun> {
  return spawnWorker(await nodeArgsFor(script, opts.tsx), args, opts, false).run(killAfterMs);
}

/** Starts a worker that loads now and waits for `run` before it opens anything (the worker calls awaitTurn first). */
export async function startWarmWorker(script: string, args: readonly string[], opts: WorkerOptions = {}): Promise<WarmWorker> {
  return spawnWorker(await nodeArgsFor(script, opts.tsx), args, opts, true);
}
