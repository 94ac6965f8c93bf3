// COPY <source> FROM 'file' [WITH (FORMAT=…, HEADER=…, DELIMITER=…)]: a bulk load into a static
// table (upserts) or a stream/changelog table (appends to its topic).
//
// One generator does the work in chunks of rows, each chunk written in its own SQLite
// transaction, and yields its progress after every chunk. `execute('COPY …')` runs it as a single
// chunk (one transaction, as it always has); `copyAsync` runs chunks of DEFAULT_CHUNK_ROWS and
// gives the event loop a turn between them, so a shell can draw progress and cancel. A cancelled
// load keeps every chunk already committed and reads no further.

import { readFileSync } from 'node:fs';
import type { Copy } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import type { SourceDef } from '../../planner/catalog.js';
import { propString } from '../../planner/plan-ddl.js';
import type { Value } from '../../planner/values.js';
import type { Engine } from '../engine-context.js';
import type { StatementResult } from '../results.js';
import { createSerde, type Serde } from '../serde/index.js';
import { isBlank, withoutCr } from '../connectors/line-bytes.js';
import { missingKeyColumns, missingKeyMessage, upsertStaticRows } from '../static-table.js';
import { appendRows } from './dml.js';

export const DEFAULT_CHUNK_ROWS = 1000;

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

function serdeFor(def: SourceDef, stmt: Copy, format: string): Serde {
  const columns = def.columns.filter((c) => c.role !== 'header');
  const delimiter = propString(stmt.properties, 'DELIMITER');
  return createSerde(format === 'CSV' ? 'DELIMITED' : 'JSON', columns.map((c) => ({ name: c.name, type: c.type })), { role: 'value', ...(delimiter ? { delimiter } : {}) });
}

function write(engine: Engine, def: SourceDef, rows: Value[][]): void {
  if (!rows.length) return;
  if (!def.topic) upsertStaticRows(engine.state.db, def, rows);
  else appendRows(engine, def, rows.map((cols) => ({ cols, ts: Date.now() })));
}

/** The load, chunk by chunk: yields after each chunk is committed, returns the final result. */
export function* copyChunks(engine: Engine, stmt: Copy, text: string, chunkRows: number): Generator<CopyProgress, StatementResult, void> {
  const def = engine.state.catalog.get(stmt.target);
  if (!def) throw new SqlError(`${stmt.target} does not exist.`, stmt);
  let file: Buffer;
  try {
    file = readFileSync(engine.access.file(stmt.path, 'COPY'));
  } catch (e) {
    throw new SqlError(`Cannot read '${stmt.path}': ${(e as Error).message}`, stmt);
  }
  const format = (propString(stmt.properties, 'FORMAT') ?? (/\.csv$/i.test(stmt.path) ? 'CSV' : 'JSON')).toUpperCase();
  const header = String(propString(stmt.properties, 'HEADER') ?? (format === 'CSV' ? 'true' : 'false')).toLowerCase() === 'true';
  const serde = serdeFor(def, stmt, format);
  // Lines as bytes, split on '\n' (a '\r' before it dropped): the format decides whether they are
  // valid text, so invalid UTF-8 is a rejected line, not one silently altered.
  const lines = splitLines(file);
  const isData = (line: Buffer, i: number) => !isBlank(line) && !(header && i === 0);
  let rowsTotal = 0;
  lines.forEach((line, i) => isData(line, i) && rowsTotal++);
  let rowsDone = 0;
  let bytesDone = 0;
  let copied = 0;
  const rejected: string[] = [];
  let chunk: Value[][] = [];
  let inChunk = 0;
  const progress = (): CopyProgress => ({ target: def.name, rowsDone, rowsTotal, bytesDone: Math.min(bytesDone, file.length), bytesTotal: file.length, copied, rejected: rejected.length });
  for (const [i, raw] of lines.entries()) {
    bytesDone += raw.length + 1;
    const line = withoutCr(raw);
    if (!isData(line, i)) continue;
    rowsDone++;
    inChunk++;
    try {
      const vals = serde.deserialize(line);
      const missing = vals && def.kind === 'TABLE' ? missingKeyColumns(def, vals) : [];
      if (missing.length) throw new Error(missingKeyMessage(def, missing));
      if (vals) chunk.push(vals);
    } catch (e) {
      rejected.push(`line ${i + 1}: ${(e as Error).message}`);
      engine.state.processingLog.write({ queryId: null, topic: stmt.path, partition: null, offset: i + 1, reason: `COPY ${def.name}: ${(e as Error).message}` });
    }
    if (inChunk >= chunkRows && rowsDone < rowsTotal) {
      write(engine, def, chunk);
      copied += chunk.length;
      chunk = [];
      inChunk = 0;
      yield progress();
    }
  }
  write(engine, def, chunk);
  copied += chunk.length;
  yield progress();
  const note = rejected.length ? ` ${plural(rejected.length, 'line')} rejected (see the processing log), first: ${rejected[0]}` : '';
  return { kind: 'message', statement: text, message: `Copied ${plural(copied, 'row')} into ${def.name}.${note}` };
}

/** COPY in one transaction, for `execute`. */
export function copy(engine: Engine, stmt: Copy, text: string): StatementResult {
  const chunks = copyChunks(engine, stmt, text, Infinity);
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
export async function copyAsync(engine: Engine, stmt: Copy, text: string, opts: CopyOptions = {}): Promise<StatementResult> {
  const chunks = copyChunks(engine, stmt, text, Math.max(1, opts.chunkRows ?? DEFAULT_CHUNK_ROWS));
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

function splitLines(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let nl: number; (nl = file.indexOf(0x0a, from)) >= 0; from = nl + 1) out.push(file.subarray(from, nl));
  out.push(file.subarray(from));
  return out;
}
