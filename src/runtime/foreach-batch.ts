// foreachBatch: the library's per-batch callback (Spark's foreachBatch / foreachRDD) over the
// records a stream or table's topic receives, and sinkTo, a sink to any async function, built on
// it. The bookkeeping is Spark's offset log / commit log: before a batch is handed over, its id
// and its offset range (per partition) are committed as *pending*; only when the callback's
// promise resolves is the position moved past it. A crash (or a callback that throws) between the
// two replays the same id with the same range, so the same rows: the callback may see a batch
// more than once, never a different one under the same id, and never skips one. A callback that
// writes idempotently by batch id (an upsert keyed by it, or "skip ids already done") is then
// exactly-once end to end.

import type { SourceDef } from '../planner/catalog.js';
import type { Value } from '../planner/values.js';
import type { EngineState } from './engine-state.js';
import { recordCodec } from './record-codec.js';

/** One output row: column name → value (keys first), and for a windowed source its window bounds. */
export type BatchRow = Record<string, Value>;

export interface ForeachBatchOptions {
  /** Names the bookkeeping (default: the source's name): two callbacks over one stream need two ids. */
  readonly id?: string;
  /** Rows per batch at most (default 1000). */
  readonly maxRows?: number;
  /** How often to look for new records when there were none, in ms (default 50). */
  readonly intervalMs?: number;
}

export interface ForeachBatchHandle {
  /** The id the next new batch gets; every batch below it has been handed over and committed. */
  readonly nextBatchId: number;
  /** Committed position: the next offset per partition. */
  position(): readonly number[];
  /** Stop after the batch in hand (an unfinished one is replayed by the next foreachBatch with this id). */
  stop(): Promise<void>;
}

interface Bookkeeping {
  /** Next offset per partition (what is committed). */
  next: number[];
  nextBatchId: number;
  /** A batch handed over and not yet committed: replayed as it is. */
  pending?: { id: number; from: number[]; to: number[] };
}

/** The engine's side that foreachBatch needs (the Eddy class passes itself). */
export interface BatchHost {
  readonly state: EngineState;
  readonly isClosed: boolean;
}

const handles = new WeakMap<object, Set<{ stop(): Promise<void> }>>();

/** Eddy.close(): every callback loop stops (its pending batch, if any, is replayed at next open). */
export function stopBatchCallbacks(engine: object): void {
  for (const h of handles.get(engine) ?? []) void h.stop();
  handles.delete(engine);
}

/** The stream or table a name gives: a source's name, or a persistent query's id (its sink). */
function targetOf(state: EngineState, name: string): SourceDef {
  const q = [...state.queries.values()].find((x) => x.id.toUpperCase() === name.toUpperCase() && !x.internal);
  const sourceName = q?.sink ?? name;
  const def = state.catalog.get(sourceName);
  if (!def) throw new Error(`foreachBatch: ${name} is neither a stream, a table nor a persistent query`);
  if (!def.topic) throw new Error(`foreachBatch: ${def.name} is a static table; it has no stream of changes to hand over`);
  return def;
}

