// What a task's operators get to keep state and report with (OperatorEnv): stores backed by the
// engine's `state` table for a persistent query, or memory for push and pull queries; the task
// keeps the list of stores it opened, to flush them with each batch and count their rows.

import type Database from 'better-sqlite3';
import type { Rec } from '../../planner/record.js';
import type { OperatorEnv } from '../operators/operator.js';
import type { PullStore } from '../pull-store.js';
import { PERSISTENT_STATE_HOME, StateBacking, StateStore } from '../state/state-store.js';
import { staticBatchJoin } from '../static-table.js';

export interface TaskEnvSettings {
  readonly db: Database.Database;
  /** The query's id, owner of its state rows; undefined keeps state in memory. */
  readonly persistentOwner: string | undefined;
  /** A CTAS's pull store, where a persistent windowed aggregation keeps its state. */
  readonly pullStore: PullStore | undefined;
  readonly logError: (reason: string, rec?: Rec) => void;
  readonly countLate: () => void;
}

/** The env the task's operators are built with, and the stores they open through it (added to `stores` as they do). */
export function openOperatorEnv(s: TaskEnvSettings, stores: StateStore<unknown>[] = []): { env: OperatorEnv; stores: StateStore<unknown>[] } {
  const backing = s.persistentOwner !== undefined ? new StateBacking(s.db, s.persistentOwner) : undefined;
  const env: OperatorEnv = {
    store: <V,>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V) => {
      const st = new StateStore<V>(backing, name, enc, dec);
      stores.push(st as StateStore<unknown>);
      return st;
    },
    textStore: (name) => {
      const st = StateStore.text(backing, name);
      stores.push(st as StateStore<unknown>);
      return st;
    },
    logError: s.logError,
    countLate: s.countLate,
    staticJoin: (source, stream) => staticBatchJoin(s.db, source, stream),
    ...(backing && s.pullStore ? { windowRows: s.pullStore } : {}),
    stateHome: backing ? PERSISTENT_STATE_HOME : 'memory',
  };
  return { env, stores };
}
