// COPY <source> FROM 'file' [WITH (FORMAT=…, HEADER=…, DELIMITER=…)]: a bulk load into a static
// table (upserts) or a stream/changelog table (appends to its topic).
//
// One generator does the work in chunks of rows, each chunk written in its own SQLite
// transaction, and yields its progress after every chunk; it reads the file a few MiB at a time,
// so memory does not grow with the file. `execute('COPY …')` runs it in chunks of
// EXECUTE_CHUNK_ROWS without yielding to the event loop; `copyAsync` runs chunks of DEFAULT_CHUNK_ROWS and
// gives the event loop a turn between them, so a shell can draw progress and cancel. A cancelled
// load keeps every chunk already committed and reads no further.

import { closeSync, fstatSync, openSync } from 'node:fs';
import { SqlError } from '../../parser/errors.js';
import type { SourceDef } from '../../planner/catalog.js';
import { missingKeyColumns, missingKeyMessage, type CopyPlan } from '../../planner/plan-dml.js';
import type { Value } from '../../planner/values.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { createSerde, type Serde } from '../serde/index.js';
import { upsertStaticRows } from '../static-table.js';
import { hasContent, LineReader } from '../connectors/line-reader.js';
import { appendRows } from './dml.js';

export const DEFAULT_CHUNK_ROWS = 1000;
/** Rows per transaction of a COPY run by execute(). */
const EXECUTE_CHUNK_ROWS = 10_000;

export interface CopyProgress {
  readonly target: string;
  /** Data lines read so far (copied or rejected) of all data lines in the file. */
  readonly rowsDone: number;
  readonly rowsTotal: number;
  /** Bytes of the file read so far, of its size. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Rows written and committed so far. */
  readonly copied: number;
  readonly rejected: number;
}

