// What a task's operators get to keep state and report with (OperatorEnv): stores backed by the
// engine's `state` table for a persistent query, or memory for push and pull queries; the task
// keeps the list of stores it opened, to flush them with each batch and count their rows.
//
// Scale-out with state (Kafka with a --service-id): local state is a copy of the changelogs. The
// backing starts empty, every store records which task (input partition) owns each key, and the
// task restores the backing from the changelogs whenever it gains a task (query-task.ts), seeding
// the rebuilt stores with the key → task maps the restore found (`taskSeed`).

import type Database from 'better-sqlite3';
import type { Rec } from '../../planner/record.js';
import type { OperatorEnv } from '../operators/operator.js';
import type { PullStore } from '../pull-store.js';
import { PERSISTENT_STATE_HOME, StateBacking, StateStore, type StoreChangelog } from '../state/state-store.js';
import { staticBatchJoin } from '../static-table.js';

export interface TaskEnvSettings {
  readonly db: Database.Database;
  /** The query's id, owner of its state rows; undefined keeps state in memory. */
  readonly persistentOwner: string | undefined;
  /** A CTAS's pull store, where a persistent windowed aggregation keeps its state. */
  readonly pullStore: PullStore | undefined;
  readonly logError: (reason: string, rec?: Rec) => void;
  readonly countLate: () => void;
  /** Scale-out with state: the input partition of the record in hand (the task a written key belongs to). */
  readonly scaleOut?: { readonly currentTask: () => number | undefined };
}

/** What the task keeps of its env: the operators' stores, and (persistent) their SQLite backing. */
export interface TaskEnv {
  readonly env: OperatorEnv;
  /** The stores opened through `env`, in order; emptied by the task before it rebuilds its pipeline. */
  readonly stores: StateStore<unknown>[];
  /** The operators' state beyond their stores (OperatorEnv.countState); emptied with `stores`. */
  readonly stateCounts: (() => number)[];
  readonly backing: StateBacking | undefined;
  /** Scale-out: store → key → task, handed to the stores opened next (replaced after each restore). */
  taskSeed: Map<string, Map<string, number>>;
}

/** The env the task's operators are built with, and the stores they open through it (added to `stores` as they do). */
export function openOperatorEnv(s: TaskEnvSettings, stores: StateStore<unknown>[] = []): TaskEnv {
  const backing = s.persistentOwner !== undefined ? new StateBacking(s.db, s.persistentOwner) : undefined;
  const scaleOut = backing ? s.scaleOut : undefined;
  // Whatever an earlier run left locally may be stale: the changelogs are the state.
  if (scaleOut) backing!.clear();
  const storeLog = (name: string): StoreChangelog | undefined => {
    if (!scaleOut) return undefined;
    let tasks = te.taskSeed.get(name);
    if (!tasks) te.taskSeed.set(name, (tasks = new Map()));
    return { current: scaleOut.currentTask, tasks };
  };
  const env: OperatorEnv = {
    store: <V>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V) => {
      const st = new StateStore<V>(backing, name, enc, dec, false, storeLog(name));
      stores.push(st as StateStore<unknown>);
      return st;
    },
    textStore: (name) => {
      const st = StateStore.text(backing, name, storeLog(name));
      stores.push(st as StateStore<unknown>);
      return st;
    },
    logError: s.logError,
    countLate: s.countLate,
    staticJoin: (source, stream) => staticBatchJoin(s.db, source, stream),
    // Scale-out keeps windowed state in its own store, whose changes go to the changelog.
    ...(backing && s.pullStore && !scaleOut ? { windowRows: s.pullStore } : {}),
    stateHome: backing ? PERSISTENT_STATE_HOME : 'memory',
    countState: (rows) => void stateCounts.push(rows),
  };
  const stateCounts: (() => number)[] = [];
  const te: TaskEnv = { env, stores, stateCounts, backing, taskSeed: new Map() };
  return te;
}