export function foreachBatch(host: BatchHost, name: string, callback: (batchId: number, rows: BatchRow[]) => unknown, opts: ForeachBatchOptions = {}): ForeachBatchHandle {
  const { state } = host;
  const def = targetOf(state, name);
  const topic = def.topic!;
  const key = `foreach-batch:${(opts.id ?? def.name).toUpperCase()}`;
  const maxRows = opts.maxRows ?? 1000;
  const intervalMs = opts.intervalMs ?? 50;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new Error(`foreachBatch: maxRows must be a whole number of at least 1, not ${maxRows}`);
  if (!(intervalMs >= 0)) throw new Error(`foreachBatch: intervalMs must be a number of milliseconds, not ${intervalMs}`);
  const partitions = state.log.describeTopic(topic)?.partitions ?? 1;
  const codec = recordCodec(def, state.registry);
  const get = state.db.prepare('SELECT value FROM settings WHERE name = ?').pluck();
  const put = state.db.prepare('INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  const saved = get.get(key) as string | undefined;
  let book: Bookkeeping = saved ? (JSON.parse(saved) as Bookkeeping) : { next: Array.from({ length: partitions }, () => 0), nextBatchId: 0 };
  const save = (b: Bookkeeping) => {
    put.run(key, JSON.stringify(b));
    book = b;
  };

  const rowsOf = (from: readonly number[], to: readonly number[]): BatchRow[] => {
    const out: BatchRow[] = [];
    for (let p = 0; p < partitions; p++) {
      for (let off = from[p] ?? 0; off < (to[p] ?? 0); ) {
        const records = state.log.read(topic, p, off, Math.min(10_000, to[p]! - off));
        if (!records.length) break;
        for (const r of records) {
          if (r.offset >= to[p]!) break;
          const d = codec.decode(r);
          if (!d.rec) {
            state.processingLog.write({ queryId: null, topic, partition: p, offset: r.offset, reason: `foreachBatch ${def.name}: undecodable record skipped: ${d.error}` });
            continue;
          }
          const row: BatchRow = {};
          def.columns.forEach((c, i) => (row[c.name] = d.rec!.cols[i] ?? null));
          if (r.window) {
            row.WINDOWSTART = r.window.start;
            row.WINDOWEND = r.window.end;
          }
          out.push(row);
        }
        off = records[records.length - 1]!.offset + 1;
      }
    }
    return out;
  };

  /** The next range to hand over, or undefined when nothing new has arrived. */
  const plan = (): { from: number[]; to: number[] } | undefined => {
    const from = [...book.next];
    const to = [...from];
    let budget = maxRows;
    for (let p = 0; p < partitions && budget > 0; p++) {
      const end = state.log.endOffset(topic, p);
      const take = Math.min(Math.max(0, end - (from[p] ?? 0)), budget);
      to[p] = (from[p] ?? 0) + take;
      budget -= take;
    }
    return budget === maxRows ? undefined : { from, to };
  };

  let stopped = false;
  const alive = () => !stopped && !host.isClosed;
  const loop = (async () => {
    while (alive()) {
      let batch = book.pending;
      if (!batch) {
        const range = plan();
        if (!range) {
          await sleep(intervalMs);
          continue;
        }
        // The offset log: id and range are durable before anyone sees the rows.
        batch = { id: book.nextBatchId, ...range };
        save({ ...book, pending: batch });
      }
      const rows = rowsOf(batch.from, batch.to);
      try {
        await callback(batch.id, rows);
      } catch (e) {
        if (!alive()) return;
        state.processingLog.write({ queryId: null, topic, partition: null, offset: null, reason: `foreachBatch ${def.name}: batch ${batch.id} failed, retried: ${(e as Error).message}` });
        await sleep(Math.max(intervalMs, 500));
        continue;
      }
      if (!alive()) return; // closed during the callback: the batch stays pending and is replayed
      // The commit log: the position moves past the batch.
      save({ next: batch.to, nextBatchId: batch.id + 1 });
    }
  })();
  const handle = {
    get nextBatchId() {
      return book.nextBatchId;
    },
    position: () => [...book.next],
    stop: async () => {
      stopped = true;
      handles.get(host)?.delete(handle);
      await loop;
    },
  };
  let set = handles.get(host);
  if (!set) handles.set(host, (set = new Set()));
  set.add(handle);
  return handle;
}

/**
 * A sink to any async function: each batch of rows is passed to `write`, at least once (a batch
 * whose write rejects, or that a crash interrupts, is written again, with the same rows).
 */
export function sinkTo(host: BatchHost, name: string, write: (rows: BatchRow[]) => unknown, opts: ForeachBatchOptions = {}): ForeachBatchHandle {
  return foreachBatch(host, name, (_id, rows) => write(rows), { ...opts, id: opts.id ?? `sink:${name}` });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