export interface CopyOptions {
  /** Rows (data lines) per chunk and transaction; default DEFAULT_CHUNK_ROWS. */
  readonly chunkRows?: number;
  /** Called after each committed chunk. */
  readonly onProgress?: (p: CopyProgress) => void;
  /** When aborted, the load stops after the chunk in hand; the rows committed so far stay. */
  readonly signal?: AbortSignal;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How COPY reads a line for `def`: CSV (DELIMITED) or JSON, over its columns but the headers. */
export function copySerde(def: SourceDef, format: string, delimiter: string | undefined): Serde {
  const columns = def.columns.filter((c) => c.role !== 'header');
  return createSerde(
    format === 'CSV' ? 'DELIMITED' : 'JSON',
    columns.map((c) => ({ name: c.name, type: c.type })),
    { role: 'value', ...(delimiter ? { delimiter } : {}) },
  );
}

/**
 * One data line of a COPY as its row, or null when it is rejected: it does not parse, or (into a
 * table) lacks its key. A rejection is added to `rejected` as `line N: why` and to the processing
 * log under `source` (the file, or whoever sent the lines). Also what the PostgreSQL protocol's
 * COPY … FROM STDIN uses for each line a client sends.
 */
export function copyLine(engine: Engine, def: SourceDef, serde: Serde, line: Buffer, lineNo: number, source: string, rejected: string[]): Value[] | null {
  try {
    const vals = serde.deserialize(line);
    const missing = vals && def.kind === 'TABLE' ? missingKeyColumns(def, vals) : [];
    if (missing.length) throw new Error(missingKeyMessage(def, missing));
    return vals;
  } catch (e) {
    rejected.push(`line ${lineNo}: ${(e as Error).message}`);
    engine.state.processingLog.write({ queryId: null, topic: source, partition: null, offset: lineNo, reason: `COPY ${def.name}: ${(e as Error).message}` });
    return null;
  }
}

/** COPY's closing message: rows copied, and the lines rejected with the first of them. */
export function copiedMessage(def: SourceDef, copied: number, rejected: readonly string[]): string {
  const note = rejected.length ? ` ${plural(rejected.length, 'line')} rejected (see the processing log), first: ${rejected[0]}` : '';
  return `Copied ${plural(copied, 'row')} into ${def.name}.${note}`;
}

/** Writes a chunk of COPY's rows: upserts into a static table, appends to a stream's or table's topic. */
function write(engine: Engine, def: SourceDef, rows: Value[][]): void {
  if (!rows.length) return;
  if (!def.topic) upsertStaticRows(engine.state.db, def, rows);
  else
    appendRows(
      engine,
      def,
      rows.map((cols) => ({ cols, ts: Date.now() })),
    );
}

/**
 * COPY's rules for a protocol that streams the data itself (pgwire's COPY … FROM STDIN): lines
 * read as the target's rows, rejections counted and logged, chunks written, the closing message.
 */
export interface CopyLoader {
  readonly target: SourceDef;
  /** `line N: why` of each rejected line; a caller that rejects a line itself adds it here. */
  readonly rejected: string[];
  /** One data line (CSV as Eddy writes it, or JSON) as its row, or null when it is rejected. */
  line(text: Buffer, lineNo: number): Value[] | null;
  /** Write a chunk of rows: upserts into a static table, appends to a stream's or table's topic. */
  write(rows: Value[][]): void;
  /** What COPY answers when done. */
  message(copied: number): string;
}

/** A loader into `def`; throws when the format cannot hold one of its columns (CSV has no ARRAY). */
export function copyLoader(engine: Engine, def: SourceDef, format: 'CSV' | 'JSON', source: string): CopyLoader {
  const serde = copySerde(def, format, undefined);
  const rejected: string[] = [];
  return {
    target: def,
    rejected,
    line: (text, lineNo) => copyLine(engine, def, serde, text, lineNo, source, rejected),
    write: (rows) => write(engine, def, rows),
    message: (copied) => copiedMessage(def, copied, rejected),
  };
}

/** Bytes of the file held at once: the load reads the file a piece at a time, never whole. */
const READ_BYTES = 4 * 1024 * 1024;

/** Data lines in the file (not blank, not the header), counted a piece at a time for the progress total. */
function countDataLines(fd: number, header: boolean): number {
  const reader = new LineReader(READ_BYTES);
  let n = 0;
  for (let pos = 0, more = true; more; ) {
    const chunk = reader.read(fd, pos, (line, at) => void (hasContent(line) && !(header && at === 0) && n++), true);
    more = chunk.next > pos;
    pos = chunk.next;
  }
  return n;
}

/** The planned load (planner/plan-dml.ts planCopy), chunk by chunk: yields after each chunk is committed, returns the final result. */
export function* copyChunks(engine: Engine, plan: CopyPlan, text: string, chunkRows: number): Generator<CopyProgress, StatementResult, void> {
  const { target: def, statement: stmt, header } = plan;
  let fd: number;
  let size: number;
  try {
    fd = openSync(engine.access.file(plan.path, 'COPY'), 'r');
    size = fstatSync(fd).size;
  } catch (e) {
    throw new SqlError(`Cannot read '${plan.path}': ${(e as Error).message}`, stmt);
  }
  try {
    const serde = copySerde(def, plan.format, plan.delimiter);
    const rowsTotal = countDataLines(fd, header);
    let rowsDone = 0;
    let bytesDone = 0;
    let copied = 0;
    let lineNo = 0;
    const rejected: string[] = [];
    let chunk: Value[][] = [];
    let inChunk = 0;
    const progress = (): CopyProgress => ({ target: def.name, rowsDone, rowsTotal, bytesDone: Math.min(bytesDone, size), bytesTotal: size, copied, rejected: rejected.length });
    const reader = new LineReader(READ_BYTES);
    // Lines are split on '\n' (a '\r' before it dropped) a piece of the file at a time; the piece's
    // data lines are then written in chunks of rows, each chunk committed and yielded.
    let piece: { vals: Value[] | null; end: number }[] = [];
    const onLine = (line: Buffer, at: number) => {
      lineNo++;
      if (!hasContent(line) || (header && at === 0)) return;
      piece.push({ vals: copyLine(engine, def, serde, line, lineNo, plan.path, rejected), end: at + line.length + 1 });
    };
    for (let pos = 0; pos < size; ) {
      const read = reader.read(fd, pos, onLine, true);
      if (read.next === pos) break; // the file shrank under the load
      pos = read.next;
      for (const line of piece) {
        rowsDone++;
        inChunk++;
        bytesDone = line.end;
        if (line.vals) chunk.push(line.vals);
        if (inChunk >= chunkRows && rowsDone < rowsTotal) {
          write(engine, def, chunk);
          copied += chunk.length;
          chunk = [];
          inChunk = 0;
          yield progress();
        }
      }
      piece = [];
      bytesDone = pos;
    }
    write(engine, def, chunk);
    copied += chunk.length;
    yield progress();
    return { kind: 'message', statement: text, message: copiedMessage(def, copied, rejected) };
  } finally {
    closeSync(fd);
  }
}

/** COPY for `execute`: in transactions of EXECUTE_CHUNK_ROWS rows, so memory stays bounded whatever the file's size. */
export function copy(engine: Engine, plan: CopyPlan, text: string): StatementResult {
  const chunks = copyChunks(engine, plan, text, EXECUTE_CHUNK_ROWS);
  for (;;) {
    const step = chunks.next();
    if (step.done) return step.value;
  }
}

function cancelledMessage(p: CopyProgress): string {
  const rejected = p.rejected ? ` ${plural(p.rejected, 'line')} rejected (see the processing log).` : '';
  return `COPY cancelled: ${plural(p.copied, 'row')} of ${p.rowsTotal} copied into ${p.target} and committed; the other ${p.rowsTotal - p.rowsDone} were not loaded.${rejected}`;
}

/** COPY in chunks, yielding to the event loop between them (setImmediate); see the file comment. */
export async function copyAsync(engine: Engine, plan: CopyPlan, text: string, opts: CopyOptions = {}): Promise<StatementResult> {
  const chunks = copyChunks(engine, plan, text, Math.max(1, opts.chunkRows ?? DEFAULT_CHUNK_ROWS));
  for (;;) {
    const step = chunks.next();
    if (step.done) return step.value;
    opts.onProgress?.(step.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted && step.value.rowsDone < step.value.rowsTotal) {
      chunks.return({ kind: 'message', statement: text, message: '' });
      return { kind: 'message', statement: text, message: cancelledMessage(step.value) };
    }
  }
}
