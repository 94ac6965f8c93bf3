// Lines of a file read a bounded chunk at a time: the file source and COPY hold one chunk in
// memory, never the file (a whole file in one Buffer or string took 2.3 GB for 450 MB of JSON, and
// V8 refuses a string over ~512 MiB).

import { readSync } from 'node:fs';
import { isBlank } from './line-bytes.js';

export interface LineChunk {
  /** The file position after the last line handed over. */
  readonly next: number;
  /** The read stopped at the chunk's size, not at the end of the file: there is more to read now. */
  readonly more: boolean;
}

export class LineReader {
  private buf: Buffer;

  constructor(private readonly chunkBytes: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /**
   * Calls `onLine` with each complete line from `position` on (a view of the reader's buffer,
   * valid during the call; without its '\n' and a '\r' before it) and the line's file position.
   * Reads about chunkBytes, more only for a line longer than that. At the file's end a last line
   * without '\n' waits for the rest, unless `final` (a file that will not grow: COPY, a rotated-away file).
   */
  read(fd: number, position: number, onLine: (line: Buffer, at: number) => void, final = false): LineChunk {
    return this.readRanges(fd, position, (buf, start, end) => onLine(buf.subarray(start, end), position + start), final);
  }

  /**
   * read() without a view per line: `onLine` gets the reader's buffer and the line's bytes
   * [start, end) in it (its file position is `position + start`), valid during the read() call.
   */
  readRanges(fd: number, position: number, onLine: (buf: Buffer, start: number, end: number) => void, final = false): LineChunk {
    let filled = 0;
    for (;;) {
      if (filled === this.buf.length) {
        // One line longer than the buffer: grow it for that line.
        const grown = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(grown, 0, 0, filled);
        this.buf = grown;
      }
      const n = readSync(fd, this.buf, filled, this.buf.length - filled, position + filled);
      filled += n;
      const eof = n === 0 || filled < this.buf.length;
      if (filled === 0) return { next: position, more: false };
      const lastNl = this.buf.lastIndexOf(0x0a, filled - 1);
      if (lastNl < 0 && !eof) continue;
      const end = eof && final ? filled : lastNl + 1;
      const buf = this.buf;
      let start = 0;
      while (start < end) {
        let nl = buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= end) nl = end;
        const stop = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
        onLine(buf, start, stop);
        start = nl + 1;
      }
      if (this.buf.length > this.chunkBytes && filled < this.chunkBytes) this.buf = Buffer.allocUnsafe(this.chunkBytes);
      return { next: position + Math.min(end, filled), more: !eof };
    }
  }
}

/** Whether a line holds anything but white space (blank lines are skipped, not rejected). */
export function hasContent(line: Buffer): boolean {
  return !isBlank(line);
}

/** hasContent of bytes [start, end) of `buf`. */
export function rangeHasContent(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c) return true;
  }
  return false;
}
