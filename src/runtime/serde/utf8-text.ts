// Bytes → text for the text formats, refusing invalid UTF-8: decoding would put U+FFFD in its
// place and alter the record silently, where a record that cannot be read must be rejected.

import { isUtf8 } from 'node:buffer';
import { DecodeError } from './json-coercion.js';

export function utf8Text(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new DecodeError(`Invalid UTF-8 byte sequence at byte ${firstInvalidByte(bytes)}`);
  return bytes.toString('utf8');
}

/** Where the first invalid sequence starts (only on the error path): one character at a time. */
function firstInvalidByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || !isUtf8(bytes.subarray(i, i + len)) || i + len > bytes.length) return i;
    i += len;
  }
  return bytes.length;
}
