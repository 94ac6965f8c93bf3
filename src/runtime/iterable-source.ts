// sourceFrom: a stream fed from any (async) iterable — a Node Readable (object mode or bytes), a
// generator, an array, an event source adapted to one. Objects are rows (column name → value,
// ROWTIME optional); strings and bytes are JSON lines (a Readable of a file or a socket), cut at
// newlines across chunks. Rows are appended to the stream's topic in chunks, each in one
// transaction; from there on a row is the stream's like any other, replayed and exactly-once.
// Values are checked against the columns' types first: a row that does not fit goes to the
// processing log, not into the topic as something else.
// What an iterable gives is not replayable by Eddy, so a row read and not yet appended when the
// process dies is gone: say so to users (docs/extending.md) instead of promising more.

import { StringDecoder } from 'node:string_decoder';
import { rowChecker } from './row-values.js';
import type { Value } from '../planner/values.js';
import type { EngineState } from './engine-state.js';

export interface SourceFromOptions {
  /** Rows appended per transaction at most (default 500); a chunk also ends when the iterable waits. */
  readonly chunkRows?: number;
}

export interface SourceFromHandle {
  /** Resolves with the rows appended when the iterable ends (or stop() is called); rejects if it throws. */
  readonly done: Promise<number>;
  /** Rows appended so far. */
  readonly rows: number;
  /** Stop reading (what was read is appended first). */
  stop(): void;
}

/** The engine's side a source needs (the Eddy class). */
export interface SourceHost {
  readonly state: EngineState;
  readonly isClosed: boolean;
  insert(source: string, rows: readonly Record<string, unknown>[]): void;
}

export function sourceFrom(host: SourceHost, name: string, input: AsyncIterable<unknown> | Iterable<unknown>, opts: SourceFromOptions = {}): SourceFromHandle {
  const def = host.state.catalog.get(name);
  if (!def || !def.topic) throw new Error(`sourceFrom: ${name} is not a stream or changelog table`);
  const chunkRows = opts.chunkRows ?? 500;
  const reject = (reason: string, line?: number) =>
    host.state.processingLog.write({ queryId: null, topic: def.topic!, partition: null, offset: line ?? null, reason: `sourceFrom ${def.name}: ${reason}` });
  // Each value is checked against its column's type before it is written (row-values.ts): an
  // 'abc' for an INT key is an error for its row, not a 0 in the topic.
  const check = rowChecker(def);
  const toRow = (given: Record<string, unknown>): Record<string, Value> => {
    const { cols, ts } = check(given);
    const row: Record<string, Value> = {};
    def.columns.forEach((c, i) => (row[c.name] = cols[i]!));
    if (ts !== undefined) row.ROWTIME = ts;
    return row;
  };
  const text = (r: unknown) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  const push = (r: Record<string, unknown>, line?: number) => {
    try {
      pending.push(toRow(r));
    } catch (e) {
      reject(`${line !== undefined ? `line ${line}` : `row ${text(r)}`}: ${(e as Error).message}`, line);
    }
  };
  let appended = 0;
  let stopped = false;
  let pending: Record<string, unknown>[] = [];
  const flush = () => {
    if (!pending.length || host.isClosed) return;
    const rows = pending;
    pending = [];
    try {
      host.insert(def.name, rows);
      appended += rows.length;
    } catch {
      // One bad row must not lose its neighbours: append them one by one, logging the bad ones.
      for (const r of rows) {
        try {
          host.insert(def.name, [r]);
          appended++;
        } catch (e) {
          reject(`row ${text(r)} not appended: ${(e as Error).message}`);
        }
      }
    }
  };
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let lineNo = 0;
  const takeLines = (text: string, last: boolean) => {
    const parts = (partial + text).split('\n');
    partial = last ? '' : parts.pop()!;
    for (const line of parts) {
      lineNo++;
      if (!line.trim()) continue;
      try {
        const v = JSON.parse(line) as unknown;
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('a line must hold a JSON object (column name → value)');
        push(v as Record<string, unknown>, lineNo);
      } catch (e) {
        reject(`line ${lineNo}: ${(e as Error).message}`, lineNo);
      }
    }
  };
  const take = (item: unknown) => {
    if (typeof item === 'string') takeLines(item, false);
    else if (item instanceof Uint8Array) takeLines(decoder.write(Buffer.from(item.buffer, item.byteOffset, item.byteLength)), false);
    else if (item !== null && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Map)) push(item as Record<string, unknown>);
    else reject(`item ${String(item)} (${typeof item}) is neither a row object nor text`);
  };
  const WAITING = Symbol('waiting');
  const done = (async () => {
    const it: AsyncIterator<unknown> | Iterator<unknown> = Symbol.asyncIterator in input ? (input as AsyncIterable<unknown>)[Symbol.asyncIterator]() : (input as Iterable<unknown>)[Symbol.iterator]();
    try {
      for (;;) {
        const next = it.next();
        let step: IteratorResult<unknown>;
        if (pending.length && next instanceof Promise) {
          // A chunk also ends when the iterable makes us wait: a slow producer's rows are not held back.
          const first = await Promise.race([next, new Promise<typeof WAITING>((r) => setTimeout(() => r(WAITING), 10))]);
          if (first === WAITING) flush();
          step = first === WAITING ? await next : first;
        } else step = await next;
        if (step.done || stopped || host.isClosed) break;
        take(step.value);
        if (pending.length >= chunkRows) flush();
      }
    } finally {
      if (stopped) await it.return?.();
    }
    takeLines(decoder.end(), true);
    flush();
    return appended;
  })();
  return {
    done,
    get rows() {
      return appended;
    },
    stop: () => {
      stopped = true;
    },
  };
}
