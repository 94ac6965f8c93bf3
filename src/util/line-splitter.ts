// Cuts a byte stream into lines, holding at most a cap's worth of an unfinished line. Every
// reader of a line-oriented peer (the TCP protocol, the HTTP inserts stream, the client, the
// socket source) goes through it, so none can be made to buffer without bound by a line that
// never ends. Work is linear in the bytes received: each chunk is searched once from its own
// start and a line's pieces are joined once, when its newline arrives.
//
// Lines are cut as bytes and decoded whole, so a UTF-8 character split across two chunks is
// never broken: '\n' (0x0a) cannot occur inside a multi-byte UTF-8 sequence.

const LF = 0x0a;
const CR = 0x0d;

/** In place of a line: the line passed the cap. Its remaining bytes, to its newline, are dropped. */
export class LineTooLong {
  constructor(
    /** The cap it passed, in bytes. */
    readonly maxLineBytes: number,
  ) {}

  get message(): string {
    return `line over ${this.maxLineBytes} bytes`;
  }
}

export class LineSplitter {
  /** The unfinished line's pieces, as received. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** After a line passed the cap: drop bytes until its newline. */
  private skipping = false;

  /**
   * `maxLineBytes`: the longest line accepted, in bytes, without its line end ('\n' or '\r\n').
   * Infinity for a trusted peer whose lines may be as long as a reply.
   */
  constructor(readonly maxLineBytes: number) {
    if (!(maxLineBytes >= 0)) throw new RangeError(`maxLineBytes must be a number of bytes, not ${maxLineBytes}`);
  }

  /** Bytes of the unfinished line held now. */
  get pendingBytes(): number {
    return this.partialBytes;
  }

  /**
   * The lines `chunk` completes, in order, as UTF-8 text without their line ends; a LineTooLong
   * stands where a line passed the cap, as soon as it passes it (not when its newline comes).
   * Invalid UTF-8 decodes to U+FFFD, as Buffer#toString does.
   */
  push(chunk: Buffer | string): (string | LineTooLong)[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const first = bytes.indexOf(LF);
    const last = first < 0 ? -1 : bytes.lastIndexOf(LF);
    // The common case, many short lines a chunk: the lines between its first and last newline,
    // together within the cap (so each is), are decoded in one go and split as text (about four
    // times faster than a decode per line). The line the first newline ends, and the rest after
    // the last, go through pushBytes, which keeps the unfinished line and the cap.
    if (first < 0 || last === first || last - first - 1 > this.maxLineBytes) return this.pushBytes(bytes).map(decoded);
    const out = this.pushBytes(bytes.subarray(0, first + 1)).map(decoded);
    for (const line of bytes.toString('utf8', first + 1, last).split('\n')) out.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    for (const rest of this.pushBytes(bytes.subarray(last + 1))) out.push(decoded(rest));
    return out;
  }

  /**
   * As push, the lines as bytes (views into the chunks received, not copies), for a reader that
   * leaves decoding to the format.
   */
  pushBytes(chunk: Buffer | string): (Buffer | LineTooLong)[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: (Buffer | LineTooLong)[] = [];
    let from = 0;
    let nl: number;
    while ((nl = bytes.indexOf(LF, from)) >= 0) {
      const piece = bytes.subarray(from, nl);
      from = nl + 1;
      if (this.skipping) {
        this.skipping = false; // the over-long line ends here; the next one counts afresh
        continue;
      }
      const line = withoutCr(this.partial.length ? Buffer.concat([...this.partial, piece]) : piece);
      this.partial = [];
      this.partialBytes = 0;
      if (line.length > this.maxLineBytes) out.push(new LineTooLong(this.maxLineBytes));
      else out.push(line);
    }
    if (from < bytes.length && !this.skipping) {
      const rest = bytes.subarray(from);
      this.partial.push(rest);
      this.partialBytes += rest.length;
      // One byte over may be the '\r' of a '\r\n' still to come.
      const over = this.partialBytes - this.maxLineBytes;
      if (over > 1 || (over === 1 && rest[rest.length - 1] !== CR)) {
        this.partial = [];
        this.partialBytes = 0;
        this.skipping = true;
        out.push(new LineTooLong(this.maxLineBytes));
      }
    }
    return out;
  }

  /**
   * At the end of the stream: the last line if it had no newline (undefined if nothing is held),
   * for a peer whose stream's end also ends its last line (an HTTP body). Clears what is held.
   */
  end(): string | undefined {
    const held = this.partial;
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
    return held.length ? withoutCr(Buffer.concat(held)).toString('utf8') : undefined;
  }
}

function decoded(line: Buffer | LineTooLong): string | LineTooLong {
  return line instanceof LineTooLong ? line : line.toString('utf8');
}

/** The line without a trailing carriage return (a '\r\n' line end). */
function withoutCr(line: Buffer): Buffer {
  return line.length && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
}
