// Lines of the line-oriented connectors (file, socket) as raw bytes: the value format decides
// whether they are valid text, so nothing is decoded (or altered) before it.

/** The line without a trailing carriage return (a CRLF line end). */
export function withoutCr(line: Buffer): Buffer {
  return line.length && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}

/** Only spaces, tabs and line ends: a line that carries no record. */
export function isBlank(line: Buffer): boolean {
  for (const b of line) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c) return false;
  return true;
}
