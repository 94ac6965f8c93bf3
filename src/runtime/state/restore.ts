// Scale-out: the changes read back from a query's changelogs (log/kafka/changelog.ts), folded into
// the state to load — each key's latest value within its task's partition (a null deletes it). A
// key is normally one task's alone (a group is read from one input partition); the exception is a
// store-wide entry such as an operator's stream time, which every task writes to its own
// partition: of several numbers the largest is kept (stream time only grows), else the last read.

import type { StateChange } from '../log/topic-log.js';

export function foldRestored(changes: readonly StateChange[]): Map<string, Map<string, { task: number; value: string }>> {
  // store → key → task → latest value
  const latest = new Map<string, Map<string, Map<number, string | null>>>();
  for (const c of changes) {
    let keys = latest.get(c.store);
    if (!keys) latest.set(c.store, (keys = new Map()));
    let tasks = keys.get(c.key);
    if (!tasks) keys.set(c.key, (tasks = new Map()));
    tasks.set(c.task, c.value);
  }
  const out = new Map<string, Map<string, { task: number; value: string }>>();
  for (const [store, keys] of latest) {
    const folded = new Map<string, { task: number; value: string }>();
    for (const [key, tasks] of keys) {
      let best: { task: number; value: string } | undefined;
      for (const [task, value] of tasks) {
        if (value === null) continue;
        if (!best) best = { task, value };
        else {
          const a = Number(best.value);
          const b = Number(value);
          if (Number.isFinite(a) && Number.isFinite(b) ? b > a : true) best = { task, value };
        }
      }
      if (best) folded.set(key, best);
    }
    out.set(store, folded);
  }
  return out;
}
