// file: tails a JSON-lines or CSV file, as `tail -F` would; each complete line is a row with
// every column (key and value). The micro-batch cycle polls it: each poll appends at most a
// chunk of lines, with the byte position (and the file's inode) committed in the same
// transaction, so a file of any size is read in bounded memory, other work runs between chunks,
// and a restart neither loses nor repeats a line.
// It follows the file as it grows; truncated in place, it starts over; renamed away (rotation),
// the old file is read to its end, then the new one from its start.
// WITH (source='file', path='/var/log/orders.jsonl', value_format='JSON' | 'DELIMITED', format_header=true,
//       poll_bytes=4194304)

import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { createSerde } from '../serde/index.js';
import type { ConnectorFactory, ConnectorRow } from './connector.js';
import { hasContent, LineReader, rangeHasContent } from './line-reader.js';

/** Bytes read per poll by default (poll_bytes): a chunk is appended in one transaction. */
const POLL_BYTES = 4 * 1024 * 1024;

interface FilePosition {
  readonly position: number;
  /** The inode the position is in; absent in checkpoints from before rotation was followed. */
  readonly inode?: string;
}

const EMPTY = Buffer.alloc(0);

function parseCheckpoint(s: string | undefined): FilePosition {
  if (s === undefined) return { position: 0 };
  if (/^\d+$/.test(s)) return { position: Number(s) };
  const p = JSON.parse(s) as FilePosition;
  return { position: p.position, ...(p.inode !== undefined ? { inode: p.inode } : {}) };
}

function inodeOf(path: string): string | undefined {
  try {
    return statSync(path, { bigint: true }).ino.toString();
  } catch {
    return undefined;
  }
}

export const fileConnector: ConnectorFactory = (ctx, settings) => {
  const path = String(settings.PATH ?? '');
  if (!path) throw new Error("source='file' needs path='…'");
  // Over a server the path must lie inside its --allow-files directory: judged now (refused at
  // CREATE, before the catalog changes) and again at each open, so a symlink swapped in later
  // cannot lead outside it.
  const where = (): string => ctx.file(path);
  where();
  const cols = ctx.source.columns.filter((c) => c.role !== 'header').map((c) => ({ name: c.name, type: c.type }));
  const headerNulls = ctx.source.columns.filter((c) => c.role === 'header').map(() => null);
  const csv = ctx.source.valueFormat === 'DELIMITED';
  const serde = createSerde(csv ? 'DELIMITED' : 'JSON', cols, { role: 'value', ...(ctx.source.valueDelimiter ? { delimiter: ctx.source.valueDelimiter } : {}) });
  const keyCount = ctx.source.columns.filter((c) => c.role === 'key').length;
  // A line is stored as the record's value as it is, not decoded and encoded again, when it is one:
  // a JSON object (its value decoder passes over the key columns' fields) or a delimited line of
  // value columns only. It is then checked when a query decodes it; lines with keys are read here.
  const asValue = headerNulls.length === 0 && (csv ? keyCount === 0 : ctx.source.wrapSingleValue !== false);
  const skipHeader = csv && String(settings.FORMAT_HEADER ?? 'false').toLowerCase() === 'true';
  const pollBytes = Number(settings.POLL_BYTES ?? POLL_BYTES);
  if (!Number.isInteger(pollBytes) || pollBytes < 1) throw new Error(`poll_bytes must be a positive whole number of bytes, not ${String(settings.POLL_BYTES)}`);
  const reader = new LineReader(pollBytes);
  let resumeAt = parseCheckpoint(ctx.checkpoint());
  let fd: number | undefined;
  let inode = '';
  let position = 0;
  let behind = false;
  /** The last read failure reported, so a lasting one (a directory at the path) is logged once. */
  let failure: string | undefined;

  const open = (): boolean => {
    const real = where(); // a refusal throws: poll logs it once
    try {
      fd = openSync(real, 'r');
    } catch {
      return false; // not there yet
    }
    inode = fstatSync(fd, { bigint: true }).ino.toString();
    // Another file at the path than the checkpoint's: it was rotated while Eddy was down.
    position = resumeAt.inode === undefined || resumeAt.inode === inode ? resumeAt.position : 0;
    return true;
  };
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };

  const poll = (): number => {
    try {
      const n = read();
      failure = undefined;
      return n;
    } catch (e) {
      // Whatever is at the path (a directory, a file without read permission) must not stop the engine.
      const reason = `cannot read '${path}': ${(e as Error).message}`;
      if (reason !== failure) ctx.reject(reason);
      failure = reason;
      close();
      return 0;
    }
  };

  /** The value-only lines of the last read: byte ranges of the reader's buffer (no object per line). */
  let starts = new Int32Array(16 * 1024);
  let ends = new Int32Array(16 * 1024);
  let runBytes: Buffer | undefined;
  let count = 0;
  const addRange = (buf: Buffer, start: number, end: number): void => {
    if (!rangeHasContent(buf, start, end) || (skipHeader && position + start === 0)) return;
    if (count === starts.length) {
      const s2 = new Int32Array(count * 2);
      s2.set(starts);
      starts = s2;
      const e2 = new Int32Array(count * 2);
      e2.set(ends);
      ends = e2;
    }
    runBytes = buf;
    starts[count] = start;
    ends[count] = end;
    count++;
  };

  const read = (): number => {
    behind = false;
    if (fd === undefined && !open()) return 0;
    if (fstatSync(fd!).size < position) position = 0; // truncated in place: start over
    const rotated = inodeOf(where()) !== inode;
    const ts = Date.now();
    let chunk: { next: number; more: boolean };
    let appended: number;
    if (asValue && keyCount === 0) {
      // Each line is the record's value as it is: copied from the read buffer into the log, checked when a query decodes it.
      count = 0;
      runBytes = undefined;
      chunk = reader.readRanges(fd!, position, addRange, rotated);
      appended = count;
      if (chunk.next !== position) {
        position = chunk.next;
        ctx.appendValues({ bytes: runBytes ?? EMPTY, starts, ends, count, timestamp: ts }, JSON.stringify({ position, inode } satisfies FilePosition));
      }
      runBytes = undefined;
    } else {
      const rows: ConnectorRow[] = [];
      chunk = reader.read(
        fd!,
        position,
        (line, at) => {
          if (!hasContent(line) || (skipHeader && at === 0)) return;
          try {
            const values = serde.deserialize(line);
            if (values) rows.push(asValue ? { values, ts, value: line } : { values: headerNulls.length ? [...values, ...headerNulls] : values, ts });
          } catch (e) {
            ctx.reject(`byte ${at}: ${(e as Error).message}`, at);
          }
        },
        rotated,
      );
      appended = rows.length;
      if (chunk.next !== position) {
        position = chunk.next;
        ctx.append(rows, JSON.stringify({ position, inode } satisfies FilePosition));
      }
    }
    behind = chunk.more;
    if (rotated && !chunk.more) {
      // The old file is read to its end; the new one (when it appears) is read from its start.
      close();
      resumeAt = { position: 0 };
      behind = inodeOf(where()) !== undefined;
    }
    return appended;
  };

  return {
    kind: 'file',
    start() {},
    poll,
    backlog: () => behind,
    stop: close,
  };
};
