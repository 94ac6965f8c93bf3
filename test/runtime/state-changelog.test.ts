// Scale-out state without the broker: what a store hands the changelog (each change with its key's
// task, tombstones for deletes and closed-window ranges) and how restored changes fold back into
// state. The Kafka side (same transaction, restore after a fence) is test/kafka/scale-out-state.test.ts.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StateChange } from '../../src/runtime/log/index.js';
import { foldRestored } from '../../src/runtime/state/restore.js';
import { StateBacking, StateStore } from '../../src/runtime/state/state-store.js';

function db(): Database.Database {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE state (owner TEXT NOT NULL, store TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (owner, store, k)) WITHOUT ROWID');
  return d;
}

describe('a state store under scale-out', () => {
  it('gives each change its key’s task: the record in hand’s, or the one the key had', () => {
    const d = db();
    let current: number | undefined = 2;
    const tasks = new Map<string, number>();
    const s = new StateStore<number>(
      new StateBacking(d, 'Q'),
      'agg',
      (v) => v,
      (j) => j as number,
      false,
      { current: () => current, tasks },
    );
    s.put('a', 1);
    current = 3;
    s.put('b', 5);
    const first: StateChange[] = [];
    s.flush(first);
    expect(first).toEqual([
      { store: 'agg', task: 2, key: 'a', value: '1' },
      { store: 'agg', task: 3, key: 'b', value: '5' },
    ]);
    // Between records (end of batch) a write keeps the key's task; a delete sends a tombstone.
    current = undefined;
    s.put('a', 2);
    s.delete('b');
    const second: StateChange[] = [];
    s.flush(second);
    expect(second).toEqual([
      { store: 'agg', task: 2, key: 'a', value: '2' },
      { store: 'agg', task: 3, key: 'b', value: null },
    ]);
    expect([...tasks]).toEqual([['a', 2]]);
    expect(d.prepare('SELECT k, v FROM state').all()).toEqual([{ k: 'a', v: '2' }]);
  });

  it('sends a tombstone per key of a deleted range (a closed window), with the task given at staging', () => {
    const d = db();
    const tasks = new Map<string, number>();
    const s = new StateStore<number>(
      new StateBacking(d, 'Q'),
      'wagg',
      (v) => v,
      (j) => j as number,
      false,
      { current: () => undefined, tasks },
    );
    s.stage('100/a', 1, 0);
    s.stage('100/b', 1, 1);
    s.stage('200/a', 1, 0);
    s.flush([]);
    s.deleteRange('100/', '1000');
    const out: StateChange[] = [];
    s.flush(out);
    expect(out.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { store: 'wagg', task: 0, key: '100/a', value: null },
      { store: 'wagg', task: 1, key: '100/b', value: null },
    ]);
    expect([...tasks.keys()]).toEqual(['200/a']);
  });

  it('without scale-out hands nothing to a changelog', () => {
    const d = db();
    const s = new StateStore<number>(
      new StateBacking(d, 'Q'),
      'agg',
      (v) => v,
      (j) => j as number,
    );
    s.put('a', 1);
    const out: StateChange[] = [];
    s.flush(out);
    expect(out).toEqual([]);
    expect(d.prepare('SELECT k, v FROM state').all()).toEqual([{ k: 'a', v: '1' }]);
  });
});

describe('folding restored changes', () => {
  it('keeps each key’s latest value in its task, drops deleted keys, and keeps the largest of a store-wide number written by several tasks', () => {
    const c = (task: number, key: string, value: string | null, store = 'agg'): StateChange => ({ store, task, key, value });
    const folded = foldRestored([
      c(0, 'a', '{"n":1}'),
      c(1, 'b', '{"n":1}'),
      c(0, 'a', '{"n":2}'),
      c(1, 'b', null),
      c(0, 'streamTime', '500', 'meta'),
      c(1, 'streamTime', '900', 'meta'),
      c(0, 'streamTime', '700', 'meta'),
    ]);
    expect([...folded.get('agg')!]).toEqual([['a', { task: 0, value: '{"n":2}' }]]);
    expect(folded.get('meta')!.get('streamTime')).toEqual({ task: 1, value: '900' });
  });
});
