// The worker's side of a warm start (killable-worker.ts): a worker started ahead of its turn has
// loaded its modules (and the parser) by the time its top-level code runs; it then waits for the
// test's go-ahead on stdin before it opens its data directory, which the worker before it may
// still hold. Without the variable set (a cold start) it goes on at once.

export const TURN_ENV = 'EDDY_WORKER_AWAIT_TURN';

export async function awaitTurn(): Promise<void> {
  if (process.env[TURN_ENV] !== '1') return;
  await new Promise<void>((resolve) => {
    process.stdin.once('data', () => resolve());
    process.stdin.once('end', () => resolve());
  });
  process.stdin.pause();
}
